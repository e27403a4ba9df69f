import { eq, sql } from 'drizzle-orm';
import { recordAudit, schema } from '@permed/db';
import type { Principal } from '@permed/http';
import { actorOf } from '@permed/service-kit';
import { callDataProblems, throwIfProblems } from './call-data-check.ts';
import type { ProposalsContext } from './deps.ts';
import { draftHeader, storedHeader, type HeaderPatch } from './draft-schema.ts';
import { requireEditable } from './editing-window.ts';
import { callOf, requireEditor, resolveProposalAccess } from './proposal-access.ts';
import { lockProposal, type ProposalRow } from './proposal-store.ts';
import { staleVersion } from './precondition.ts';

/**
 * Changes header fields under If-Match. The proposal row is locked, so concurrent writers queue and
 * each sees the version the previous one left: exactly one write wins per version.
 */
export async function updateHeader(
  ctx: ProposalsContext,
  principal: Principal,
  proposalId: string,
  expectedVersion: number,
  patch: HeaderPatch,
): Promise<ProposalRow> {
  const access = await resolveProposalAccess(ctx.db, principal, proposalId);
  requireEditor(access, 'edit the proposal header');
  const call = await callOf(ctx, access);
  const now = ctx.clock.now();
  requireEditable({ stage: access.proposal.stage, state: access.state }, call, now);
  throwIfProblems(callDataProblems(call, { modules: patch.modules ?? [] }));

  return ctx.db.transaction(async (tx) => {
    const locked = await lockProposal(tx, proposalId);
    if (locked.proposal.draftVersion !== expectedVersion) {
      throw staleVersion('proposal header', locked.proposal.draftVersion, expectedVersion);
    }
    requireEditable({ stage: locked.proposal.stage, state: locked.state }, call, now);
    // Re-parse the merged header so that the stored draft always satisfies the draft schema.
    const merged = draftHeader.parse({ ...storedHeader(locked.proposal.draft), ...patch });
    const [row] = await tx
      .update(schema.proposals)
      .set({
        draft: merged,
        acronym: merged.acronym,
        draftVersion: sql`${schema.proposals.draftVersion} + 1`,
        updatedAt: now,
      })
      .where(eq(schema.proposals.id, proposalId))
      .returning();
    await recordAudit(tx, {
      actor: actorOf(principal),
      action: 'proposal.header_updated',
      targetType: 'proposal',
      targetId: proposalId,
      details: { version: row!.draftVersion, fields: Object.keys(patch).sort() },
      at: now,
    });
    return row!;
  });
}
