import { sql } from 'drizzle-orm';
import { recordAudit, schema, type Actor } from '@permed/db';
import { AppError } from '@permed/http';
import type { ReviewerRow } from './conflict-inputs.ts';
import {
  requireBeforeReviewDeadline,
  stageCriteriaOf,
  type CallContext,
  type EvaluationStage,
  type UseCaseDeps,
} from './evaluation-context.ts';
import type { ScoreInput } from './inputs.ts';
import {
  requireRankingOpen,
  requireValidScores,
  reviewOf,
  storedScores,
  type ReviewRow,
} from './review-rules.ts';
import { requireClearedProposal } from './reviewer-gate.ts';

/**
 * Saves the reviewer's draft, or submits it (final). Only an assigned reviewer who declared no
 * conflict and has none detected may write; the server clock decides the deadline at commit;
 * a submitted review and a frozen ranking no longer change.
 */
export async function saveReview(
  deps: UseCaseDeps,
  actor: Actor,
  ctx: CallContext,
  reviewer: ReviewerRow,
  args: {
    proposalId: string;
    stage?: EvaluationStage | undefined;
    scores?: ScoreInput[] | undefined;
    submit: boolean;
  },
): Promise<ReviewRow> {
  const { assignment } = await requireClearedProposal(deps.db, ctx, reviewer, args.proposalId, args.stage);
  const stage = assignment.stage;
  const criteria = stageCriteriaOf(ctx.definition, stage);
  return deps.db.transaction(async (tx) => {
    await requireRankingOpen(tx, ctx.callId, stage);
    const now = deps.clock.now();
    requireBeforeReviewDeadline(ctx.definition, stage, now);
    const existing = await reviewOf(tx, stage, args.proposalId, reviewer.id);
    if (existing?.status === 'submitted') {
      throw new AppError('REVIEW_ALREADY_SUBMITTED', 'Your review of this proposal is submitted and final');
    }
    if (!args.submit && args.scores === undefined) {
      throw new AppError('VALIDATION_FAILED', 'Give the scores to save', {
        errors: [{ in: 'body', path: '/scores', message: 'required' }],
      });
    }
    const scores = storedScores(args.scores ?? existing?.scores ?? []);
    requireValidScores(criteria, scores, args.submit);
    const status = args.submit ? ('submitted' as const) : ('draft' as const);
    const [row] = await tx
      .insert(schema.reviews)
      .values({
        callId: ctx.callId,
        stage,
        proposalId: args.proposalId,
        reviewerId: reviewer.id,
        assignmentId: assignment.id,
        status,
        scores,
        createdAt: now,
        updatedAt: now,
        submittedAt: args.submit ? now : null,
      })
      .onConflictDoUpdate({
        target: [schema.reviews.stage, schema.reviews.proposalId, schema.reviews.reviewerId],
        set: {
          status,
          scores,
          assignmentId: assignment.id,
          updatedAt: now,
          submittedAt: args.submit ? now : null,
          revision: sql`${schema.reviews.revision} + 1`,
        },
        // A concurrent submit wins; this write then finds nothing to update.
        setWhere: sql`${schema.reviews.status} = 'draft'`,
      })
      .returning();
    if (!row)
      throw new AppError('REVIEW_ALREADY_SUBMITTED', 'Your review of this proposal is submitted and final');
    await recordAudit(tx, {
      actor,
      action: args.submit ? 'evaluation.review_submitted' : 'evaluation.review_saved',
      targetType: 'review',
      targetId: row.id,
      details: {
        callId: ctx.callId,
        stage,
        proposalId: args.proposalId,
        reviewerId: reviewer.id,
        revision: row.revision,
      },
      at: now,
    });
    return row;
  });
}
