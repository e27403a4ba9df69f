import { and, eq } from 'drizzle-orm';
import { recordAudit, schema } from '@permed/db';
import { AppError, type Principal } from '@permed/http';
import { actorOf } from '@permed/service-kit';
import type { ProposalsContext } from './deps.ts';
import { requireEditable } from './editing-window.ts';
import { staleVersion } from './precondition.ts';
import { callOf, requireEditor, resolveProposalAccess } from './proposal-access.ts';

/** Removes a partner section under If-Match (the version the remover saw). */
export async function removePartner(
  ctx: ProposalsContext,
  principal: Principal,
  proposalId: string,
  partnerId: string,
  expectedVersion: number,
): Promise<void> {
  const access = await resolveProposalAccess(ctx.db, principal, proposalId);
  requireEditor(access, 'remove partners');
  if (access.role === 'editor' && access.partnerId !== null) {
    throw new AppError('FORBIDDEN', 'Only the coordinator may remove partners');
  }
  const call = await callOf(ctx, access);
  const now = ctx.clock.now();
  requireEditable({ stage: access.proposal.stage, state: access.state }, call, now);
  await ctx.db.transaction(async (tx) => {
    const where = and(
      eq(schema.proposalPartners.proposalId, proposalId),
      eq(schema.proposalPartners.partnerId, partnerId),
    );
    const deleted = await tx
      .delete(schema.proposalPartners)
      .where(and(where, eq(schema.proposalPartners.version, expectedVersion)))
      .returning({ section: schema.proposalPartners.section });
    if (deleted.length === 0) {
      const [current] = await tx
        .select({ version: schema.proposalPartners.version })
        .from(schema.proposalPartners)
        .where(where);
      if (!current) throw new AppError('NOT_FOUND', `No partner ${partnerId} in this proposal`);
      throw staleVersion(`section of partner ${partnerId}`, current.version, expectedVersion);
    }
    await recordAudit(tx, {
      actor: actorOf(principal),
      action: 'proposal.partner_removed',
      targetType: 'proposal',
      targetId: proposalId,
      details: { partnerId, version: expectedVersion, section: deleted[0]!.section },
      at: now,
    });
  });
}
