import { recordAudit } from '@permed/db';
import type { Principal } from '@permed/http';
import { actorOf, advanceWorkflow } from '@permed/service-kit';
import type { ProposalsContext } from './deps.ts';
import { callOf, resolveProposalAccess } from './proposal-access.ts';
import { requireEventRight, visibleEvents } from './proposal-actions.ts';
import { lockProposal } from './proposal-store.ts';

/** The coordinator withdraws the proposal from any open state (WITHDRAW); final outcomes refuse it. */
export async function withdrawProposal(
  ctx: ProposalsContext,
  principal: Principal,
  proposalId: string,
  reason: string | undefined,
): Promise<{ from: string; to: string }> {
  const access = await resolveProposalAccess(ctx.db, principal, proposalId);
  requireEventRight(access, 'WITHDRAW', 'withdraw the proposal');
  const call = await callOf(ctx, access);
  const actor = actorOf(principal);
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    await lockProposal(tx, proposalId);
    const step = await advanceWorkflow(tx, {
      kind: 'proposal',
      subjectId: proposalId,
      event: { type: 'WITHDRAW' },
      actor,
      at: now,
      callVersion: call.version,
      payload: reason ? { reason } : {},
      visibleEvents: (events) => visibleEvents(access.role, events),
    });
    await recordAudit(tx, {
      actor,
      action: 'proposal.withdrawn',
      targetType: 'proposal',
      targetId: proposalId,
      details: { from: step.from, ...(reason ? { reason } : {}) },
      at: now,
    });
    return { from: step.from, to: step.to };
  });
}
