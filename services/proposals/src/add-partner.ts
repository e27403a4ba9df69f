import { and, eq, sql } from 'drizzle-orm';
import { MAX_PARTNERS } from '@permed/domain';
import { recordAudit, schema } from '@permed/db';
import { AppError, type Principal } from '@permed/http';
import { actorOf } from '@permed/service-kit';
import { callDataProblems, throwIfProblems } from './call-data-check.ts';
import type { ProposalsContext } from './deps.ts';
import type { PartnerSection } from './draft-schema.ts';
import { requireEditable } from './editing-window.ts';
import { callOf, requireEditor, resolveProposalAccess } from './proposal-access.ts';
import { lockProposal, type PartnerRow } from './proposal-store.ts';

/** Adds a partner section (version 1) at the end of the consortium. */
export async function addPartner(
  ctx: ProposalsContext,
  principal: Principal,
  proposalId: string,
  section: PartnerSection,
): Promise<PartnerRow> {
  const access = await resolveProposalAccess(ctx.db, principal, proposalId);
  requireEditor(access, 'add partners');
  const call = await callOf(ctx, access);
  const now = ctx.clock.now();
  requireEditable({ stage: access.proposal.stage, state: access.state }, call, now);
  throwIfProblems(callDataProblems(call, { partners: [section] }, { partners: () => [] }));

  return ctx.db.transaction(async (tx) => {
    // Locking the proposal serialises additions, so positions and the partner cap stay exact.
    const locked = await lockProposal(tx, proposalId);
    requireEditable({ stage: locked.proposal.stage, state: locked.state }, call, now);
    const [stats] = await tx
      .select({
        count: sql<number>`count(*)::int`,
        maxPosition: sql<number>`coalesce(max(${schema.proposalPartners.position}), 0)::int`,
        taken: sql<boolean>`coalesce(bool_or(${schema.proposalPartners.partnerId} = ${section.id}), false)`,
      })
      .from(schema.proposalPartners)
      .where(eq(schema.proposalPartners.proposalId, proposalId));
    if (stats?.taken) {
      throw new AppError('ALREADY_EXISTS', `Partner ${section.id} already exists`, {
        errors: [
          { in: 'body', path: '/id', message: 'already used in this proposal', code: 'DUPLICATE_PARTNER' },
        ],
      });
    }
    if ((stats?.count ?? 0) >= MAX_PARTNERS) {
      throw new AppError('CONFLICT', `A proposal has at most ${MAX_PARTNERS} partners`);
    }
    const [row] = await tx
      .insert(schema.proposalPartners)
      .values({
        proposalId,
        partnerId: section.id,
        position: (stats?.maxPosition ?? 0) + 1,
        section,
        version: 1,
        updatedAt: now,
        updatedBy: principal.userId,
      })
      .returning();
    await recordAudit(tx, {
      actor: actorOf(principal),
      action: 'proposal.partner_added',
      targetType: 'proposal',
      targetId: proposalId,
      details: { partnerId: section.id, funderId: section.funderId, country: section.organisation.country },
      at: now,
    });
    return row!;
  });
}

/** Used by update and remove: a section that is not there is a 404 naming it. */
export async function requirePartnerExists(
  ctx: ProposalsContext,
  proposalId: string,
  partnerId: string,
): Promise<PartnerRow> {
  const [row] = await ctx.db
    .select()
    .from(schema.proposalPartners)
    .where(
      and(
        eq(schema.proposalPartners.proposalId, proposalId),
        eq(schema.proposalPartners.partnerId, partnerId),
      ),
    );
  if (!row) throw new AppError('NOT_FOUND', `No partner ${partnerId} in this proposal`);
  return row;
}
