import { eq, sql } from 'drizzle-orm';
import { recordAudit, schema } from '@permed/db';
import type { Partner, ProposalDocument } from '@permed/domain';
import { AppError, type Principal } from '@permed/http';
import { actorOf, advanceWorkflow } from '@permed/service-kit';
import type { ProposalsContext } from './deps.ts';
import type { DraftHeader } from './draft-schema.ts';
import { fullProposalRefusal } from './editing-window.ts';
import { callOf, resolveProposalAccess } from './proposal-access.ts';
import { requireEventRight, visibleEvents } from './proposal-actions.ts';
import { lastVersionOfStage, lockProposal } from './proposal-store.ts';

/**
 * An invited consortium opens its full proposal (OPEN_FULL_PROPOSAL): the draft is pre-filled from
 * the last pre-proposal version, which stays untouched. Section versions continue from where they
 * were, so an ETag read before the switch can never match a section after it.
 */
export async function openFullProposal(
  ctx: ProposalsContext,
  principal: Principal,
  proposalId: string,
): Promise<{ state: string; basedOnVersion: number }> {
  const access = await resolveProposalAccess(ctx.db, principal, proposalId);
  requireEventRight(access, 'OPEN_FULL_PROPOSAL', 'open the full proposal');
  const call = await callOf(ctx, access);
  if (!call.definition.twoStage) throw new AppError('CONFLICT', 'This call has a single stage');
  const now = ctx.clock.now();
  const late = fullProposalRefusal(call, now);
  if (late) throw late;
  const actor = actorOf(principal);

  return ctx.db.transaction(async (tx) => {
    const locked = await lockProposal(tx, proposalId);
    const base = await lastVersionOfStage(tx, proposalId, 'pre-proposal');
    const step = await advanceWorkflow(tx, {
      kind: 'proposal',
      subjectId: proposalId,
      event: { type: 'OPEN_FULL_PROPOSAL' },
      actor,
      at: now,
      callVersion: call.version,
      visibleEvents: (events) => visibleEvents(access.role, events),
    });
    if (!base) throw new AppError('CONFLICT', 'No pre-proposal was submitted');
    const doc = base.document as unknown as ProposalDocument;
    const header: DraftHeader = {
      acronym: doc.acronym,
      title: doc.title,
      abstract: doc.abstract,
      keywords: doc.keywords,
      modules: doc.modules,
      durationMonths: doc.durationMonths,
    };
    await tx
      .update(schema.proposals)
      .set({
        stage: 'full-proposal',
        draft: header,
        acronym: doc.acronym,
        draftVersion: sql`${schema.proposals.draftVersion} + 1`,
        updatedAt: now,
      })
      .where(eq(schema.proposals.id, proposalId));
    const previous = await tx
      .select({ partnerId: schema.proposalPartners.partnerId, version: schema.proposalPartners.version })
      .from(schema.proposalPartners)
      .where(eq(schema.proposalPartners.proposalId, proposalId));
    const versionOf = new Map(previous.map((p) => [p.partnerId, p.version]));
    await tx.delete(schema.proposalPartners).where(eq(schema.proposalPartners.proposalId, proposalId));
    if (doc.partners.length > 0) {
      await tx.insert(schema.proposalPartners).values(
        doc.partners.map((p: Partner, i: number) => ({
          proposalId,
          partnerId: p.id,
          position: i + 1,
          section: p,
          version: (versionOf.get(p.id) ?? 0) + 1,
          updatedAt: now,
          updatedBy: principal.userId,
        })),
      );
    }
    await recordAudit(tx, {
      actor,
      action: 'proposal.full_opened',
      targetType: 'proposal',
      targetId: proposalId,
      details: { basedOnVersion: base.seq, from: step.from, previousStage: locked.proposal.stage },
      at: now,
    });
    return { state: step.to, basedOnVersion: base.seq };
  });
}
