import { compareIds } from '../canonical-hash.ts';
import type { ConflictSettings, ProposalConsortium, ReviewerProfile } from './conflict-inputs.ts';
import { type PersonMatch, sameOrganisation, samePerson } from './identity.ts';

export const conflictReasons = [
  'same-organisation',
  'same-country',
  'funder-employee',
  'listed-collaborator',
  'applicant-in-call',
  'declared',
] as const;
export type ConflictReason = (typeof conflictReasons)[number];

/** The facts behind each reason, so the call office can see why a pair was blocked and overrule a name match. */
export type ConflictFacts =
  | {
      reason: 'same-organisation';
      partners: { partnerId: string; organisation: string; matchedBy: 'ror' | 'name' }[];
    }
  | { reason: 'same-country'; country: string; partnerIds: string[] }
  | { reason: 'funder-employee'; funders: { funderId: string; partnerIds: string[] }[] }
  | {
      reason: 'listed-collaborator';
      collaborators: { collaborator: string; partnerId: string; matchedBy: PersonMatch['matchedBy'] }[];
    }
  | {
      reason: 'applicant-in-call';
      applications: { proposalId: string; partnerId: string; matchedBy: PersonMatch['matchedBy'] }[];
    }
  | { reason: 'declared'; note: string };

export type Conflict = {
  reviewerId: string;
  proposalId: string;
  reason: ConflictReason;
  facts: ConflictFacts;
  message: string;
};

function list(ids: readonly string[]): string {
  return ids.join(', ');
}

/**
 * Every conflict of interest between one reviewer and one proposal, one entry per source, in the
 * fixed order of `conflictReasons`. An empty list means the reviewer may see the proposal.
 */
export function detectConflicts(
  reviewer: ReviewerProfile,
  proposal: ProposalConsortium,
  settings: ConflictSettings,
  allProposals: readonly ProposalConsortium[],
): Conflict[] {
  return conflictsOfPair(reviewer, proposal, settings, applicationsOf(reviewer, allProposals));
}

type Application = { proposalId: string; partnerId: string; matchedBy: PersonMatch['matchedBy'] };

function applicationsOf(
  reviewer: ReviewerProfile,
  allProposals: readonly ProposalConsortium[],
): Application[] {
  return [...allProposals]
    .sort((a, b) => compareIds(a.id, b.id))
    .flatMap((other) =>
      other.partners.flatMap((p) => {
        const match = p.pi === undefined ? undefined : samePerson(reviewer.person, p.pi);
        return match ? [{ proposalId: other.id, partnerId: p.id, matchedBy: match.matchedBy }] : [];
      }),
    );
}

function conflictsOfPair(
  reviewer: ReviewerProfile,
  proposal: ProposalConsortium,
  settings: ConflictSettings,
  applications: readonly Application[],
): Conflict[] {
  const found: Conflict[] = [];
  const base = { reviewerId: reviewer.id, proposalId: proposal.id };
  const name = proposal.acronym ?? proposal.id;

  const sameOrg = proposal.partners.flatMap((p) => {
    const match = sameOrganisation(reviewer.organisation, p.organisation);
    return match ? [{ partnerId: p.id, organisation: p.organisation.name, matchedBy: match.matchedBy }] : [];
  });
  if (sameOrg.length > 0) {
    found.push({
      ...base,
      reason: 'same-organisation',
      facts: { reason: 'same-organisation', partners: sameOrg },
      message: `${reviewer.organisation.name} is the organisation of partner(s) ${list(sameOrg.map((m) => m.partnerId))} of ${name}.`,
    });
  }

  if (settings.forbidSameCountry) {
    const partnerIds = proposal.partners.filter((p) => p.country === reviewer.country).map((p) => p.id);
    if (partnerIds.length > 0) {
      found.push({
        ...base,
        reason: 'same-country',
        facts: { reason: 'same-country', country: reviewer.country, partnerIds },
        message: `The call forbids reviewers from a partner's country; partner(s) ${list(partnerIds)} of ${name} are in ${reviewer.country}.`,
      });
    }
  }

  const funders = [...new Set(reviewer.employedByFunderIds)].sort(compareIds).flatMap((funderId) => {
    const partnerIds = proposal.partners.filter((p) => p.funderId === funderId).map((p) => p.id);
    return partnerIds.length > 0 ? [{ funderId, partnerIds }] : [];
  });
  if (funders.length > 0) {
    found.push({
      ...base,
      reason: 'funder-employee',
      facts: { reason: 'funder-employee', funders },
      message: `The reviewer is employed by ${list(funders.map((f) => f.funderId))}, which funds partner(s) ${list(funders.flatMap((f) => f.partnerIds))} of ${name}.`,
    });
  }

  const collaborators = reviewer.collaborators.flatMap((c) =>
    proposal.partners.flatMap((p) => {
      const match = p.pi === undefined ? undefined : samePerson(c, p.pi);
      return match ? [{ collaborator: c.name, partnerId: p.id, matchedBy: match.matchedBy }] : [];
    }),
  );
  if (collaborators.length > 0) {
    found.push({
      ...base,
      reason: 'listed-collaborator',
      facts: { reason: 'listed-collaborator', collaborators },
      message: `The reviewer listed ${list(collaborators.map((c) => c.collaborator))} as collaborator(s), principal investigator(s) of ${name}.`,
    });
  }

  // Anyone applying in the same call competes with every proposal in it, not only their own.
  if (applications.length > 0) {
    found.push({
      ...base,
      reason: 'applicant-in-call',
      facts: { reason: 'applicant-in-call', applications: [...applications] },
      message: `The reviewer is a principal investigator in proposal(s) ${list([...new Set(applications.map((a) => a.proposalId))])} of this call.`,
    });
  }

  const declared = reviewer.declaredConflicts.filter((d) => d.proposalId === proposal.id);
  if (declared.length > 0) {
    const note = declared
      .map((d) => d.note.trim())
      .filter((n) => n !== '')
      .join('; ');
    found.push({
      ...base,
      reason: 'declared',
      facts: { reason: 'declared', note },
      message: `The reviewer declared a conflict with ${name}${note === '' ? '' : `: ${note}`}.`,
    });
  }

  return found;
}

/** All conflicts of a call, reviewer by reviewer (ids ascending), ready to feed the assignment as pairs. */
export function detectAllConflicts(
  reviewers: readonly ReviewerProfile[],
  proposals: readonly ProposalConsortium[],
  settings: ConflictSettings,
): Conflict[] {
  const sortedReviewers = [...reviewers].sort((a, b) => compareIds(a.id, b.id));
  const sortedProposals = [...proposals].sort((a, b) => compareIds(a.id, b.id));
  return sortedReviewers.flatMap((r) => {
    const applications = applicationsOf(r, proposals);
    return sortedProposals.flatMap((p) => conflictsOfPair(r, p, settings, applications));
  });
}

/** The distinct (reviewer, proposal) pairs that must never be assigned. */
export function conflictPairs(conflicts: readonly Conflict[]): { reviewerId: string; proposalId: string }[] {
  const seen = new Map<string, { reviewerId: string; proposalId: string }>();
  for (const c of conflicts)
    seen.set(JSON.stringify([c.reviewerId, c.proposalId]), {
      reviewerId: c.reviewerId,
      proposalId: c.proposalId,
    });
  return [...seen.values()].sort(
    (a, b) => compareIds(a.reviewerId, b.reviewerId) || compareIds(a.proposalId, b.proposalId),
  );
}
