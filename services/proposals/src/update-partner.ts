import { and, eq, sql } from 'drizzle-orm';
import { recordAudit, schema } from '@permed/db';
import { AppError, type Principal } from '@permed/http';
import { actorOf } from '@permed/service-kit';
import { requirePartnerExists } from './add-partner.ts';
import { callDataProblems, throwIfProblems } from './call-data-check.ts';
import type { ProposalsContext } from './deps.ts';
import type { PartnerSection } from './draft-schema.ts';
import { requireEditable } from './editing-window.ts';
import { staleVersion } from './precondition.ts';
import { callOf, requireEditor, resolveProposalAccess } from './proposal-access.ts';
import type { PartnerRow } from './proposal-store.ts';

/**
 * Replaces one partner section under If-Match. The write is one conditional UPDATE on the section's
 * version: concurrent writers holding the same version queue on the row lock and every one but the
 * first finds the version moved (412), so exactly one write wins per version.
 */
export async function updatePartner(
  ctx: ProposalsContext,
  principal: Principal,
  proposalId: string,
  partnerId: string,
  expectedVersion: number,
  section: PartnerSection,
): Promise<PartnerRow> {
  const access = await resolveProposalAccess(ctx.db, principal, proposalId);
  requireEditor(access, 'edit partner sections', partnerId);
  if (section.id !== partnerId) {
    throw new AppError('VALIDATION_FAILED', 'A partner id cannot change', {
      errors: [{ in: 'body', path: '/id', message: `must be ${partnerId}`, code: 'ID_MISMATCH' }],
    });
  }
  const call = await callOf(ctx, access);
  const now = ctx.clock.now();
  requireEditable({ stage: access.proposal.stage, state: access.state }, call, now);
  throwIfProblems(callDataProblems(call, { partners: [section] }, { partners: () => [] }));
  const current = await requirePartnerExists(ctx, proposalId, partnerId);
  // A partner's own editor may not make itself (or stop being) the coordinator of the consortium.
  if (access.role === 'editor' && access.partnerId !== null) {
    const before = current.section as unknown as PartnerSection;
    if (before.coordinator !== section.coordinator) {
      throw new AppError('FORBIDDEN', 'Only the coordinator may change which partner coordinates', {
        errors: [{ in: 'body', path: '/coordinator', message: `must stay ${before.coordinator}` }],
      });
    }
  }

  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(schema.proposalPartners)
      .set({
        section,
        version: sql`${schema.proposalPartners.version} + 1`,
        updatedAt: now,
        updatedBy: principal.userId,
      })
      .where(
        and(
          eq(schema.proposalPartners.proposalId, proposalId),
          eq(schema.proposalPartners.partnerId, partnerId),
          eq(schema.proposalPartners.version, expectedVersion),
        ),
      )
      .returning();
    if (!row) {
      const [stored] = await tx
        .select({ version: schema.proposalPartners.version })
        .from(schema.proposalPartners)
        .where(
          and(
            eq(schema.proposalPartners.proposalId, proposalId),
            eq(schema.proposalPartners.partnerId, partnerId),
          ),
        );
      if (!stored) throw new AppError('NOT_FOUND', `No partner ${partnerId} in this proposal`);
      throw staleVersion(`section of partner ${partnerId}`, stored.version, expectedVersion);
    }
    await recordAudit(tx, {
      actor: actorOf(principal),
      action: 'proposal.partner_updated',
      targetType: 'proposal',
      targetId: proposalId,
      details: { partnerId, version: row.version },
      at: now,
    });
    return row;
  });
}
