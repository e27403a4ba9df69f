import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AssignmentInput } from './assignment-input.ts';
import { greedyAssignment } from './greedy-assignment.ts';
import { solveAssignment } from './solve-assignment.ts';
import { validateAssignment } from './validate-assignment.ts';

/**
 * Exhaustive search written from the problem statement alone (no shared code with the solver):
 * every choice of k reviewers per proposal, kept when it respects every hard constraint.
 * Returns the best total affinity, or undefined when no choice is valid.
 */
function bruteForce(input: AssignmentInput): number | undefined {
  const k = input.settings.reviewersPerProposal;
  const key = (p: string, r: string) => `${p}|${r}`;
  const forbidden = new Set(
    [...input.conflicts, ...input.declined].map((c) => key(c.proposalId, c.reviewerId)),
  );
  const value = new Map(
    input.affinity.mode === 'explicit'
      ? input.affinity.values.map((v) => [key(v.proposalId, v.reviewerId), v.value])
      : [],
  );
  const otherwise = input.affinity.mode === 'explicit' ? input.affinity.otherwise : 0;
  const reviewers = input.reviewers;
  const subsets = (from: number, size: number): number[][] =>
    size === 0
      ? [[]]
      : from >= reviewers.length
        ? []
        : [...subsets(from + 1, size - 1).map((s) => [from, ...s]), ...subsets(from + 1, size)];
  const choices = input.proposals.map((p) =>
    subsets(0, k).filter((set) => {
      const ids = set.map((j) => reviewers[j]!.id);
      if (ids.some((r) => forbidden.has(key(p.id, r)))) return false;
      if (input.fixed.some((f) => f.proposalId === p.id && !ids.includes(f.reviewerId))) return false;
      const countries = set.map((j) => reviewers[j]!.country);
      return !input.settings.distinctCountries || new Set(countries).size === countries.length;
    }),
  );
  let best: number | undefined;
  const load = reviewers.map(() => 0);
  const walk = (p: number, total: number) => {
    if (p === input.proposals.length) {
      const ok = reviewers.every((r, j) => load[j]! >= (r.minLoad ?? input.settings.minLoad));
      if (ok && (best === undefined || total > best)) best = total;
      return;
    }
    for (const set of choices[p]!) {
      if (set.some((j) => load[j]! + 1 > (reviewers[j]!.maxLoad ?? input.settings.maxLoad))) continue;
      for (const j of set) load[j]!++;
      const gain = set.reduce(
        (sum, j) => sum + (value.get(key(input.proposals[p]!.id, reviewers[j]!.id)) ?? otherwise),
        0,
      );
      walk(p + 1, total + gain);
      for (const j of set) load[j]!--;
    }
  };
  walk(0, 0);
  return best;
}

