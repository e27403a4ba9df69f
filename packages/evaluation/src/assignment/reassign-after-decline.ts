import { compareIds } from '../canonical-hash.ts';
import {
  type AssignmentInput,
  type AssignmentInputDraft,
  type PairRef,
  type SolverOptions,
  assignmentInput,
} from './assignment-input.ts';
import type { AssignmentResult } from './assignment-result.ts';
import { prepareAssignment } from './prepare-assignment.ts';
import { solveAssignment } from './solve-assignment.ts';

export type ReplacementCandidate = { reviewerId: string; affinity: number; load: number };

/**
 * Reviewers who could take over a declined pair without touching any other assignment, best first:
 * highest affinity, then the lighter current load (spreads the extra work), then id.
 */
export function replacementCandidates(
  input: AssignmentInputDraft | AssignmentInput,
  assignment: { readonly assignments: readonly PairRef[] },
  decline: PairRef,
): ReplacementCandidate[] {
  const prep = prepareAssignment(input);
  const { m, affinity, permitted, countryOf, reviewerIds } = prep;
  const p = prep.proposalIndex.get(decline.proposalId);
  const decliner = prep.reviewerIndex.get(decline.reviewerId);
  if (p === undefined) throw new RangeError(`unknown proposal ${decline.proposalId}`);
  if (decliner === undefined) throw new RangeError(`unknown reviewer ${decline.reviewerId}`);
  const load = new Int32Array(m);
  const onProposal = new Set<number>();
  for (const pair of assignment.assignments) {
    const r = prep.reviewerIndex.get(pair.reviewerId);
    if (r === undefined || (pair.proposalId === decline.proposalId && r === decliner)) continue;
    load[r]!++;
    if (pair.proposalId === decline.proposalId) onProposal.add(r);
  }
  const usedCountries = new Set([...onProposal].map((r) => countryOf[r]!));
  const candidates: ReplacementCandidate[] = [];
  for (let r = 0; r < m; r++) {
    if (r === decliner || onProposal.has(r) || !permitted[p * m + r] || load[r]! >= prep.maxLoad[r]!)
      continue;
    if (prep.input.settings.distinctCountries && usedCountries.has(countryOf[r]!)) continue;
    candidates.push({ reviewerId: reviewerIds[r]!, affinity: affinity[p * m + r]!, load: load[r]! });
  }
  return candidates.sort(
    (a, b) => b.affinity - a.affinity || a.load - b.load || compareIds(a.reviewerId, b.reviewerId),
  );
}

/** The single best valid replacement for a declined pair, or undefined when nobody can take it over alone. */
export function bestReplacement(
  input: AssignmentInputDraft | AssignmentInput,
  assignment: { readonly assignments: readonly PairRef[] },
  decline: PairRef,
): ReplacementCandidate | undefined {
  return replacementCandidates(input, assignment, decline)[0];
}

/**
 * Re-solves after a decline. With `keepOthers` (the default) every other current pair is fixed, so
 * only the freed slot moves and reviewers who already started reading keep their proposals;
 * without it the whole assignment is re-optimised. The decline is recorded so the pair never
 * returns, and the decliner's minimum load drops to what they keep, since declining is their right.
 */
export function reassignAfterDecline(
  input: AssignmentInputDraft | AssignmentInput,
  assignment: { readonly assignments: readonly PairRef[] },
  decline: PairRef,
  options: { keepOthers?: boolean; solver?: SolverOptions } = {},
): { input: AssignmentInput; result: AssignmentResult } {
  const parsed = assignmentInput.parse(input);
  const isDeclined = (pair: PairRef) =>
    pair.proposalId === decline.proposalId && pair.reviewerId === decline.reviewerId;
  const kept = assignment.assignments
    .filter((pair) => !isDeclined(pair))
    .map(({ proposalId, reviewerId }) => ({ proposalId, reviewerId }));
  const keptLoad = kept.filter((pair) => pair.reviewerId === decline.reviewerId).length;
  const next: AssignmentInput = {
    ...parsed,
    reviewers: parsed.reviewers.map((r) =>
      r.id === decline.reviewerId
        ? { ...r, minLoad: Math.min(r.minLoad ?? parsed.settings.minLoad, keptLoad) }
        : r,
    ),
    declined: parsed.declined.some(isDeclined) ? parsed.declined : [...parsed.declined, { ...decline }],
    fixed: options.keepOthers === false ? parsed.fixed.filter((pair) => !isDeclined(pair)) : kept,
  };
  const checked = assignmentInput.parse(next);
  return { input: checked, result: solveAssignment(checked, options.solver) };
}
