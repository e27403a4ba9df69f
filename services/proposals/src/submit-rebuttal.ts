import { and, eq } from 'drizzle-orm';
import { recordAudit, schema } from '@permed/db';
import { stageOf, type Stage } from '@permed/domain';
import { AppError, type Principal } from '@permed/http';
import { actorOf } from '@permed/service-kit';
import { isOpenProposalState, type ProposalState } from '@permed/workflow';
import { instantMs, type CallContext } from './call-context.ts';
import type { AnonymisedReview, ProposalsContext } from './deps.ts';
import { deadlinePassed, stageNotOpen } from './editing-window.ts';
import { callOf, type ProposalAccess, requireCoordinator, resolveProposalAccess } from './proposal-access.ts';
import { codePoints } from './validate-draft.ts';

/** States in which a proposal has been submitted for evaluation and may answer its reviews. */
const NOT_YET_SUBMITTED: readonly ProposalState[] = ['draft', 'invited', 'full-draft'];

function rebuttalStage(call: CallContext): Stage {
  const stage = call.definition.rebuttal.enabled ? stageOf(call.definition, 'rebuttal') : undefined;
  if (!stage) throw new AppError('STAGE_NOT_OPEN', 'This call has no rebuttal stage');
  return stage;
}

function requireRebuttalCandidate(access: ProposalAccess, twoStage: boolean): void {
  const eligible =
    isOpenProposalState(access.state) &&
    !NOT_YET_SUBMITTED.includes(access.state) &&
    (access.proposal.stage === 'full-proposal' || !twoStage);
  if (!eligible) {
    throw new AppError('CONFLICT', `A proposal that is ${access.state} has no rebuttal`, {
      extensions: { currentState: access.state },
    });
  }
}

/** The reviews of the proposal, anonymised, from the rebuttal's opening on (coordinator only). */
export async function readReviews(
  ctx: ProposalsContext,
  principal: Principal,
  proposalId: string,
): Promise<{ reviews: AnonymisedReview[]; window: Stage }> {
  const access = await resolveProposalAccess(ctx.db, principal, proposalId);
  requireCoordinator(access, 'read the reviews');
  const call = await callOf(ctx, access);
  const window = rebuttalStage(call);
  const now = ctx.clock.now();
  if (now.getTime() < instantMs(window.opensAt))
    throw stageNotOpen(window, now, 'The reviews are shown when the rebuttal opens');
  requireRebuttalCandidate(access, call.definition.twoStage);
  return { reviews: await ctx.reviews.anonymisedReviews(proposalId), window };
}

export type RebuttalRow = typeof schema.rebuttals.$inferSelect;

/**
 * The coordinator's one answer to the reviews, inside the call's rebuttal window by the server
 * clock, at most `rebuttal.maxCharacters` Unicode code points. One per proposal: the primary key
 * makes a second (or a concurrent duplicate) fail with 409.
 */
export async function submitRebuttal(
  ctx: ProposalsContext,
  principal: Principal,
  proposalId: string,
  text: string,
): Promise<RebuttalRow> {
  const access = await resolveProposalAccess(ctx.db, principal, proposalId);
  requireCoordinator(access, 'submit the rebuttal');
  const call = await callOf(ctx, access);
  const window = rebuttalStage(call);
  const now = ctx.clock.now();
  if (now.getTime() < instantMs(window.opensAt))
    throw stageNotOpen(window, now, 'The rebuttal is not open yet');
  if (now.getTime() >= instantMs(window.closesAt))
    throw deadlinePassed(window, now, 'The rebuttal deadline has passed');
  requireRebuttalCandidate(access, call.definition.twoStage);
  // The text is judged last: a late or misplaced answer gets 409 whatever its length.
  const max = call.definition.rebuttal.maxCharacters;
  const length = codePoints(text);
  if (length > max) {
    throw new AppError('VALIDATION_FAILED', `The rebuttal has ${length} characters; the call allows ${max}`, {
      errors: [
        {
          in: 'body',
          path: '/text',
          message: `at most ${max} characters (Unicode code points); got ${length}`,
          code: 'too_big',
        },
      ],
      extensions: { maxCharacters: max, characters: length },
    });
  }
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(schema.rebuttals)
      .values({
        proposalId,
        text,
        characters: length,
        callVersion: call.version,
        submittedAt: now,
        submittedBy: principal.userId,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) throw new AppError('ALREADY_EXISTS', 'The rebuttal was already submitted; it cannot change');
    await recordAudit(tx, {
      actor: actorOf(principal),
      action: 'proposal.rebuttal_submitted',
      targetType: 'proposal',
      targetId: proposalId,
      details: { characters: length, callVersion: call.version },
      at: now,
    });
    // Re-read the clock before COMMIT, as for submissions: nothing is accepted at or after the deadline.
    const end = ctx.clock.now();
    if (end.getTime() >= instantMs(window.closesAt))
      throw deadlinePassed(window, end, 'The rebuttal deadline has passed');
    return row;
  });
}

export async function findRebuttal(ctx: ProposalsContext, principal: Principal, proposalId: string) {
  await resolveProposalAccess(ctx.db, principal, proposalId);
  const [row] = await ctx.db
    .select()
    .from(schema.rebuttals)
    .where(and(eq(schema.rebuttals.proposalId, proposalId)));
  if (!row) throw new AppError('NOT_FOUND', 'No rebuttal yet');
  return row;
}
