import { describe, expect, it } from 'vitest';
import type { AssignmentInputDraft, PairRef } from './assignment-input.ts';
import { validateAssignment } from './validate-assignment.ts';

const input: AssignmentInputDraft = {
  proposals: [{ id: 'P1' }, { id: 'P2' }],
  reviewers: [
    { id: 'R1', country: 'DE' },
    { id: 'R2', country: 'DE' },
    { id: 'R3', country: 'FR' },
    { id: 'R4', country: 'IT', minLoad: 1 },
  ],
  settings: { reviewersPerProposal: 2, maxLoad: 2, distinctCountries: true },
  conflicts: [{ proposalId: 'P1', reviewerId: 'R3' }],
  declined: [{ proposalId: 'P2', reviewerId: 'R1' }],
  fixed: [{ proposalId: 'P2', reviewerId: 'R3' }],
};
const pair = (proposalId: string, reviewerId: string): PairRef => ({ proposalId, reviewerId });
const valid = [pair('P1', 'R1'), pair('P1', 'R4'), pair('P2', 'R3'), pair('P2', 'R2')];
const codes = (pairs: PairRef[]) => validateAssignment(input, { assignments: pairs }).map((v) => v.code);

describe('validateAssignment', () => {
  it('accepts an assignment that meets every hard constraint', () => {
    expect(validateAssignment(input, { assignments: valid })).toEqual([]);
  });

  it('catches each broken constraint', () => {
    expect(codes([...valid, pair('P9', 'R1')])).toEqual(['unknown-proposal']);
    expect(codes([...valid, pair('P1', 'R9')])).toEqual(['unknown-reviewer']);
    expect(codes([...valid, pair('P1', 'R1')])).toEqual(['duplicate-pair']);
    expect(codes([pair('P1', 'R1'), pair('P1', 'R4'), pair('P2', 'R3')])).toEqual(['reviewer-count']);
    expect(codes([pair('P1', 'R1'), pair('P1', 'R2'), pair('P2', 'R3'), pair('P2', 'R4')])).toEqual([
      'same-country',
    ]);
    expect(codes([pair('P1', 'R3'), pair('P1', 'R4'), pair('P2', 'R3'), pair('P2', 'R2')])).toEqual([
      'conflict',
    ]);
    expect(codes([pair('P1', 'R1'), pair('P1', 'R4'), pair('P2', 'R3'), pair('P2', 'R4')])).toEqual([]);
    expect(
      validateAssignment(
        { ...input, reviewers: input.reviewers.map((r) => ({ ...r, maxLoad: 1 })) },
        { assignments: valid },
      ).map((v) => v.code),
    ).toEqual([]);
    expect(
      validateAssignment(
        { ...input, reviewers: input.reviewers.map((r) => (r.id === 'R4' ? r : { ...r, maxLoad: 1 })) },
        { assignments: [pair('P1', 'R1'), pair('P1', 'R4'), pair('P2', 'R3'), pair('P2', 'R4')] },
      ).map((v) => v.code),
    ).toEqual([]);
    expect(
      validateAssignment(
        { ...input, reviewers: input.reviewers.map((r) => ({ ...r, maxLoad: 1, minLoad: 0 })) },
        { assignments: [pair('P1', 'R1'), pair('P1', 'R4'), pair('P2', 'R3'), pair('P2', 'R4')] },
      ).map((v) => v.code),
    ).toEqual(['max-load']);
    expect(codes([pair('P1', 'R2'), pair('P1', 'R4'), pair('P2', 'R3'), pair('P2', 'R1')])).toEqual([
      'declined',
    ]);
    expect(codes([pair('P1', 'R1'), pair('P1', 'R4'), pair('P2', 'R4'), pair('P2', 'R2')])).toEqual([
      'fixed-missing',
    ]);
    expect(codes([pair('P1', 'R1'), pair('P1', 'R3'), pair('P2', 'R3'), pair('P2', 'R2')])).toEqual([
      'conflict',
      'min-load',
    ]);
  });

  it('explains each violation with the ids involved', () => {
    const [violation] = validateAssignment(input, {
      assignments: [pair('P1', 'R1'), pair('P1', 'R2'), pair('P2', 'R3'), pair('P2', 'R4')],
    });
    expect(violation).toEqual({
      code: 'same-country',
      message: 'P1 has 2 reviewers from DE (R1, R2).',
      proposalIds: ['P1'],
      reviewerIds: ['R1', 'R2'],
    });
  });
});
