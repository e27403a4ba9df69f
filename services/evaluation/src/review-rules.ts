import { and, eq } from 'drizzle-orm';
import { schema, type DbOrTx } from '@permed/db';
import { validateScores, type StageCriteria } from '@permed/evaluation';
import { AppError, type FieldProblem } from '@permed/http';
import type { EvaluationStage } from './evaluation-context.ts';
import type { ScoreInput } from './inputs.ts';

export type ReviewRow = typeof schema.reviews.$inferSelect;

/**
 * Scores checked against the stage's criteria, each problem at its field path: off the scale,
 * half points where the call scores whole points, unknown or duplicate criteria, and (on submit)
 * missing criteria. A draft may leave criteria unscored.
 */
export function scoreProblems(
  criteria: StageCriteria,
  scores: readonly ScoreInput[],
  complete: boolean,
  base = '/scores',
): FieldProblem[] {
  const problems = validateScores(criteria, scores);
  const seen = new Map<string, number>();
  const indexOf = (criterionId: string, duplicate: boolean) => {
    const indices = scores.flatMap((s, i) => (s.criterionId === criterionId ? [i] : []));
    if (!duplicate) return indices[0];
    const n = (seen.get(criterionId) ?? 0) + 1;
    seen.set(criterionId, n);
    return indices[n];
  };
  return problems.flatMap((p): FieldProblem[] => {
    if (p.code === 'missing-criterion') {
      return complete ? [{ in: 'body', path: base, message: p.message, code: p.code }] : [];
    }
    const i = indexOf(p.criterionId, p.code === 'duplicate-criterion');
    const field =
      p.code === 'unknown-criterion' || p.code === 'duplicate-criterion' ? 'criterionId' : 'score';
    return [
      {
        in: 'body',
        path: i === undefined ? base : `${base}/${i}/${field}`,
        message: p.message,
        code: p.code,
      },
    ];
  });
}

export function requireValidScores(
  criteria: StageCriteria,
  scores: readonly ScoreInput[],
  complete: boolean,
  base = '/scores',
): void {
  const problems = scoreProblems(criteria, scores, complete, base);
  if (problems.length > 0) {
    throw new AppError('VALIDATION_FAILED', 'The scores are not valid for this call', { errors: problems });
  }
}

/** Scores and reviews of a stage stop changing once its ranking list is frozen. */
export async function requireRankingOpen(db: DbOrTx, callId: string, stage: EvaluationStage): Promise<void> {
  const [frozen] = await db
    .select({ id: schema.rankingLists.id, hash: schema.rankingLists.hash })
    .from(schema.rankingLists)
    .where(and(eq(schema.rankingLists.callId, callId), eq(schema.rankingLists.stage, stage)));
  if (frozen) {
    throw new AppError('RANKING_FROZEN', `The ${stage} ranking list is frozen`, {
      extensions: { rankingListId: frozen.id, hash: frozen.hash },
    });
  }
}

export async function reviewOf(
  db: DbOrTx,
  stage: EvaluationStage,
  proposalId: string,
  reviewerId: string,
): Promise<ReviewRow | null> {
  const [row] = await db
    .select()
    .from(schema.reviews)
    .where(
      and(
        eq(schema.reviews.stage, stage),
        eq(schema.reviews.proposalId, proposalId),
        eq(schema.reviews.reviewerId, reviewerId),
      ),
    );
  return row ?? null;
}

/** Stored scores without undefined members (jsonb and the RFC 8785 hash both need plain JSON). */
export function storedScores(scores: readonly ScoreInput[]) {
  return scores.map((s) => ({
    criterionId: s.criterionId,
    score: s.score,
    ...(s.comment === undefined ? {} : { comment: s.comment }),
  }));
}
