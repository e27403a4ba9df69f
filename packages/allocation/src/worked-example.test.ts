/**
 * A call of real size, built so that every binding case can be checked by hand: 60 full proposals, 30 funders,
 * 26 funded in skip mode. Budgets and requests are invented (not taken from a real call); funder acronyms
 * are those of ERA PerMed funders, to read naturally.
 *
 * Construction:
 * - 26 "generous" funders: each partner asks a fixed standard amount and each commitment is 5 standard
 *   amounts. Proposal r has generous partners G[2r mod 26] and G[2r+1 mod 26], so in the 34 considered
 *   proposals a generous funder appears at most 3 times (r, r+13, r+26): it can never bind.
 * - 4 "tight" funders (BMBF, LMT, VR, NCBR) with partners only where listed in TIGHT. All binding happens there.
 * - Ranks 1-15 category A, 16-34 B, 35-60 C. Score 100 − rank, except a tie at 76 for ranks 24-26.
 */
import { describe, expect, it } from 'vitest';
import { allocate } from './allocate.ts';
import type { AllocationInput } from './allocation-input.ts';
import type { AllocationResult } from './allocation-result.ts';
import { shuffled } from './testing/arbitraries.ts';
import { buildCall, type FunderSpec, type PartnerSpec, type ProposalSpec } from './testing/factory.ts';
import { topUpToRank } from './top-up-to-rank.ts';
import { whatIfBudgets, withBudgets } from './what-if.ts';

const GENEROUS: readonly (readonly [id: string, currency: string, standard: number, acronym?: string])[] = [
  ['FWF', 'EUR', 250_000],
  ['FNRS', 'EUR', 200_000, 'F.R.S.-FNRS'],
  ['VLAIO', 'EUR', 250_000],
  ['CIHR', 'CAD', 300_000],
  ['FRQS', 'CAD', 250_000],
  ['InnoFond', 'DKK', 1_500_000],
  ['ETAg', 'EUR', 150_000],
  ['AKA', 'EUR', 300_000],
  ['ANR', 'EUR', 300_000],
  ['BMG', 'EUR', 300_000],
  ['SMWK', 'EUR', 250_000],
  ['GSRT', 'EUR', 150_000],
  ['NKFIH', 'HUF', 60_000_000],
  ['HRB', 'EUR', 250_000],
  ['CSO-MOH', 'ILS', 800_000],
  ['IT-MoH', 'EUR', 200_000],
  ['FRRB', 'EUR', 250_000],
  ['FNR', 'EUR', 250_000],
  ['ZonMw', 'EUR', 300_000],
  ['RCN', 'NOK', 2_500_000],
  ['UEFISCDI', 'RON', 1_000_000],
  ['ISCIII', 'EUR', 200_000],
  ['AECC', 'EUR', 150_000],
  ['Vinnova', 'SEK', 2_000_000],
  ['TUBITAK', 'TRY', 5_000_000, 'TÜBİTAK'],
  ['GN', 'EUR', 150_000],
];

const TIGHT_FUNDERS: FunderSpec[] = [
  { id: 'BMBF', commitment: 2_000_000 },
  { id: 'LMT', commitment: 200_000, maxTopUp: 20_000 },
  { id: 'VR', currency: 'SEK', commitment: 12_000_000 },
  { id: 'NCBR', currency: 'PLN', commitment: 2_000_000 },
];

