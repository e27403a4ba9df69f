import { AFFINITY_SCALE, type AssignmentInput, type AssignmentInputDraft } from './assignment-input.ts';
import type { AssignedPair } from './assignment-result.ts';
import { prepareAssignment } from './prepare-assignment.ts';

export type GreedyAssignment = {
  /** True when every proposal got k reviewers and every minimum load was met. */
  complete: boolean;
  totalAffinity: number;
  assignments: AssignedPair[];
};

/**
 * The baseline the optimiser must never fall below: fixed pairs first, then the best remaining pair
 * overall (affinity, then proposal id, then reviewer id) whenever it breaks no hard constraint.
 * Ignores minimum loads while choosing, so it may end incomplete where the optimiser succeeds.
 */
export function greedyAssignment(draft: AssignmentInputDraft | AssignmentInput): GreedyAssignment {
  const prep = prepareAssignment(draft);
  const { n, m, k, affinity, permitted, fixed, countryOf, proposalIds, reviewerIds } = prep;
  const distinct = prep.input.settings.distinctCountries;
  const countries = Math.max(prep.countries.length, 1);
  const count = new Int32Array(n);
  const load = new Int32Array(m);
  const usedCountry = new Uint8Array(n * countries);
  const chosen = new Uint8Array(n * m);
  const take = (cell: number) => {
    const p = Math.floor(cell / m);
    const r = cell % m;
    chosen[cell] = 1;
    count[p]!++;
    load[r]!++;
    usedCountry[p * countries + countryOf[r]!] = 1;
  };
  for (let cell = 0; cell < n * m; cell++) if (fixed[cell]) take(cell);
  const keys: number[] = [];
  for (let cell = 0; cell < n * m; cell++) {
    if (permitted[cell] && !fixed[cell]) keys.push((AFFINITY_SCALE - affinity[cell]!) * n * m + cell);
  }
  for (const key of Float64Array.from(keys).sort()) {
    const cell = key % (n * m);
    const p = Math.floor(cell / m);
    const r = cell % m;
    if (count[p]! >= k || load[r]! >= prep.maxLoad[r]!) continue;
    if (distinct && usedCountry[p * countries + countryOf[r]!]) continue;
    take(cell);
  }
  const assignments: AssignedPair[] = [];
  let totalAffinity = 0;
  for (let cell = 0; cell < n * m; cell++) {
    if (!chosen[cell]) continue;
    const p = Math.floor(cell / m);
    const r = cell % m;
    assignments.push({
      proposalId: proposalIds[p]!,
      reviewerId: reviewerIds[r]!,
      affinity: affinity[cell]!,
      fixed: fixed[cell] === 1,
    });
    totalAffinity += affinity[cell]!;
  }
  const complete = count.every((c) => c === k) && load.every((l, r) => l >= prep.minLoad[r]!);
  return { complete, totalAffinity, assignments };
}
