import { describe, expect, it } from 'vitest';
import { allocate } from './allocate.ts';
import { diffAllocations } from './diff-allocations.ts';
import { buildCall } from './testing/factory.ts';
import { whatIfBudgets, withBudgets } from './what-if.ts';

const eur = (units: number) => ({ amountMinor: units * 100, currency: 'EUR' });

describe('whatIfBudgets', () => {
  // A has 100: P1 needs 150 (skipped), P2 needs 100 (funded).
  const input = buildCall({
    funders: [{ id: 'A', commitment: 100 }],
    proposals: [
      { rank: 1, partners: [['A', 150]] },
      { rank: 2, partners: [['A', 100]] },
    ],
  });

  it('lists the proposals whose status changes and the funder whose numbers change', () => {
    const { before, after, diff } = whatIfBudgets(input, [{ funderId: 'A', commitment: eur(160) }]);
    expect(before.fundedCount).toBe(1);
    expect(after.fundedCount).toBe(1);
    // Counterexample to "raising a budget never un-funds": the extra 60 funds P1 (150), leaving 10 for P2.
    expect(diff.proposals).toEqual([
      { proposalId: 'P01', acronym: 'P01', rank: 1, before: 'fundable-with-top-up', after: 'funded' },
      { proposalId: 'P02', acronym: 'P02', rank: 2, before: 'funded', after: 'fundable-with-top-up' },
    ]);
    expect(diff.funders).toEqual([
      {
        funderId: 'A',
        acronym: 'A',
        committedBefore: eur(100),
        committedAfter: eur(160),
        allocatedBefore: eur(100),
        allocatedAfter: eur(150),
      },
    ]);
    expect({ fundedBefore: diff.fundedBefore, fundedAfter: diff.fundedAfter }).toEqual({
      fundedBefore: 1,
      fundedAfter: 1,
    });
  });

  it('is empty when nothing changes', () => {
    const { diff } = whatIfBudgets(input, [{ funderId: 'A', commitment: eur(120) }]);
    expect(diff.proposals).toEqual([]);
    expect(diff.funders.map((f) => f.committedAfter)).toEqual([eur(120)]); // only the commitment moved
  });

  it('refuses a funder that is not in the call', () => {
    expect(() => withBudgets(input, [{ funderId: 'X', commitment: eur(1) }])).toThrow(/unknown funder "X"/);
  });

  it('does not modify the input', () => {
    withBudgets(input, [{ funderId: 'A', commitment: eur(1) }]);
    expect(input.funders[0]!.commitment).toEqual(eur(100));
  });
});

describe('raising a budget can un-fund a lower proposal', () => {
  it('through another funder (skip mode): X’s raise funds P1, which spends Y’s money that P2 needed', () => {
    const input = buildCall({
      funders: [
        { id: 'X', commitment: 50 },
        { id: 'Y', commitment: 100 },
      ],
      proposals: [
        {
          rank: 1,
          partners: [
            ['X', 100],
            ['Y', 60],
          ],
        }, // X short by 50: skipped
        { rank: 2, partners: [['Y', 60]] }, // Y 100 -> 40: funded
      ],
    });
    const { diff } = whatIfBudgets(input, [{ funderId: 'X', commitment: eur(100) }]);
    expect(diff.proposals.map((p) => [p.proposalId, p.before, p.after])).toEqual([
      ['P01', 'fundable-with-top-up', 'funded'],
      ['P02', 'funded', 'fundable-with-top-up'],
    ]);
  });

  it('through a re-resolved tie (no-gaps mode, fund-most)', () => {
    // Tie group at the threshold: X has 10, Y has 5. T1 needs X10; T2 X6 + Y5; T3 X4 + Y5.
    // Before: only single proposals fit, the best-ranked T1 is chosen. Raise Y to 10: T2 + T3 fit together
    // (X10, Y10), two proposals beat one, and T1 loses its funding.
    const input = buildCall({
      mode: 'no-gaps',
      funders: [
        { id: 'X', commitment: 10 },
        { id: 'Y', commitment: 5 },
      ],
      proposals: [
        { rank: 1, score: 3, partners: [['X', 10]] },
        {
          rank: 2,
          score: 3,
          partners: [
            ['X', 6],
            ['Y', 5],
          ],
        },
        {
          rank: 3,
          score: 3,
          partners: [
            ['X', 4],
            ['Y', 5],
          ],
        },
      ],
    });
    const before = allocate(input);
    const after = allocate(withBudgets(input, [{ funderId: 'Y', commitment: eur(10) }]));
    expect(before.proposals.map((p) => p.status)).toEqual([
      'funded',
      'fundable-with-top-up',
      'fundable-with-top-up',
    ]);
    expect(after.proposals.map((p) => p.status)).toEqual(['fundable-with-top-up', 'funded', 'funded']);
    expect(diffAllocations(before, after).proposals).toHaveLength(3);
  });
});

describe('diffAllocations', () => {
  it('reports proposals present on one side only', () => {
    const one = allocate(
      buildCall({ funders: [{ id: 'A', commitment: 1 }], proposals: [{ rank: 1, partners: [['A', 1]] }] }),
    );
    const none = allocate(buildCall({ funders: [{ id: 'A', commitment: 1 }], proposals: [] }));
    expect(diffAllocations(one, none).proposals).toEqual([
      { proposalId: 'P01', acronym: 'P01', rank: 1, before: 'funded', after: null },
    ]);
  });
});
