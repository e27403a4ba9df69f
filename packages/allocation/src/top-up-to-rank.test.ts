import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate } from './allocate.ts';
import type { AllocationInput } from './allocation-input.ts';
import { smallCall } from './testing/arbitraries.ts';
import { buildCall } from './testing/factory.ts';
import { topUpToRank, topUpPlan } from './top-up-to-rank.ts';
import { withBudgets } from './what-if.ts';

/** The input with each funder's commitment raised by `extra[funderId]` minor units. */
function toppedUp(input: AllocationInput, extra: ReadonlyMap<string, number>): AllocationInput {
  return withBudgets(
    input,
    input.funders.map((f) => ({
      funderId: f.funderId,
      commitment: { ...f.commitment, amountMinor: f.commitment.amountMinor + (extra.get(f.funderId) ?? 0) },
    })),
  );
}

function fundsAll(input: AllocationInput, ids: readonly string[]): boolean {
  const result = allocate(input);
  return ids.every((id) => result.proposals.find((p) => p.proposalId === id)!.status === 'funded');
}

describe('topUpToRank', () => {
  // A: 100 committed. B: 50. Ranks 1-4 in skip mode, amounts in whole EUR.
  const input = buildCall({
    rates: { SEK: '10' },
    funders: [
      { id: 'A', commitment: 100 },
      { id: 'B', commitment: 50 },
      { id: 'S', currency: 'SEK', commitment: 0 },
    ],
    proposals: [
      {
        rank: 1,
        partners: [
          ['A', 80],
          ['B', 10],
        ],
      },
      {
        rank: 2,
        partners: [
          ['A', 50],
          ['S', 15],
        ],
      },
      { rank: 3, category: 'C', partners: [['B', 1000]] },
      {
        rank: 4,
        partners: [
          ['B', 45],
          ['A', 5],
        ],
      },
    ],
  });

  it('is each funder’s requests down to the rank minus its commitment, floored at 0', () => {
    const plan = topUpToRank(input, 4);
    // A: 80 + 50 + 5 = 135 - 100 = 35. B: 10 + 45 = 55 - 50 = 5 (rank 3 is category C). S: 15 - 0 = 15.
    expect(plan.topUps.map((t) => [t.funderId, t.requested.amountMinor, t.topUp.amountMinor])).toEqual([
      ['A', 13_500, 3_500],
      ['B', 5_500, 500],
      ['S', 1_500, 1_500],
    ]);
    // EUR 35 + EUR 5 + SEK 15 / 10 = EUR 1.50
    expect(plan.topUps.map((t) => t.topUpReporting.amountMinor)).toEqual([3_500, 500, 150]);
    expect(plan.totalReporting).toEqual({ amountMinor: 4_150, currency: 'EUR' });
    expect(plan.proposalIds).toEqual(['P01', 'P02', 'P04']);
    expect(topUpPlan.parse(plan)).toEqual(plan);
  });

  it('omits funders that need nothing', () => {
    const plan = topUpToRank(input, 1);
    expect(plan.topUps).toEqual([]);
    expect(plan.totalReporting.amountMinor).toBe(0);
  });

  it('funds every proposal down to the rank, and one minor unit less for any funder does not', () => {
    const plan = topUpToRank(input, 4);
    const extra = new Map(plan.topUps.map((t) => [t.funderId, t.topUp.amountMinor]));
    expect(fundsAll(toppedUp(input, extra), plan.proposalIds)).toBe(true);
    for (const t of plan.topUps) {
      const less = new Map(extra).set(t.funderId, t.topUp.amountMinor - 1);
      expect(fundsAll(toppedUp(input, less), plan.proposalIds)).toBe(false);
    }
  });

  it('extends a rank inside a tie group to the whole group under fund-most', () => {
    const tied = buildCall({
      funders: [{ id: 'N', commitment: 100 }],
      proposals: [
        { rank: 1, score: 4, partners: [['N', 100]] },
        { rank: 2, score: 3, partners: [['N', 60]] },
        { rank: 3, score: 3, partners: [['N', 30]] },
        { rank: 4, score: 3, partners: [['N', 30]] },
        { rank: 5, score: 2, partners: [['N', 1]] },
      ],
    });
    const plan = topUpToRank(tied, 2);
    expect(plan.throughRank).toBe(4);
    expect(plan.proposalIds).toEqual(['P01', 'P02', 'P03', 'P04']);
    expect(plan.topUps[0]!.topUp.amountMinor).toBe(12_000); // 100 + 60 + 30 + 30 - 100
    // Why the extension is needed: topping up for ranks 1-2 only (N + 60) lets the tie rule prefer
    // P03 + P04 (two proposals for 60) to P02 (one proposal for 60).
    expect(allocate(toppedUp(tied, new Map([['N', 6_000]])))?.proposals.map((p) => p.status)).toEqual([
      'funded',
      'fundable-with-top-up',
      'funded',
      'funded',
      'fundable-with-top-up',
    ]);
    expect(topUpToRank({ ...tied, ties: 'rank-order' }, 2).throughRank).toBe(2);
  });

  it('rejects a rank that is not a positive integer', () => {
    expect(() => topUpToRank(input, 0)).toThrow(RangeError);
    expect(() => topUpToRank(input, 1.5)).toThrow(RangeError);
  });

  it('equals the minimum found by brute force over all top-up vectors (property)', () => {
    const call = smallCall({
      maxFunders: 3,
      minProposals: 2,
      maxProposals: 5,
      maxPartners: 2,
      maxAmount: 3,
      maxBudget: 3,
    });
    fc.assert(
      fc.property(call, fc.integer({ min: 1, max: 5 }), (input, rank) => {
        const plan = topUpToRank(input, rank);
        // The targets, rebuilt from the input: considered proposals down to throughRank...
        const considered = input.ranking.filter((p) => ['A', 'B'].includes(p.category));
        expect([...plan.proposalIds].sort()).toEqual(
          considered
            .filter((p) => p.rank <= plan.throughRank)
            .map((p) => p.proposalId)
            .sort(),
        );
        // ...where throughRank only goes past `rank` to finish a tie group.
        for (const p of considered.filter((q) => q.rank > rank && q.rank <= plan.throughRank)) {
          expect(input.ties).toBe('fund-most');
          expect(considered.some((q) => q.rank <= rank && q.score === p.score)).toBe(true);
        }
        // Brute force: every vector t with 0 <= t(f) <= f's total requests over the targets.
        const targets = new Set(plan.proposalIds);
        const cap = input.funders.map((f) =>
          input.ranking
            .filter((p) => targets.has(p.proposalId))
            .flatMap((p) => p.partners)
            .filter((partner) => partner.funderId === f.funderId)
            .reduce((sum, partner) => sum + partner.requested.amountMinor, 0),
        );
        fc.pre(cap.reduce((n, c) => n * (c + 1), 1) <= 1000);
        const planned = new Map(plan.topUps.map((t) => [t.funderId, t.topUp.amountMinor]));
        const vectors: number[][] = [[]];
        for (const c of cap) {
          const next: number[][] = [];
          for (const v of vectors) for (let x = 0; x <= c; x++) next.push([...v, x]);
          vectors.splice(0, vectors.length, ...next);
        }
        for (const v of vectors) {
          const extra = new Map(input.funders.map((f, i) => [f.funderId, v[i]!]));
          const dominates = input.funders.every((f, i) => v[i]! >= (planned.get(f.funderId) ?? 0));
          // feasible exactly when the vector is at least the plan in every component
          expect(fundsAll(toppedUp(input, extra), plan.proposalIds)).toBe(dominates);
        }
      }),
      { numRuns: 600 },
    );
  });
});
