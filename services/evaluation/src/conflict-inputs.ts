import { and, eq } from 'drizzle-orm';
import { schema, type DbOrTx } from '@permed/db';
import type { CallDefinition, ProposalDocument } from '@permed/domain';
import {
  detectAllConflicts,
  type Conflict,
  type ConflictSettings,
  type ProposalConsortium,
  type ReviewerProfile,
} from '@permed/evaluation';
import type { CallContext } from './evaluation-context.ts';
import { latestDocuments, type StageProposal } from './proposal-store.ts';

export type ReviewerRow = typeof schema.reviewers.$inferSelect;

/** The reviewer row and their declared conflicts, as @permed/evaluation's conflict input. */
export function toReviewerProfile(
  reviewer: ReviewerRow,
  declared: readonly { proposalId: string; note: string }[],
): ReviewerProfile {
  return {
    id: reviewer.id,
    person: {
      name: reviewer.name,
      email: reviewer.email,
      ...(reviewer.orcid ? { orcid: reviewer.orcid } : {}),
    },
    organisation: {
      name: reviewer.organisationName,
      ...(reviewer.organisationRorId ? { rorId: reviewer.organisationRorId } : {}),
    },
    country: reviewer.country,
    employedByFunderIds: reviewer.employedByFunderId ? [reviewer.employedByFunderId] : [],
    collaborators: reviewer.collaborators.map((c) => ({
      name: c.name,
      ...(c.email ? { email: c.email } : {}),
      ...(c.orcid ? { orcid: c.orcid } : {}),
    })),
    declaredConflicts: declared.map((d) => ({ proposalId: d.proposalId, note: d.note })),
  };
}

/** A stored ProposalDocument as @permed/evaluation's consortium: organisations, countries, funders, PIs. */
export function toConsortium(proposalId: string, document: ProposalDocument): ProposalConsortium {
  return {
    id: proposalId,
    acronym: document.acronym,
    partners: document.partners.map((p) => ({
      id: p.id,
      organisation: {
        name: p.organisation.name,
        ...(p.organisation.rorId ? { rorId: p.organisation.rorId } : {}),
      },
      country: p.organisation.country,
      funderId: p.funderId,
      pi: {
        name: p.pi.name,
        email: p.pi.email,
        ...(p.pi.orcid ? { orcid: p.pi.orcid } : {}),
      },
    })),
  };
}

export function conflictSettingsOf(definition: CallDefinition): ConflictSettings {
  return { forbidSameCountry: definition.evaluation.forbidReviewerSameCountryAsPartner };
}

/** Declared conflicts (conflict = true) of the call, by reviewer. */
export async function declaredConflicts(
  db: DbOrTx,
  callId: string,
  reviewerId?: string,
): Promise<Map<string, { proposalId: string; note: string }[]>> {
  const rows = await db
    .select({
      reviewerId: schema.coiDeclarations.reviewerId,
      proposalId: schema.coiDeclarations.proposalId,
      note: schema.coiDeclarations.note,
    })
    .from(schema.coiDeclarations)
    .where(
      and(
        eq(schema.coiDeclarations.callId, callId),
        eq(schema.coiDeclarations.conflict, true),
        ...(reviewerId ? [eq(schema.coiDeclarations.reviewerId, reviewerId)] : []),
      ),
    );
  const byReviewer = new Map<string, { proposalId: string; note: string }[]>();
  for (const r of rows) byReviewer.set(r.reviewerId, [...(byReviewer.get(r.reviewerId) ?? []), r]);
  return byReviewer;
}

/**
 * Every conflict between the given reviewers and the proposals evaluated at a stage. The stage's
 * own versions are the consortia judged; every other proposal of the call (any stage, any state)
 * still counts for "applicant anywhere in the call".
 */
export async function detectStageConflicts(
  db: DbOrTx,
  ctx: CallContext,
  reviewers: readonly ReviewerRow[],
  proposals: readonly StageProposal[],
): Promise<Conflict[]> {
  if (reviewers.length === 0 || proposals.length === 0) return [];
  const declared = await declaredConflicts(db, ctx.callId);
  const profiles = reviewers.map((r) => toReviewerProfile(r, declared.get(r.id) ?? []));
  const judged = new Map(proposals.map((p) => [p.id, toConsortium(p.id, p.document)]));
  const others = (await latestDocuments(db, ctx.callId))
    .filter((d) => !judged.has(d.id))
    .map((d) => toConsortium(d.id, d.document));
  const all = detectAllConflicts(
    profiles,
    [...judged.values(), ...others],
    conflictSettingsOf(ctx.definition),
  );
  return all.filter((c) => judged.has(c.proposalId));
}

/** The conflicts of one reviewer with one proposal, computed afresh: the gate in front of every proposal read. */
export async function pairConflicts(
  db: DbOrTx,
  ctx: CallContext,
  reviewer: ReviewerRow,
  proposal: StageProposal,
): Promise<Conflict[]> {
  return detectStageConflicts(db, ctx, [reviewer], [proposal]);
}
