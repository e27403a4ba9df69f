import { and, eq } from 'drizzle-orm';
import { schema, type DbOrTx } from '@permed/db';
import {
  consolidate,
  InvalidScoresError,
  rankProposals,
  type CategoryCutoffs,
  type ConsolidatedScore,
  type Ranking,
} from '@permed/evaluation';
import {
  rankingCutoffs,
  stageCriteriaOf,
  tieBreakOf,
  type CallContext,
  type EvaluationStage,
} from './evaluation-context.ts';
import { evaluatedStates, listStageProposals } from './proposal-store.ts';

export interface ScoredProposal {
  proposalId: string;
  acronym: string;
  consolidated: ConsolidatedScore;
}

export interface UnscoredProposal {
  proposalId: string;
  acronym: string;
  submittedReviews: number;
  pendingReviews: number;
  problem?: string;
}

export interface LiveRanking {
  ranking: Ranking;
  cutoffs: CategoryCutoffs;
  scored: Map<string, ScoredProposal>;
  /** Proposals with reviews still pending and no consensus score: they block the freeze. */
  incomplete: UnscoredProposal[];
}

/**
 * The panel's ranking as the scores stand now: per proposal the consensus score if the call
 * office entered one, else the mean of the submitted reviews of its current reviewers; then the
 * thresholds, the documented tie-break and the A/B/C categories.
 */
export async function computeRanking(
  db: DbOrTx,
  ctx: CallContext,
  stage: EvaluationStage,
): Promise<LiveRanking> {
  const criteria = stageCriteriaOf(ctx.definition, stage);
  const cutoffs = rankingCutoffs(criteria);
  const proposals = await listStageProposals(db, ctx.callId, stage, evaluatedStates[stage]);
  const where = and(eq(schema.reviews.callId, ctx.callId), eq(schema.reviews.stage, stage));
  const reviews = await db
    .select({ review: schema.reviews, assignmentStatus: schema.assignments.status })
    .from(schema.reviews)
    .innerJoin(schema.assignments, eq(schema.assignments.id, schema.reviews.assignmentId))
    .where(where);
  const active = await db
    .select({ proposalId: schema.assignments.proposalId, reviewerId: schema.assignments.reviewerId })
    .from(schema.assignments)
    .where(
      and(
        eq(schema.assignments.callId, ctx.callId),
        eq(schema.assignments.stage, stage),
        eq(schema.assignments.status, 'active'),
      ),
    );
  const consensus = await db
    .select()
    .from(schema.consensusScores)
    .where(and(eq(schema.consensusScores.callId, ctx.callId), eq(schema.consensusScores.stage, stage)));
  const consensusBy = new Map(consensus.map((c) => [c.proposalId, c]));

  const scored = new Map<string, ScoredProposal>();
  const incomplete: UnscoredProposal[] = [];
  for (const p of proposals) {
    // Reviews of reviewers since declined or removed no longer count.
    const submitted = reviews.filter(
      (r) =>
        r.review.proposalId === p.id && r.review.status === 'submitted' && r.assignmentStatus === 'active',
    );
    const submittedBy = new Set(submitted.map((r) => r.review.reviewerId));
    const pending = active.filter((a) => a.proposalId === p.id && !submittedBy.has(a.reviewerId)).length;
    const c = consensusBy.get(p.id);
    const acronym = p.document.acronym;
    try {
      if (c) {
        scored.set(p.id, {
          proposalId: p.id,
          acronym,
          consolidated: consolidate(criteria, {
            kind: 'consensus',
            scores: c.scores,
            justification: c.justification,
            decidedBy: c.decidedByLabel,
          }),
        });
        continue;
      }
      if (submitted.length === 0 || pending > 0) {
        incomplete.push({
          proposalId: p.id,
          acronym,
          submittedReviews: submitted.length,
          pendingReviews: pending,
        });
        if (submitted.length === 0) continue;
      }
      scored.set(p.id, {
        proposalId: p.id,
        acronym,
        consolidated: consolidate(criteria, {
          kind: 'reviews',
          reviews: submitted.map((r) => ({ reviewerId: r.review.reviewerId, scores: r.review.scores })),
        }),
      });
    } catch (error) {
      // Scores stored under an earlier call version may not fit the current criteria.
      if (!(error instanceof InvalidScoresError)) throw error;
      scored.delete(p.id);
      incomplete.push({
        proposalId: p.id,
        acronym,
        submittedReviews: submitted.length,
        pendingReviews: pending,
        problem: error.message,
      });
    }
  }
  const ranking = rankProposals(
    [...scored.values()].map((s) => ({ proposalId: s.proposalId, consolidated: s.consolidated })),
    { stage, tieBreak: tieBreakOf(criteria), cutoffs },
  );
  return { ranking, cutoffs, scored, incomplete };
}
