import { and, eq, sql } from 'drizzle-orm';
import { schema, type DbOrTx } from '@permed/db';
import { AppError } from '@permed/http';
import { stageCriteriaOf, type CallContext, type EvaluationStage } from './evaluation-context.ts';
import type { ReviewRow } from './review-rules.ts';

export interface AnonymisedReview {
  label: string;
  scores: { criterionId: string; label: string; score: number; comment: string | null }[];
}

/**
 * Submitted reviews of a proposal's current reviewers, labelled "Reviewer 1", "Reviewer 2"… in a
 * stable order (submission time, then review id), so a label means the same review every time.
 */
export async function labelledReviews(
  db: DbOrTx,
  stage: EvaluationStage,
  proposalId: string,
): Promise<{ label: string; review: ReviewRow }[]> {
  const rows = await db
    .select({ review: schema.reviews })
    .from(schema.reviews)
    .innerJoin(schema.assignments, eq(schema.assignments.id, schema.reviews.assignmentId))
    .where(
      and(
        eq(schema.reviews.stage, stage),
        eq(schema.reviews.proposalId, proposalId),
        eq(schema.reviews.status, 'submitted'),
        eq(schema.assignments.status, 'active'),
      ),
    );
  return rows
    .map((r) => r.review)
    .sort(
      (a, b) =>
        (a.submittedAt?.getTime() ?? 0) - (b.submittedAt?.getTime() ?? 0) ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    )
    .map((review, i) => ({ label: `Reviewer ${i + 1}`, review }));
}

/** Only what a review says: scores and comments per criterion. Built field by field so nothing else leaks. */
export function anonymise(
  ctx: CallContext,
  stage: EvaluationStage,
  label: string,
  review: ReviewRow,
): AnonymisedReview {
  const criteria = stageCriteriaOf(ctx.definition, stage).criteria;
  return {
    label,
    scores: criteria.map((c) => {
      const s = review.scores.find((x) => x.criterionId === c.id);
      return { criterionId: c.id, label: c.label, score: s?.score ?? 0, comment: s?.comment ?? null };
    }),
  };
}

/**
 * The reviews released to the coordinator for the rebuttal: only from the opening of the call's
 * rebuttal stage (server clock), only submitted full-proposal reviews, anonymised. Reviewer ids,
 * names and e-mails never leave this service.
 */
export async function releasedReviews(db: DbOrTx, ctx: CallContext, proposalId: string, now: Date) {
  const rebuttal = ctx.definition.stages.find((s) => s.kind === 'rebuttal');
  if (!rebuttal || !ctx.definition.rebuttal.enabled) {
    throw new AppError('STAGE_NOT_OPEN', 'This call has no rebuttal stage: reviews are not released');
  }
  if (now.getTime() < Date.parse(rebuttal.opensAt.at)) {
    throw new AppError('STAGE_NOT_OPEN', 'Reviews are released when the rebuttal stage opens', {
      extensions: { opensAt: rebuttal.opensAt.at, serverTime: now.toISOString() },
    });
  }
  const stage = 'full-proposal' as const;
  const criteria = stageCriteriaOf(ctx.definition, stage).criteria;
  const reviews = await labelledReviews(db, stage, proposalId);
  return {
    proposalId,
    stage,
    rebuttal: {
      opensAt: rebuttal.opensAt.at,
      closesAt: rebuttal.closesAt.at,
      zone: rebuttal.closesAt.zone,
      maxCharacters: ctx.definition.rebuttal.maxCharacters,
    },
    criteria: criteria.map((c) => ({ id: c.id, label: c.label, weight: c.weight })),
    reviews: reviews.map((r) => anonymise(ctx, stage, r.label, r.review)),
  };
}

/**
 * The consortium's rebuttal, written by the proposals service into `rebuttals` (proposal_id,
 * text, characters, submitted_at). Read by SQL only if the table exists, so this service does not
 * depend on the proposals service's code.
 */
export async function readRebuttal(
  db: DbOrTx,
  proposalId: string,
): Promise<{
  available: boolean;
  text: string | null;
  characters: number | null;
  submittedAt: string | null;
}> {
  const none = { available: false, text: null, characters: null, submittedAt: null };
  const exists = rowsOf(await db.execute(sql`select to_regclass('public.rebuttals') is not null as present`));
  if (!exists[0]?.present) return none;
  const rows = rowsOf(
    await db.execute(
      sql`select text, characters, submitted_at from rebuttals where proposal_id = ${proposalId} limit 1`,
    ),
  );
  const row = rows[0];
  if (!row) return { ...none, available: true };
  const submittedAt = row.submitted_at;
  return {
    available: true,
    text: typeof row.text === 'string' ? row.text : null,
    characters: typeof row.characters === 'number' ? row.characters : null,
    submittedAt:
      submittedAt instanceof Date
        ? submittedAt.toISOString()
        : typeof submittedAt === 'string'
          ? submittedAt
          : null,
  };
}

/** postgres.js returns the rows as the result, PGlite as `result.rows`. */
function rowsOf(result: unknown): Record<string, unknown>[] {
  if (Array.isArray(result)) return result as Record<string, unknown>[];
  return (result as { rows?: Record<string, unknown>[] }).rows ?? [];
}
