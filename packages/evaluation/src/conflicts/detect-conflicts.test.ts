import { describe, expect, it } from 'vitest';
import {
  type ConflictSettings,
  type ProposalConsortium,
  proposalConsortium,
  type ReviewerProfile,
  reviewerProfile,
} from './conflict-inputs.ts';
import { conflictPairs, detectAllConflicts, detectConflicts } from './detect-conflicts.ts';

function buildReviewer(overrides: Partial<ReviewerProfile> = {}): ReviewerProfile {
  return reviewerProfile.parse({
    id: 'R1',
    person: { name: 'Reviewer One', email: 'one@review.example', orcid: '0000-0002-1825-0097' },
    organisation: { name: 'University of Helsinki', rorId: '040af2s02' },
    country: 'FI',
    ...overrides,
  });
}

function buildProposal(overrides: Partial<ProposalConsortium> = {}): ProposalConsortium {
  return proposalConsortium.parse({
    id: 'P1',
    acronym: 'PRECISE',
    partners: [
      {
        id: 'P1-1',
        organisation: { name: 'Charité – Universitätsmedizin Berlin', rorId: '001w7jn25' },
        country: 'DE',
        funderId: 'BMBF',
        pi: { name: 'Lena Weber', orcid: '0000-0001-5109-3700' },
      },
      {
        id: 'P1-2',
        organisation: { name: 'Instituto de Salud Carlos III' },
        country: 'ES',
        funderId: 'ISCIII',
        pi: { name: 'Ana García', email: 'ana@isciii.example' },
      },
    ],
    ...overrides,
  });
}

const settings: ConflictSettings = { forbidSameCountry: false };

describe('detectConflicts', () => {
  it('finds nothing for an unrelated reviewer', () => {
    expect(detectConflicts(buildReviewer(), buildProposal(), settings, [buildProposal()])).toEqual([]);
  });

  it('same organisation, matched by ROR id', () => {
    const reviewer = buildReviewer({
      organisation: { name: 'Charite Berlin', rorId: 'https://ror.org/001w7jn25' },
    });
    const [conflict, ...rest] = detectConflicts(reviewer, buildProposal(), settings, []);
    expect(rest).toEqual([]);
    expect(conflict).toMatchObject({
      reviewerId: 'R1',
      proposalId: 'P1',
      reason: 'same-organisation',
      facts: { reason: 'same-organisation', partners: [{ partnerId: 'P1-1', matchedBy: 'ror' }] },
    });
  });

  it('same organisation, matched by normalised name when a ROR id is missing', () => {
    const reviewer = buildReviewer({ organisation: { name: 'instituto de salud carlos iii' } });
    const conflicts = detectConflicts(reviewer, buildProposal(), settings, []);
    expect(conflicts.map((c) => c.facts)).toEqual([
      {
        reason: 'same-organisation',
        partners: [{ partnerId: 'P1-2', organisation: 'Instituto de Salud Carlos III', matchedBy: 'name' }],
      },
    ]);
  });

  it('same country only when the call forbids it', () => {
    const reviewer = buildReviewer({ country: 'ES' });
    expect(detectConflicts(reviewer, buildProposal(), settings, [])).toEqual([]);
    const conflicts = detectConflicts(reviewer, buildProposal(), { forbidSameCountry: true }, []);
    expect(conflicts.map((c) => c.facts)).toEqual([
      { reason: 'same-country', country: 'ES', partnerIds: ['P1-2'] },
    ]);
  });

  it('employed by a funder that pays a partner', () => {
    const reviewer = buildReviewer({ employedByFunderIds: ['ISCIII', 'AKA'] });
    const conflicts = detectConflicts(reviewer, buildProposal(), settings, []);
    expect(conflicts.map((c) => c.facts)).toEqual([
      { reason: 'funder-employee', funders: [{ funderId: 'ISCIII', partnerIds: ['P1-2'] }] },
    ]);
    expect(
      detectConflicts(buildReviewer({ employedByFunderIds: ['AKA'] }), buildProposal(), settings, []),
    ).toEqual([]);
  });

  it('a listed collaborator is a principal investigator of the proposal', () => {
    const reviewer = buildReviewer({
      collaborators: [{ name: 'L. Weber', orcid: 'https://orcid.org/0000-0001-5109-3700' }],
    });
    const conflicts = detectConflicts(reviewer, buildProposal(), settings, []);
    expect(conflicts.map((c) => c.facts)).toEqual([
      {
        reason: 'listed-collaborator',
        collaborators: [{ collaborator: 'L. Weber', partnerId: 'P1-1', matchedBy: 'orcid' }],
      },
    ]);
  });

  it('the reviewer applies in another proposal of the call', () => {
    const reviewer = buildReviewer();
    const other = buildProposal({
      id: 'P9',
      partners: [
        {
          id: 'P9-1',
          organisation: { name: 'Somewhere else' },
          country: 'FI',
          funderId: 'AKA',
          pi: { name: 'Reviewer One', email: 'ONE@review.example' },
        },
      ],
    });
    const conflicts = detectConflicts(reviewer, buildProposal(), settings, [buildProposal(), other]);
    expect(conflicts.map((c) => c.facts)).toEqual([
      {
        reason: 'applicant-in-call',
        applications: [{ proposalId: 'P9', partnerId: 'P9-1', matchedBy: 'email' }],
      },
    ]);
  });

  it('declared by the reviewer for this proposal only', () => {
    const reviewer = buildReviewer({
      declaredConflicts: [{ proposalId: 'P1', note: 'former PhD supervisor' }],
    });
    const conflicts = detectConflicts(reviewer, buildProposal(), settings, []);
    expect(conflicts.map((c) => c.facts)).toEqual([{ reason: 'declared', note: 'former PhD supervisor' }]);
    expect(conflicts[0]!.message).toContain('former PhD supervisor');
    expect(detectConflicts(reviewer, buildProposal({ id: 'P2' }), settings, [])).toEqual([]);
  });

  it('reports every source at once, in a fixed order', () => {
    const reviewer = buildReviewer({
      organisation: { name: 'Charité – Universitätsmedizin Berlin' },
      country: 'DE',
      employedByFunderIds: ['BMBF'],
      declaredConflicts: [{ proposalId: 'P1', note: '' }],
    });
    const reasons = detectConflicts(reviewer, buildProposal(), { forbidSameCountry: true }, []).map(
      (c) => c.reason,
    );
    expect(reasons).toEqual(['same-organisation', 'same-country', 'funder-employee', 'declared']);
  });
});

describe('detectAllConflicts and conflictPairs', () => {
  it('covers every pair and reduces to distinct pairs for the optimiser', () => {
    const r1 = buildReviewer({
      id: 'R1',
      employedByFunderIds: ['BMBF'],
      declaredConflicts: [{ proposalId: 'P1', note: 'x' }],
    });
    const r2 = buildReviewer({ id: 'R2', person: { name: 'Other Person' } });
    const p1 = buildProposal({ id: 'P1' });
    const p2 = buildProposal({ id: 'P2' });
    const all = detectAllConflicts([r2, r1], [p2, p1], settings);
    expect(all.map((c) => `${c.reviewerId}/${c.proposalId}/${c.reason}`)).toEqual([
      'R1/P1/funder-employee',
      'R1/P1/declared',
      'R1/P2/funder-employee',
    ]);
    expect(conflictPairs(all)).toEqual([
      { reviewerId: 'R1', proposalId: 'P1' },
      { reviewerId: 'R1', proposalId: 'P2' },
    ]);
  });
});
