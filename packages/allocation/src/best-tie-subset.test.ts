import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bestTieSubset, fits, type Needs } from './best-tie-subset.ts';

const needs = (entries: Record<string, number>): Needs => new Map(Object.entries(entries));

describe('bestTieSubset', () => {
  it('takes the whole group when it fits', () => {
    expect(bestTieSubset([needs({ A: 1 }), needs({ A: 2 })], new Map([['A', 3]]))).toEqual([0, 1]);
  });

  it('prefers more proposals over a better-ranked one', () => {
    expect(bestTieSubset([needs({ A: 9 }), needs({ A: 5 }), needs({ A: 4 })], new Map([['A', 9]]))).toEqual([
      1, 2,
    ]);
  });

  it('prefers the better-ranked among equally many', () => {
    expect(bestTieSubset([needs({ A: 6 }), needs({ A: 5 }), needs({ A: 4 })], new Map([['A', 10]]))).toEqual([
      0, 2,
    ]);
  });

  it('works across funders and returns nothing when nothing fits', () => {
    const group = [needs({ A: 5, B: 5 }), needs({ A: 5 }), needs({ B: 5 })];
    expect(
      bestTieSubset(
        group,
        new Map([
          ['A', 5],
          ['B', 5],
        ]),
      ),
    ).toEqual([1, 2]);
    expect(
      bestTieSubset(
        group,
        new Map([
          ['A', 4],
          ['B', 4],
        ]),
      ),
    ).toEqual([]);
  });

  it('does not change the budgets it is given', () => {
    const remaining = new Map([['A', 3]]);
    bestTieSubset([needs({ A: 2 }), needs({ A: 2 })], remaining);
    expect(remaining.get('A')).toBe(3);
  });

  it('equals brute force over all subsets (property)', () => {
    const funders = ['A', 'B', 'C'];
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 3, maxLength: 3 }), { maxLength: 8 }),
        fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 3, maxLength: 3 }),
        (rows, budget) => {
          const group = rows.map((row) => new Map(row.map((amount, f) => [funders[f]!, amount])));
          const remaining = new Map(budget.map((amount, f) => [funders[f]!, amount]));
          // Brute force: every subset as a bit pattern where position 0 is the best-ranked proposal; a
          // larger subset wins, and among equals the one that is greater read as "1 before 0" by rank.
          let best: number[] = [];
          let bestKey = '';
          for (let mask = 0; mask < 1 << group.length; mask++) {
            const members = group.flatMap((_, i) => ((mask >> i) & 1 ? [i] : []));
            const total = new Map(funders.map((f) => [f, 0]));
            for (const i of members) for (const [f, a] of group[i]!) total.set(f, total.get(f)! + a);
            if (!fits(total, remaining)) continue;
            const key = group.map((_, i) => ((mask >> i) & 1 ? '1' : '0')).join('');
            if (members.length > best.length || (members.length === best.length && key > bestKey)) {
              best = members;
              bestKey = key;
            }
          }
          expect(bestTieSubset(group, remaining)).toEqual(best);
        },
      ),
      { numRuns: 300 },
    );
  });
});
