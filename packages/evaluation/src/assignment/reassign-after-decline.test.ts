import { describe, expect, it } from 'vitest';
import type { AssignmentInputDraft } from './assignment-input.ts';
import { randomAssignmentInput } from './random-instance.ts';
import { bestReplacement, reassignAfterDecline, replacementCandidates } from './reassign-after-decline.ts';
import { solveAssignment } from './solve-assignment.ts';
import { validateAssignment } from './validate-assignment.ts';

describe('replacement after a decline', () => {
  const input: AssignmentInputDraft = {
    proposals: [{ id: 'P1' }, { id: 'P2' }],
    reviewers: [
      { id: 'R1', country: 'DE' },
      { id: 'R2', country: 'FR' },
      { id: 'R3', country: 'FR' },
      { id: 'R4', country: 'IT', maxLoad: 1 },
      { id: 'R5', country: 'ES' },
      { id: 'R6', country: 'NL' },
    ],
    settings: { reviewersPerProposal: 2, distinctCountries: true },
    conflicts: [{ proposalId: 'P1', reviewerId: 'R6' }],
    affinity: {
      mode: 'explicit',
      values: [
        { proposalId: 'P1', reviewerId: 'R3', value: 900 },
        { proposalId: 'P1', reviewerId: 'R4', value: 800 },
        { proposalId: 'P1', reviewerId: 'R5', value: 500 },
        { proposalId: 'P1', reviewerId: 'R6', value: 1000 },
      ],
    },
  };
  const assignment = {
    assignments: [
      { proposalId: 'P1', reviewerId: 'R1' },
      { proposalId: 'P1', reviewerId: 'R2' },
      { proposalId: 'P2', reviewerId: 'R4' },
      { proposalId: 'P2', reviewerId: 'R1' },
    ],
  };

  it('skips conflicted, full and same-country reviewers and ranks the rest by affinity', () => {
    // R6 is conflicted, R4 is at its maximum load, R3 shares France with R2; R5 remains, then R3 would follow if R2 declined.
    const decline = { proposalId: 'P1', reviewerId: 'R1' };
    expect(replacementCandidates(input, assignment, decline).map((c) => c.reviewerId)).toEqual(['R5']);
    expect(bestReplacement(input, assignment, { proposalId: 'P1', reviewerId: 'R2' })).toEqual({
      reviewerId: 'R3',
      affinity: 900,
      load: 0,
    });
  });

  it('returns undefined when nobody can take the pair over alone', () => {
    const crowded = {
      ...input,
      conflicts: [...(input.conflicts ?? []), { proposalId: 'P1', reviewerId: 'R5' }],
    };
    expect(bestReplacement(crowded, assignment, { proposalId: 'P1', reviewerId: 'R1' })).toBeUndefined();
  });

  it('re-solves with every other pair fixed, never re-proposing the declined pair', () => {
    const base = randomAssignmentInput({ seed: 21, proposals: 30, reviewers: 12, minLoad: 2 });
    const first = solveAssignment(base);
    if (first.status !== 'optimal') throw new Error('expected a feasible base instance');
    const decline = {
      proposalId: first.assignments[0]!.proposalId,
      reviewerId: first.assignments[0]!.reviewerId,
    };
    const { input: next, result } = reassignAfterDecline(base, first, decline);
    if (result.status !== 'optimal') throw new Error('expected a replacement');
    expect(next.declined).toContainEqual(decline);
    expect(result.assignments).not.toContainEqual(expect.objectContaining(decline));
    const before = first.assignments
      .filter((a) => a !== first.assignments[0])
      .map((a) => `${a.proposalId}:${a.reviewerId}`);
    const after = new Set(result.assignments.map((a) => `${a.proposalId}:${a.reviewerId}`));
    expect(before.every((key) => after.has(key))).toBe(true);
    expect(result.assignments).toHaveLength(first.assignments.length);
    expect(validateAssignment(next, result)).toEqual([]);
    // With one slot free, the re-solve and the targeted replacement reach the same affinity (ties may pick another id).
    const added = result.assignments.find((a) => !a.fixed)!;
    expect(added.affinity).toBe(bestReplacement(base, first, decline)?.affinity);
  });

  it('can re-optimise everything instead', () => {
    const base = randomAssignmentInput({ seed: 22, proposals: 30, reviewers: 12 });
    const first = solveAssignment(base);
    if (first.status !== 'optimal') throw new Error('expected a feasible base instance');
    const decline = {
      proposalId: first.assignments[5]!.proposalId,
      reviewerId: first.assignments[5]!.reviewerId,
    };
    const { input: next, result } = reassignAfterDecline(base, first, decline, { keepOthers: false });
    expect(next.fixed).toEqual([]);
    if (result.status !== 'optimal') throw new Error('expected a feasible re-solve');
    expect(result.objective.totalAffinity).toBeLessThanOrEqual(first.objective.totalAffinity);
    expect(validateAssignment(next, result)).toEqual([]);
  });
});
