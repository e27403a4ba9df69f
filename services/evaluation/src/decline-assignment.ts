import { and, eq } from 'drizzle-orm';
import { schema, type Actor } from '@permed/db';
import { AppError } from '@permed/http';
import type { ReviewerRow } from './conflict-inputs.ts';
import type { CallContext, UseCaseDeps } from './evaluation-context.ts';
import { declineAndReplace, type DeclineOutcome, type ReplacementMode } from './replace-reviewer.ts';

/**
 * A reviewer declines one of their assignments (or the call office records it for them); the
 * best valid replacement is proposed or applied. A submitted review cannot be declined any more.
 */
export async function declineAssignment(
  deps: UseCaseDeps,
  actor: Actor,
  ctx: CallContext,
  args: { assignmentId: string; reason: string; mode: ReplacementMode; reviewer: ReviewerRow | null },
): Promise<DeclineOutcome> {
  const [row] = await deps.db
    .select()
    .from(schema.assignments)
    .where(and(eq(schema.assignments.id, args.assignmentId), eq(schema.assignments.callId, ctx.callId)));
  // Another reviewer's assignment is as unknown as a mistyped id.
  if (!row || (args.reviewer && row.reviewerId !== args.reviewer.id)) {
    throw new AppError('NOT_FOUND', `No assignment ${args.assignmentId}`);
  }
  if (row.status !== 'active') {
    throw new AppError('CONFLICT', `This assignment is ${row.status}`, {
      extensions: { status: row.status },
    });
  }
  const [review] = await deps.db
    .select({ status: schema.reviews.status })
    .from(schema.reviews)
    .where(
      and(
        eq(schema.reviews.stage, row.stage),
        eq(schema.reviews.proposalId, row.proposalId),
        eq(schema.reviews.reviewerId, row.reviewerId),
      ),
    );
  if (review?.status === 'submitted') {
    throw new AppError(
      'REVIEW_ALREADY_SUBMITTED',
      'The review of this assignment is submitted; it cannot be declined',
    );
  }
  const now = deps.clock.now();
  return deps.db.transaction((tx) =>
    declineAndReplace(tx, deps, actor, ctx, row, { reason: args.reason, mode: args.mode, now }),
  );
}
