import { allowedEvents, type PersistedSnapshot } from '@permed/workflow';
import { and, eq } from 'drizzle-orm';
import { schema } from '@permed/db';
import { AppError, type Principal } from '@permed/http';
import type { ProposalsContext } from './deps.ts';
import { storedHeader } from './draft-schema.ts';
import { callOf, type ProposalAccess, resolveProposalAccess } from './proposal-access.ts';
import { visibleEvents } from './proposal-actions.ts';
import {
  findVersion,
  listDocuments,
  listPartners,
  listVersions,
  type DocumentRow,
  type PartnerRow,
} from './proposal-store.ts';
import { otherProposalsOf } from './submit-proposal.ts';
import { needsOtherProposals, validateDraft } from './validate-draft.ts';
import { draftDocument } from './draft-schema.ts';
import type { Partner } from '@permed/domain';

export const documentView = (d: DocumentRow) => ({
  kind: d.kind,
  fileName: d.fileName,
  sha256: d.sha256,
  bytes: d.bytes,
  pages: d.pages,
  pdfVersion: d.pdfVersion,
  uploadedAt: d.uploadedAt.toISOString(),
});

export const partnerView = (p: PartnerRow) => ({ ...(p.section as unknown as Partner), version: p.version });

/** The whole draft as a member (or the call office) sees it, with every section's version. */
export async function readProposal(ctx: ProposalsContext, principal: Principal, proposalId: string) {
  const access = await resolveProposalAccess(ctx.db, principal, proposalId);
  const call = await callOf(ctx, access);
  const [partners, documents, versions, lifecycle] = await Promise.all([
    listPartners(ctx.db, proposalId),
    listDocuments(ctx.db, proposalId, access.proposal.stage),
    listVersions(ctx.db, proposalId),
    ctx.db
      .select({ snapshot: schema.workflowInstances.snapshot })
      .from(schema.workflowInstances)
      .where(
        and(
          eq(schema.workflowInstances.kind, 'proposal'),
          eq(schema.workflowInstances.subjectId, proposalId),
        ),
      ),
  ]);
  const snapshot = lifecycle[0]?.snapshot as unknown as PersistedSnapshot<'proposal'> | undefined;
  return {
    access,
    view: {
      id: access.proposal.id,
      call: {
        slug: call.slug,
        title: call.definition.title,
        version: call.version,
        zone: call.definition.zone,
      },
      stage: access.proposal.stage,
      state: access.state,
      // What this caller may send now: the lifecycle's events filtered by the same rights and
      // clock rules the routes enforce.
      allowedEvents: snapshot
        ? visibleEvents(access.role, allowedEvents('proposal', snapshot), {
            call,
            stage: access.proposal.stage,
            now: ctx.clock.now(),
          })
        : [],
      you: { role: access.role, partnerId: access.partnerId },
      header: { ...storedHeader(access.proposal.draft), version: access.proposal.draftVersion },
      partners: partners.map(partnerView),
      documents: documents.map(documentView),
      versions: versions.map((v) => ({
        seq: v.seq,
        stage: v.stage,
        submittedAt: v.submittedAt.toISOString(),
        contentHash: v.contentHash,
      })),
      createdAt: access.proposal.createdAt.toISOString(),
      updatedAt: access.proposal.updatedAt.toISOString(),
    },
  };
}

/** Completeness problems plus the eligibility pre-check, for the draft as it stands. */
export async function validateProposal(ctx: ProposalsContext, principal: Principal, proposalId: string) {
  const access: ProposalAccess = await resolveProposalAccess(ctx.db, principal, proposalId);
  const call = await callOf(ctx, access);
  const stage = access.proposal.stage;
  const [partners, documents, others] = await Promise.all([
    listPartners(ctx.db, proposalId),
    listDocuments(ctx.db, proposalId, stage),
    needsOtherProposals(call, false) ? otherProposalsOf(ctx.db, call.callId, stage, proposalId) : undefined,
  ]);
  const draft = draftDocument(
    storedHeader(access.proposal.draft),
    partners.map((p) => p.section as unknown as Partner),
  );
  const { document: _doc, ...report } = validateDraft(draft, call, {
    stage,
    documents,
    proposalId,
    ...(others ? { otherProposals: others } : {}),
  });
  return { ...report, state: access.state, serverTime: ctx.clock.now().toISOString() };
}

export async function readVersion(
  ctx: ProposalsContext,
  principal: Principal,
  proposalId: string,
  seq: number,
) {
  await resolveProposalAccess(ctx.db, principal, proposalId);
  const version = await findVersion(ctx.db, proposalId, seq);
  if (!version) throw new AppError('NOT_FOUND', `No version ${seq}`);
  return version;
}