/** The tight funders' partners, by rank (whole units of the funder's currency). */
const TIGHT: Readonly<Record<number, readonly PartnerSpec[]>> = {
  1: [['BMBF', 300_000]],
  2: [
    ['BMBF', 300_000],
    [null, 1_000_000, 'EUR'],
  ], // an own-funded company partner costs nothing
  3: [['LMT', 150_000]],
  4: [['BMBF', 300_000]],
  5: [['VR', 5_000_000]],
  6: [['BMBF', 300_000]],
  7: [['VR', 4_000_000]],
  8: [['BMBF', 280_000]],
  9: [['BMBF', 400_000]],
  10: [['NCBR', 1_100_000]],
  11: [
    ['BMBF', 160_000],
    ['BMBF', 150_000],
    ['VR', 2_000_000],
  ],
  12: [['LMT', 100_000]],
  13: [['VR', 3_500_000]],
  14: [['VR', 3_000_000]],
  15: [['BMBF', 100_000]],
  16: [
    ['BMBF', 50_000],
    ['LMT', 60_000],
  ],
  20: [['BMBF', 150_000]],
  24: [['NCBR', 900_000]],
  25: [['NCBR', 500_000]],
  26: [['NCBR', 400_000]],
  27: [['NCBR', 100_000]],
  30: [
    ['LMT', 50_000],
    [null, 500_000, 'USD'],
  ], // own-funded in a currency without a call rate
  32: [['LMT', 10_000]],
  33: [['BMBF', 20_000]],
  40: [['BMBF', 500_000]], // category C: never costs anything
  45: [['LMT', 150_000]],
  50: [['NCBR', 2_000_000]],
};

const RATES = {
  CAD: '1.5',
  DKK: '7.46',
  HUF: '400',
  ILS: '4',
  NOK: '11.5',
  PLN: '4.25',
  RON: '5',
  SEK: '11',
  TRY: '35',
};

function realSizeCall(
  overrides: { mode?: 'skip' | 'no-gaps'; ties?: 'fund-most' | 'rank-order' } = {},
): AllocationInput {
  const generous = (r: number): PartnerSpec[] =>
    [GENEROUS[(2 * r) % 26]!, GENEROUS[(2 * r + 1) % 26]!].map(([id, , standard]) => [id, standard] as const);
  const proposals: ProposalSpec[] = Array.from({ length: 60 }, (_, i) => {
    const rank = i + 1;
    return {
      rank,
      score: rank >= 24 && rank <= 26 ? 76 : 100 - rank,
      category: rank <= 15 ? 'A' : rank <= 34 ? 'B' : 'C',
      partners: [...(TIGHT[rank] ?? []), ...generous(rank)],
    };
  });
  return buildCall({
    ...overrides,
    rates: RATES,
    funders: [
      ...GENEROUS.map(([id, currency, standard, acronym]) => ({
        id,
        currency,
        commitment: 5 * standard,
        ...(acronym ? { acronym } : {}),
      })),
      ...TIGHT_FUNDERS,
    ],
    proposals,
  });
}

const plain = (s: string) => s.replaceAll('\u00a0', ' ');
const at = (result: AllocationResult, rank: number) => result.proposals.find((p) => p.rank === rank)!;
const funder = (result: AllocationResult, id: string) => result.funders.find((f) => f.funderId === id)!;
const unfundedConsidered = (result: AllocationResult) =>
  result.proposals.filter((p) => p.status !== 'funded' && p.status !== 'not-considered').map((p) => p.rank);
const shortfallsAt = (result: AllocationResult, rank: number) =>
  at(result, rank).shortfalls.map((s) => [
    s.funderId,
    s.remaining.amountMinor / 100,
    s.requested.amountMinor / 100,
    s.missing.amountMinor / 100,
  ]);

