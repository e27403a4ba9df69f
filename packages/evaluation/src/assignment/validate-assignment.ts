import type { AssignmentInput, AssignmentInputDraft, PairRef } from './assignment-input.ts';
import { type PreparedAssignment, prepareAssignment } from './prepare-assignment.ts';

export const violationCodes = [
  'unknown-proposal',
  'unknown-reviewer',
  'duplicate-pair',
  'reviewer-count',
  'max-load',
  'min-load',
  'conflict',
  'declined',
  'same-country',
  'fixed-missing',
] as const;
export type ViolationCode = (typeof violationCodes)[number];

export type AssignmentViolation = {
  code: ViolationCode;
  message: string;
  proposalIds: string[];
  reviewerIds: string[];
};

/**
 * Re-checks every hard constraint of an assignment, independently of how it was produced: the
 * guard before storing a solver result or a call-office override of single pairs. An empty list
 * means the assignment is valid.
 */
export function validateAssignment(
  input: AssignmentInputDraft | AssignmentInput,
  assignment: { readonly assignments: readonly PairRef[] },
): AssignmentViolation[] {
  return validatePrepared(prepareAssignment(input), assignment.assignments);
}

export function validatePrepared(prep: PreparedAssignment, pairs: readonly PairRef[]): AssignmentViolation[] {
  const { n, m, k, proposalIds, reviewerIds, proposalIndex, reviewerIndex } = prep;
  const violations: AssignmentViolation[] = [];
  const chosen = new Uint8Array(n * m);
  for (const pair of pairs) {
    const p = proposalIndex.get(pair.proposalId);
    const r = reviewerIndex.get(pair.reviewerId);
    if (p === undefined) {
      violations.push({
        code: 'unknown-proposal',
        message: `Unknown proposal ${pair.proposalId}.`,
        proposalIds: [pair.proposalId],
        reviewerIds: [],
      });
    }
    if (r === undefined) {
      violations.push({
        code: 'unknown-reviewer',
        message: `Unknown reviewer ${pair.reviewerId}.`,
        proposalIds: [],
        reviewerIds: [pair.reviewerId],
      });
    }
    if (p === undefined || r === undefined) continue;
    const cell = p * m + r;
    const ids = { proposalIds: [pair.proposalId], reviewerIds: [pair.reviewerId] };
    if (chosen[cell]) {
      violations.push({
        code: 'duplicate-pair',
        message: `${pair.reviewerId} is assigned to ${pair.proposalId} twice.`,
        ...ids,
      });
    }
    chosen[cell] = 1;
  }
  for (let p = 0; p < n; p++) {
    for (let r = 0; r < m; r++) {
      const cell = p * m + r;
      const ids = { proposalIds: [proposalIds[p]!], reviewerIds: [reviewerIds[r]!] };
      if (chosen[cell] && prep.conflicted[cell]) {
        violations.push({
          code: 'conflict',
          message: `${reviewerIds[r]} has a conflict of interest with ${proposalIds[p]}.`,
          ...ids,
        });
      }
      if (chosen[cell] && prep.declined[cell]) {
        violations.push({
          code: 'declined',
          message: `${reviewerIds[r]} declined ${proposalIds[p]}.`,
          ...ids,
        });
      }
      if (!chosen[cell] && prep.fixed[cell]) {
        violations.push({
          code: 'fixed-missing',
          message: `The fixed pair ${reviewerIds[r]} – ${proposalIds[p]} is missing.`,
          ...ids,
        });
      }
    }
  }
  for (let p = 0; p < n; p++) {
    const assigned: number[] = [];
    for (let r = 0; r < m; r++) if (chosen[p * m + r]) assigned.push(r);
    if (assigned.length !== k) {
      violations.push({
        code: 'reviewer-count',
        message: `${proposalIds[p]} has ${assigned.length} reviewers; exactly ${k} are required.`,
        proposalIds: [proposalIds[p]!],
        reviewerIds: assigned.map((r) => reviewerIds[r]!),
      });
    }
    if (prep.input.settings.distinctCountries) {
      const byCountry = new Map<number, number[]>();
      for (const r of assigned)
        byCountry.set(prep.countryOf[r]!, [...(byCountry.get(prep.countryOf[r]!) ?? []), r]);
      for (const [c, rs] of byCountry) {
        if (rs.length < 2) continue;
        violations.push({
          code: 'same-country',
          message: `${proposalIds[p]} has ${rs.length} reviewers from ${prep.countries[c]} (${rs.map((r) => reviewerIds[r]).join(', ')}).`,
          proposalIds: [proposalIds[p]!],
          reviewerIds: rs.map((r) => reviewerIds[r]!),
        });
      }
    }
  }
  for (let r = 0; r < m; r++) {
    let load = 0;
    for (let p = 0; p < n; p++) load += chosen[p * m + r]!;
    if (load > prep.maxLoad[r]!) {
      violations.push({
        code: 'max-load',
        message: `${reviewerIds[r]} has ${load} proposals, more than the maximum load of ${prep.maxLoad[r]}.`,
        proposalIds: [],
        reviewerIds: [reviewerIds[r]!],
      });
    }
    if (load < prep.minLoad[r]!) {
      violations.push({
        code: 'min-load',
        message: `${reviewerIds[r]} has ${load} proposals, fewer than the minimum load of ${prep.minLoad[r]}.`,
        proposalIds: [],
        reviewerIds: [reviewerIds[r]!],
      });
    }
  }
  return violations;
}