const tinyInstance: fc.Arbitrary<AssignmentInput> = fc
  .record({
    n: fc.integer({ min: 1, max: 3 }),
    m: fc.integer({ min: 3, max: 5 }),
    k: fc.oneof(fc.constant(2), fc.integer({ min: 1, max: 3 })),
    distinctCountries: fc.boolean(),
    maxLoad: fc.integer({ min: 2, max: 3 }),
    minLoad: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 2 })),
  })
  .chain(({ n, m, k, distinctCountries, maxLoad, minLoad }) => {
    const proposals = Array.from({ length: n }, (_, i) => `P${i + 1}`);
    const reviewers = Array.from({ length: m }, (_, j) => `R${j + 1}`);
    const pairs = proposals.flatMap((proposalId) =>
      reviewers.map((reviewerId) => ({ proposalId, reviewerId })),
    );
    return fc
      .record({
        reviewerData: fc.array(
          fc.record({
            country: fc.constantFrom('DE', 'FR', 'IT', 'DE'),
            maxLoad: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined, freq: 4 }),
            minLoad: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined, freq: 6 }),
          }),
          { minLength: m, maxLength: m },
        ),
        values: fc.array(fc.integer({ min: 0, max: 8 }), {
          minLength: pairs.length,
          maxLength: pairs.length,
        }),
        conflicts: fc.subarray(pairs, { maxLength: Math.ceil(pairs.length / 5) }),
        declined: fc.subarray(pairs, { maxLength: Math.min(2, pairs.length) }),
        fixed: fc.oneof(
          { weight: 4, arbitrary: fc.constant<typeof pairs>([]) },
          { weight: 1, arbitrary: fc.subarray(pairs, { maxLength: Math.min(2, pairs.length) }) },
        ),
      })
      .map(({ reviewerData, values, conflicts, declined, fixed }): AssignmentInput => ({
        proposals: proposals.map((id) => ({ id, keywords: [], areas: [] })),
        reviewers: reviewers.map((id, j) => {
          const data = reviewerData[j]!;
          const max = data.maxLoad ?? maxLoad;
          const min = Math.min(data.minLoad ?? minLoad, max);
          return { id, country: data.country, expertise: [], maxLoad: max, minLoad: min };
        }),
        settings: {
          reviewersPerProposal: k,
          maxLoad,
          minLoad: Math.min(minLoad, maxLoad),
          distinctCountries,
        },
        affinity: {
          mode: 'explicit',
          values: pairs.map((pair, i) => ({ ...pair, value: values[i]! })),
          otherwise: 0,
        },
        conflicts,
        declined,
        fixed,
      }));
  });

describe('solveAssignment against brute force', () => {
  it('finds the brute-force optimum, agrees on infeasibility, and every result is valid (800 tiny instances)', () => {
    let feasibleSeen = 0;
    let infeasibleSeen = 0;
    fc.assert(
      fc.property(
        tinyInstance,
        fc.constantFrom<1 | 2 | 'all'>(1, 2, 'all'),
        (input, candidatesPerProposal) => {
          const expected = bruteForce(input);
          const result = solveAssignment(input, { candidatesPerProposal });
          if (expected === undefined) {
            infeasibleSeen++;
            expect(result.status).toBe('infeasible');
            if (result.status === 'infeasible') expect(result.binding.length).toBeGreaterThan(0);
            return;
          }
          feasibleSeen++;
          expect(result.status).toBe('optimal');
          if (result.status !== 'optimal') return;
          expect(result.objective.totalAffinity).toBe(expected);
          expect(validateAssignment(input, result)).toEqual([]);
          const greedy = greedyAssignment(input);
          if (greedy.complete)
            expect(result.objective.totalAffinity).toBeGreaterThanOrEqual(greedy.totalAffinity);
        },
      ),
      { numRuns: 800, seed: 20240917 },
    );
    // Both branches must really have been exercised, or the comparison proves little.
    expect(feasibleSeen).toBeGreaterThan(150);
    expect(infeasibleSeen).toBeGreaterThan(150);
  });

  it('covers the country and minimum-load constraints where they decide the optimum', () => {
    let countryBinds = 0;
    let minLoadBinds = 0;
    fc.assert(
      fc.property(tinyInstance, (input) => {
        const expected = bruteForce(input);
        const relaxedCountry = bruteForce({
          ...input,
          settings: { ...input.settings, distinctCountries: false },
        });
        const relaxedMin = bruteForce({
          ...input,
          settings: { ...input.settings, minLoad: 0 },
          reviewers: input.reviewers.map((r) => ({ ...r, minLoad: 0 })),
        });
        if (input.settings.distinctCountries && expected !== relaxedCountry) countryBinds++;
        if (expected !== relaxedMin) minLoadBinds++;
        const result = solveAssignment(input);
        expect(result.status === 'optimal' ? result.objective.totalAffinity : undefined).toBe(expected);
      }),
      { numRuns: 400, seed: 7 },
    );
    expect(countryBinds).toBeGreaterThan(25);
    expect(minLoadBinds).toBeGreaterThan(25);
  });
});