describe('worked example: 60 proposals, 30 funders', () => {
  const input = realSizeCall();

  it('has the size of a real call, and its generous funders can never bind', () => {
    expect(input.ranking).toHaveLength(60);
    expect(input.funders).toHaveLength(30);
    for (const [id, , standard] of GENEROUS) {
      const considered = input.ranking.filter(
        (p) => p.rank <= 34 && p.partners.some((x) => x.funderId === id),
      );
      expect(considered.length).toBeLessThanOrEqual(3);
      expect(considered.length * standard).toBeLessThan(5 * standard);
    }
  });

  describe('skip mode, ties fund the most proposals', () => {
    const result = allocate(input);

    it('funds 26 of the 34 considered proposals; 35-60 (category C) are not considered', () => {
      expect(result.fundedCount).toBe(26);
      expect(unfundedConsidered(result)).toEqual([11, 12, 13, 16, 20, 24, 27, 32]);
      expect(result.proposals.filter((p) => p.status === 'not-considered').map((p) => p.rank)).toEqual(
        Array.from({ length: 26 }, (_, i) => 35 + i),
      );
    });

    it('BMBF: 300 × 4 + 280 + 400 = 1,880 of 2,000 spent by rank 9, so rank 11 (310) is skipped', () => {
      // Ranks 1, 2, 4, 6 (300 each), 8 (280), 9 (400): 1,880 -> 120 left. Rank 11 has two BMBF partners,
      // 160 + 150 = 310 > 120: 190 missing. Its VR partner (2,000 of VR's 3,000 left) is not binding.
      expect(at(result, 11).status).toBe('fundable-with-top-up');
      expect(shortfallsAt(result, 11)).toEqual([['BMBF', 120_000, 310_000, 190_000]]);
      expect(plain(at(result, 11).explanation)).toBe(
        'Not funded: BMBF has EUR 120,000.00 left but its partners in this proposal request EUR 310,000.00 ' +
          '(EUR 190,000.00 missing).',
      );
    });

    it('BMBF: skipping rank 11 leaves 120 for lower proposals: rank 15 (100) funded, 20 left', () => {
      expect(at(result, 15).status).toBe('funded');
      // Rank 20 asks 150 of the 20 left: 130 missing. Rank 33 asks exactly the last 20: funded.
      expect(shortfallsAt(result, 20)).toEqual([['BMBF', 20_000, 150_000, 130_000]]);
      expect(at(result, 33).status).toBe('funded');
      expect(funder(result, 'BMBF').allocated.amountMinor).toBe(2_000_000_00); // 1,880 + 100 + 20
      expect(funder(result, 'BMBF').remaining.amountMinor).toBe(0);
    });

    it('LMT: 200 − 150 (rank 3) = 50 left; rank 12 needs 100, more than LMT can add (20): not fundable', () => {
      expect(at(result, 12).status).toBe('not-fundable');
      expect(shortfallsAt(result, 12)).toEqual([['LMT', 50_000, 100_000, 50_000]]);
      expect(plain(at(result, 12).explanation)).toBe(
        'Not funded: LMT has EUR 50,000.00 left but its partner in this proposal requests EUR 100,000.00 ' +
          '(EUR 50,000.00 missing). LMT can add at most EUR 20,000.00, so it is not fundable.',
      );
    });

    it('rank 16 is blocked by two funders at once: BMBF (20 left, 50 asked) and LMT (50 left, 60 asked)', () => {
      expect(shortfallsAt(result, 16)).toEqual([
        ['BMBF', 20_000, 50_000, 30_000],
        ['LMT', 50_000, 60_000, 10_000],
      ]);
      // LMT's 10 missing is within the 20 it can add; BMBF stated no limit.
      expect(at(result, 16).status).toBe('fundable-with-top-up');
    });

    it('LMT: rank 30 takes exactly the 50 left (funded at equality), so rank 32 (10) is blocked', () => {
      expect(at(result, 30).status).toBe('funded');
      expect(shortfallsAt(result, 32)).toEqual([['LMT', 0, 10_000, 10_000]]);
      expect(at(result, 32).status).toBe('fundable-with-top-up');
      expect(funder(result, 'LMT').allocated.amountMinor).toBe(200_000_00); // 150 + 50; rank 45 is category C
    });

    it('VR: 12,000 − 5,000 − 4,000 = 3,000 left: rank 13 (3,500) skipped, rank 14 (3,000) funded', () => {
      expect(shortfallsAt(result, 13)).toEqual([['VR', 3_000_000, 3_500_000, 500_000]]);
      expect(at(result, 14).status).toBe('funded');
      expect(funder(result, 'VR').remaining).toEqual({ amountMinor: 0, currency: 'SEK' });
    });

    it('NCBR: 900 left at the tie 24-26 (900 / 500 / 400): funding 25 + 26 funds two instead of one', () => {
      expect([24, 25, 26].map((r) => at(result, r).status)).toEqual([
        'fundable-with-top-up',
        'funded',
        'funded',
      ]);
      expect(shortfallsAt(result, 24)).toEqual([['NCBR', 0, 900_000, 900_000]]);
      expect(at(result, 24).tiedWith).toEqual(['P25', 'P26']);
      expect(plain(at(result, 24).explanation)).toBe(
        'Not funded: NCBR has PLN 0.00 left but its partner in this proposal requests PLN 900,000.00 ' +
          '(PLN 900,000.00 missing). It is tied on score 76 with P25 (rank 25) and P26 (rank 26); the tie was ' +
          'resolved by funding as many of the tied proposals as the budgets allow.',
      );
      // Nothing is left for rank 27 (100).
      expect(shortfallsAt(result, 27)).toEqual([['NCBR', 0, 100_000, 100_000]]);
    });

    it('a generous funder pays exactly its funded partners: FWF is in ranks 13, 26 (and C-ranked 39, 52)', () => {
      // 2r mod 26 = 0 only for r = 13, 26, 39, 52. Rank 13 is skipped (VR), 26 funded: 250,000 allocated.
      expect(funder(result, 'FWF').allocated.amountMinor).toBe(250_000_00);
      expect(funder(result, 'FWF').remaining.amountMinor).toBe(1_000_000_00);
    });

    it('reports in EUR at the fixed rates, half up', () => {
      // SEK 12,000,000 / 11 = 1,090,909.0909… ; PLN 2,000,000 / 4.25 = 470,588.2352…
      expect(funder(result, 'VR').committedReporting.amountMinor).toBe(109_090_909);
      expect(funder(result, 'NCBR').allocatedReporting.amountMinor).toBe(47_058_824);
      expect(result.allocatedReporting.amountMinor).toBe(
        result.funders.reduce((sum, f) => sum + f.allocatedReporting.amountMinor, 0),
      );
    });

    it('does not depend on the order of funders, partners or ranking entries', () => {
      const reordered: AllocationInput = {
        ...input,
        funders: shuffled(input.funders, 7),
        ranking: shuffled(input.ranking, 8).map((p, i) => ({ ...p, partners: shuffled(p.partners, 9 + i) })),
      };
      expect(allocate(reordered)).toEqual(result);
    });
  });

  it('rank-order ties: rank 24 takes NCBR’s 900, so 25 and 26 are skipped (25 funded in all)', () => {
    const result = allocate(realSizeCall({ ties: 'rank-order' }));
    expect([24, 25, 26].map((r) => at(result, r).status)).toEqual([
      'funded',
      'fundable-with-top-up',
      'fundable-with-top-up',
    ]);
    expect(result.fundedCount).toBe(25);
  });

  describe('no-gaps mode', () => {
    const result = allocate(realSizeCall({ mode: 'no-gaps' }));

    it('stops at rank 11, the first proposal a funder cannot pay', () => {
      expect(result.stoppedAtRank).toBe(11);
      expect(result.fundedCount).toBe(10);
      expect(at(result, 11).status).toBe('fundable-with-top-up');
      expect(plain(at(result, 11).explanation)).toMatch(
        /\(EUR 190,000\.00 missing\)\. The call allows no gaps/,
      );
      expect(result.proposals.filter((p) => p.status === 'not-reached').map((p) => p.rank)).toEqual(
        Array.from({ length: 23 }, (_, i) => 12 + i),
      );
    });

    it('tells rank 12 what closes the gap down to it: BMBF 190 and LMT 50', () => {
      // BMBF: 310 (rank 11) against 120 left. LMT: 100 (rank 12) against 50 left. VR: 2,000 against 3,000.
      expect(shortfallsAt(result, 12)).toEqual([
        ['BMBF', 120_000, 310_000, 190_000],
        ['LMT', 50_000, 100_000, 50_000],
      ]);
      expect(plain(at(result, 12).explanation)).toBe(
        'Not reached: the walk stopped at rank 11 (P11) because the call allows no gaps in the ranking list. ' +
          'Funding every proposal down to this one needs EUR 190,000.00 more from BMBF and EUR 50,000.00 more ' +
          'from LMT.',
      );
      // Rank 13 adds VR 3,500: 2,000 + 3,500 = 5,500 against 3,000 -> 2,500 missing.
      expect(shortfallsAt(result, 13)).toContainEqual(['VR', 3_000_000, 5_500_000, 2_500_000]);
    });

    it('agrees with topUpToRank', () => {
      const plan = topUpToRank(realSizeCall({ mode: 'no-gaps' }), 12);
      expect(plan.topUps.map((t) => [t.funderId, t.topUp.amountMinor / 100])).toEqual([
        ['BMBF', 190_000],
        ['LMT', 50_000],
      ]);
    });
  });

  describe('top-up to fund every considered proposal', () => {
    const plan = topUpToRank(input, 34);

    it('is each tight funder’s requests over ranks 1-34 minus its commitment', () => {
      // BMBF 300×4 + 280 + 400 + 310 + 100 + 50 + 150 + 20 = 2,510 -> 510
      // LMT 150 + 100 + 60 + 50 + 10 = 370 -> 170
      // VR 5,000 + 4,000 + 2,000 + 3,500 + 3,000 = 17,500 -> 5,500
      // NCBR 1,100 + 900 + 500 + 400 + 100 = 3,000 -> 1,000
      expect(plan.topUps.map((t) => [t.funderId, t.topUp.amountMinor / 100, t.topUp.currency])).toEqual([
        ['BMBF', 510_000, 'EUR'],
        ['LMT', 170_000, 'EUR'],
        ['NCBR', 1_000_000, 'PLN'],
        ['VR', 5_500_000, 'SEK'],
      ]);
      // EUR 510,000 + 170,000 + PLN 1,000,000 / 4.25 (235,294.1176… -> .12) + SEK 5,500,000 / 11 (500,000)
      expect(plan.totalReporting.amountMinor).toBe(141_529_412);
    });

    it('funds all 34 in both modes once added, and not with one cent less from BMBF', () => {
      const add = (extraBmbf: number) =>
        withBudgets(
          input,
          plan.topUps.map((t) => {
            const f = input.funders.find((x) => x.funderId === t.funderId)!;
            const extra = t.topUp.amountMinor - (t.funderId === 'BMBF' ? extraBmbf : 0);
            return {
              funderId: t.funderId,
              commitment: { ...f.commitment, amountMinor: f.commitment.amountMinor + extra },
            };
          }),
        );
      expect(allocate(add(0)).fundedCount).toBe(34);
      expect(allocate({ ...add(0), mode: 'no-gaps' }).fundedCount).toBe(34);
      expect(allocate(add(1)).fundedCount).toBeLessThan(34);
    });

    it('extends a target inside the tie group to its end', () => {
      expect(topUpToRank(input, 25).throughRank).toBe(26);
    });
  });

  it('what-if: giving BMBF the 190 rank 11 misses funds it, but un-funds three lower proposals', () => {
    // BMBF 2,190: rank 11 takes 310 -> BMBF 0 left, so ranks 15 (100) and 33 (20) lose BMBF's money; rank 11's
    // VR partner takes 2,000 of VR's 3,000, so rank 14 (3,000) loses VR's money.
    const { diff } = whatIfBudgets(input, [
      { funderId: 'BMBF', commitment: { amountMinor: 2_190_000_00, currency: 'EUR' } },
    ]);
    expect(diff.proposals.map((p) => [p.rank, p.before, p.after])).toEqual([
      [11, 'fundable-with-top-up', 'funded'],
      [14, 'funded', 'fundable-with-top-up'],
      [15, 'funded', 'fundable-with-top-up'],
      [33, 'funded', 'fundable-with-top-up'],
    ]);
    expect([diff.fundedBefore, diff.fundedAfter]).toEqual([26, 24]);
  });
});
