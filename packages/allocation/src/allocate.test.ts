import { describe, expect, it } from 'vitest';
import { allocate } from './allocate.ts';
import { allocationInput } from './allocation-input.ts';
import { allocationResult, type AllocationResult } from './allocation-result.ts';
import { buildCall, type CallSpec } from './testing/factory.ts';

/** Explanations use no-break spaces inside amounts; compare them as plain text. */
const plain = (s: string) => s.replaceAll('\u00a0', ' ');
const byId = (result: AllocationResult, id: string) => result.proposals.find((p) => p.proposalId === id)!;
const statuses = (result: AllocationResult) =>
  Object.fromEntries(result.proposals.map((p) => [p.proposalId, p.status]));

// A has EUR 100k, B EUR 50k. Amounts in thousands below.
const small = (mode: 'skip' | 'no-gaps'): CallSpec => ({
  mode,
  funders: [
    { id: 'A', commitment: 100_000 },
    { id: 'B', commitment: 50_000 },
  ],
  proposals: [
    {
      rank: 1,
      partners: [
        ['A', 60_000],
        ['B', 20_000],
      ],
    }, // A 100 -> 40, B 50 -> 30
    { rank: 2, partners: [['A', 50_000]] }, // A has 40 < 50
    {
      rank: 3,
      partners: [
        ['B', 30_000],
        [null, 500_000, 'EUR'],
      ],
    }, // B 30 -> 0; own-funded costs nothing
    { rank: 4, partners: [['A', 40_000]] }, // exactly A's 40 left
    { rank: 5, category: 'C', partners: [['A', 1_000]] },
  ],
});

describe('allocate, skip mode (virtual common pot)', () => {
  const result = allocate(buildCall(small('skip')));

  it('skips the proposal a funder cannot pay and goes on down the list', () => {
    expect(statuses(result)).toEqual({
      P01: 'funded',
      P02: 'fundable-with-top-up',
      P03: 'funded',
      P04: 'funded',
      P05: 'not-considered',
    });
    expect(result.fundedCount).toBe(3);
    expect(result.stoppedAtRank).toBeNull();
  });

  it('funds a proposal that needs exactly what is left', () => {
    expect(byId(result, 'P04').status).toBe('funded');
    expect(result.funders.find((f) => f.funderId === 'A')!.remaining.amountMinor).toBe(0);
  });

  it('names the binding funder with remaining, requested and missing amounts', () => {
    expect(byId(result, 'P02').shortfalls).toEqual([
      {
        funderId: 'A',
        acronym: 'A',
        remaining: { amountMinor: 4_000_000, currency: 'EUR' },
        requested: { amountMinor: 5_000_000, currency: 'EUR' },
        missing: { amountMinor: 1_000_000, currency: 'EUR' },
        maxTopUp: null,
      },
    ]);
    expect(plain(byId(result, 'P02').explanation)).toBe(
      'Not funded: A has EUR 40,000.00 left but its partner in this proposal requests EUR 50,000.00 ' +
        '(EUR 10,000.00 missing).',
    );
  });

  it('reports committed, allocated and remaining per funder; own-funded and category C cost nothing', () => {
    expect(
      result.funders.map((f) => [
        f.funderId,
        f.committed.amountMinor,
        f.allocated.amountMinor,
        f.remaining.amountMinor,
      ]),
    ).toEqual([
      ['A', 10_000_000, 10_000_000, 0], // 60 + 40
      ['B', 5_000_000, 5_000_000, 0], // 20 + 30
    ]);
    expect(byId(result, 'P03').requested).toEqual([
      { funderId: 'B', acronym: 'B', amount: { amountMinor: 3_000_000, currency: 'EUR' } },
    ]);
  });

  it('explains proposals outside the fundable categories', () => {
    expect(byId(result, 'P05').explanation).toBe(
      'Not considered: category C is not fundable in this call (fundable categories: A and B).',
    );
    expect(byId(result, 'P05').shortfalls).toEqual([]);
  });

  it('is valid against the output schema and survives JSON unchanged', () => {
    expect(allocationResult.parse(result)).toEqual(result);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('is deterministic', () => {
    expect(allocate(buildCall(small('skip')))).toEqual(result);
  });
});

describe('allocate, no-gaps mode (co-funded calls)', () => {
  const result = allocate(buildCall(small('no-gaps')));

  it('stops at the first proposal that cannot be paid', () => {
    expect(statuses(result)).toEqual({
      P01: 'funded',
      P02: 'fundable-with-top-up',
      P03: 'not-reached',
      P04: 'not-reached',
      P05: 'not-considered',
    });
    expect(result.stoppedAtRank).toBe(2);
    expect(result.fundedCount).toBe(1);
  });

  it('reports what closes the gap at the stop', () => {
    expect(plain(byId(result, 'P02').explanation)).toBe(
      'Not funded: A has EUR 40,000.00 left but its partner in this proposal requests EUR 50,000.00 ' +
        '(EUR 10,000.00 missing). The call allows no gaps in the ranking list, so the walk stops here.',
    );
  });

  it('tells each proposal below the gap what funding everything down to it takes', () => {
    // P03: A needs 50 (P02) against 40 left -> 10 missing; B needs 30 (P03) against 30 left -> none.
    expect(byId(result, 'P03').shortfalls.map((s) => [s.funderId, s.missing.amountMinor])).toEqual([
      ['A', 1_000_000],
    ]);
    // P04: A needs 50 + 40 = 90 against 40 -> 50 missing.
    expect(
      byId(result, 'P04').shortfalls.map((s) => [s.funderId, s.requested.amountMinor, s.missing.amountMinor]),
    ).toEqual([['A', 9_000_000, 5_000_000]]);
    expect(plain(byId(result, 'P04').explanation)).toBe(
      'Not reached: the walk stopped at rank 2 (P02) because the call allows no gaps in the ranking list. ' +
        'Funding every proposal down to this one needs EUR 50,000.00 more from A.',
    );
  });

  it('leaves the unspent budget as remaining', () => {
    expect(result.funders.map((f) => [f.funderId, f.allocated.amountMinor, f.remaining.amountMinor])).toEqual(
      [
        ['A', 6_000_000, 4_000_000],
        ['B', 2_000_000, 3_000_000],
      ],
    );
  });
});

describe('allocate, binding funders', () => {
  it('lists every funder that blocks a proposal, in funderId order, with singular/plural wording', () => {
    const result = allocate(
      buildCall({
        funders: [
          { id: 'Z', acronym: 'ZonMw', commitment: 10_000 },
          { id: 'B', acronym: 'BMBF', commitment: 120_000 },
          { id: 'H', acronym: 'HRB', commitment: 500_000 },
        ],
        proposals: [
          {
            rank: 1,
            partners: [
              ['Z', 30_000],
              ['B', 160_000],
              ['H', 100_000],
              ['B', 150_000],
            ],
          },
        ],
      }),
    );
    const p = result.proposals[0]!;
    expect(p.shortfalls.map((s) => s.acronym)).toEqual(['BMBF', 'ZonMw']);
    expect(plain(p.explanation)).toBe(
      'Not funded: BMBF has EUR 120,000.00 left but its partners in this proposal request EUR 310,000.00 ' +
        '(EUR 190,000.00 missing); ZonMw has EUR 10,000.00 left but its partner in this proposal requests ' +
        'EUR 30,000.00 (EUR 20,000.00 missing).',
    );
    // Nothing was spent on a proposal that was not funded.
    expect(result.funders.every((f) => f.allocated.amountMinor === 0)).toBe(true);
  });

  it('is not fundable when a binding funder said it can add less than is missing', () => {
    const result = allocate(
      buildCall({
        funders: [
          { id: 'L', acronym: 'LMT', commitment: 50_000, maxTopUp: 20_000 },
          { id: 'V', acronym: 'VR', commitment: 0, maxTopUp: 0 },
        ],
        proposals: [
          { rank: 1, partners: [['L', 70_000]] }, // 20 missing = limit -> still fundable with a top-up
          { rank: 2, partners: [['L', 70_001]] }, // 20,001 missing > 20,000
          { rank: 3, partners: [['V', 0]] }, // asks nothing: fits even a zero budget
          { rank: 4, partners: [{ funderId: 'V', amountMinor: 1 }] }, // one cent over a "no top-up" funder
        ],
      }),
    );
    expect(result.proposals.map((p) => p.status)).toEqual([
      'fundable-with-top-up',
      'not-fundable',
      'funded',
      'not-fundable',
    ]);
    expect(plain(result.proposals[1]!.explanation)).toBe(
      'Not funded: LMT has EUR 50,000.00 left but its partner in this proposal requests EUR 70,001.00 ' +
        '(EUR 20,001.00 missing). LMT can add at most EUR 20,000.00, so it is not fundable.',
    );
    expect(result.proposals[1]!.shortfalls[0]!.maxTopUp).toEqual({ amountMinor: 2_000_000, currency: 'EUR' });
  });

  it('funds a proposal whose partners are all own-funded', () => {
    const result = allocate(
      buildCall({
        funders: [{ id: 'A', commitment: 0 }],
        proposals: [
          {
            rank: 1,
            partners: [
              [null, 100_000, 'USD'],
              [null, 5, 'EUR'],
            ],
          },
        ],
      }),
    );
    expect(result.proposals[0]!.status).toBe('funded');
    expect(result.proposals[0]!.requested).toEqual([]);
    expect(result.proposals[0]!.requestedReporting).toEqual({ amountMinor: 0, currency: 'EUR' });
  });

  it('honours the fundable categories parameter', () => {
    const spec: CallSpec = {
      fundableCategories: ['A'],
      funders: [{ id: 'A', commitment: 100 }],
      proposals: [
        { rank: 1, category: 'A', partners: [['A', 10]] },
        { rank: 2, category: 'B', partners: [['A', 10]] },
      ],
    };
    const result = allocate(buildCall(spec));
    expect(result.proposals.map((p) => p.status)).toEqual(['funded', 'not-considered']);
    expect(result.proposals[1]!.explanation).toBe(
      'Not considered: category B is not fundable in this call (fundable categories: A).',
    );
  });
});

describe('allocate, reporting currency', () => {
  const result = allocate(
    buildCall({
      rates: { SEK: '11', PLN: '4.25' },
      funders: [
        { id: 'VR', currency: 'SEK', commitment: 12_000_000 },
        { id: 'NCBR', currency: 'PLN', commitment: 2_000_000 },
        { id: 'ANR', commitment: 1_000_000 },
      ],
      proposals: [
        {
          rank: 1,
          partners: [
            ['VR', 1_000_000],
            ['NCBR', 1],
            ['ANR', 300_000],
          ],
        },
      ],
    }),
  );

  it('converts each funder amount on its own, half up', () => {
    const vr = result.funders.find((f) => f.funderId === 'VR')!;
    // SEK 12,000,000 / 11 = EUR 1,090,909.0909… -> 1,090,909.09
    expect(vr.committedReporting).toEqual({ amountMinor: 109_090_909, currency: 'EUR' });
    // SEK 1,000,000 / 11 = 90,909.0909… -> 90,909.09 ; SEK 11,000,000 / 11 = 1,000,000.00
    expect(vr.allocatedReporting.amountMinor).toBe(9_090_909);
    expect(vr.remainingReporting.amountMinor).toBe(100_000_000);
    const ncbr = result.funders.find((f) => f.funderId === 'NCBR')!;
    // PLN 2,000,000 / 4.25 = 470,588.2352… -> 470,588.24
    expect(ncbr.committedReporting.amountMinor).toBe(47_058_824);
  });

  it('sums converted parts for a proposal and for the call', () => {
    // EUR 90,909.09 + PLN 1.00 / 4.25 = EUR 0.2352… -> 0.24 + EUR 300,000.00
    expect(result.proposals[0]!.requestedReporting.amountMinor).toBe(9_090_909 + 24 + 30_000_000);
    expect(result.allocatedReporting.amountMinor).toBe(9_090_909 + 24 + 30_000_000);
  });

  it('keeps funder amounts in the funder currency', () => {
    expect(result.proposals[0]!.requested.map((r) => r.amount.currency)).toEqual(['EUR', 'PLN', 'SEK']);
  });
});

describe('allocate, ties at the threshold', () => {
  const tie = (
    ties: 'fund-most' | 'rank-order',
    needs: number[],
    budget: number,
    mode: 'skip' | 'no-gaps' = 'skip',
  ) =>
    allocate(
      buildCall({
        mode,
        ties,
        funders: [{ id: 'N', acronym: 'NCBR', currency: 'PLN', commitment: budget }],
        rates: { PLN: '4' },
        proposals: [
          ...needs.map((n, i) => ({ rank: i + 1, score: 3.5, partners: [['N', n]] as const })),
          { rank: needs.length + 1, score: 3, partners: [['N', 1]] },
        ],
      }),
    );

  it('funds the most proposals of a tie group', () => {
    const result = tie('fund-most', [90, 50, 40], 90);
    expect(result.proposals.map((p) => p.status)).toEqual([
      'fundable-with-top-up',
      'funded',
      'funded',
      'fundable-with-top-up',
    ]);
    expect(result.proposals[0]!.tiedWith).toEqual(['P02', 'P03']);
    expect(result.proposals[1]!.tiedWith).toEqual(['P01', 'P03']);
    expect(result.proposals[3]!.tiedWith).toEqual([]);
    expect(plain(result.proposals[0]!.explanation)).toBe(
      'Not funded: NCBR has PLN 0.00 left but its partner in this proposal requests PLN 90.00 (PLN 90.00 missing). ' +
        'It is tied on score 3.5 with P02 (rank 2) and P03 (rank 3); the tie was resolved by funding as many of ' +
        'the tied proposals as the budgets allow.',
    );
    expect(plain(result.proposals[1]!.explanation)).toMatch(
      /^Funded\. It is tied on score 3\.5 with P01 \(rank 1\)/,
    );
  });

  it('walks ties in rank order under rank-order', () => {
    const result = tie('rank-order', [90, 50, 40], 90);
    expect(result.proposals.map((p) => p.status)).toEqual([
      'funded',
      'fundable-with-top-up',
      'fundable-with-top-up',
      'fundable-with-top-up',
    ]);
    expect(result.proposals.every((p) => p.tiedWith.length === 0)).toBe(true);
  });

  it('prefers better-ranked proposals among equally many', () => {
    // pairs that fit 100: {1,3} = 100 and {2,3} = 90; {1,2} = 110 does not. {1,3} keeps rank 1.
    expect(
      tie('fund-most', [60, 50, 40], 100)
        .proposals.map((p) => p.status)
        .slice(0, 3),
    ).toEqual(['funded', 'fundable-with-top-up', 'funded']);
    // three equal proposals, room for two: the first two.
    expect(
      tie('fund-most', [50, 50, 50], 100)
        .proposals.map((p) => p.status)
        .slice(0, 3),
    ).toEqual(['funded', 'funded', 'fundable-with-top-up']);
  });

  it('does not mark a tie that did not need resolving', () => {
    const result = tie('fund-most', [10, 20], 100);
    expect(result.proposals.map((p) => p.status)).toEqual(['funded', 'funded', 'funded']);
    expect(result.proposals.every((p) => p.tiedWith.length === 0 && p.explanation === 'Funded.')).toBe(true);
  });

  it('in no-gaps mode, funds the most of the tie group at the threshold, then stops', () => {
    const result = tie('fund-most', [90, 50, 40], 90, 'no-gaps');
    expect(result.proposals.map((p) => p.status)).toEqual([
      'fundable-with-top-up',
      'funded',
      'funded',
      'not-reached',
    ]);
    expect(result.stoppedAtRank).toBe(1);
  });
});

describe('allocationInput validation', () => {
  const base = () => buildCall(small('skip'));
  const messages = (input: unknown) => {
    const parsed = allocationInput.safeParse(input);
    return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('accepts the factory call and fills the defaults', () => {
    const parsed = allocationInput.parse({ ...base(), ties: undefined, fundableCategories: undefined });
    expect(parsed.ties).toBe('fund-most');
    expect(parsed.fundableCategories).toEqual(['A', 'B']);
    // What the service validates can go straight into allocate, with the same result.
    expect(allocate(parsed)).toEqual(allocate(base()));
  });

  it('rejects a partner of an unknown funder', () => {
    const input = base();
    input.ranking[0]!.partners[0]!.funderId = 'X';
    expect(messages(input)).toEqual(['ranking.0.partners.0.funderId: unknown funder "X"']);
  });

  it("rejects a request not in its funder's currency", () => {
    const input = base();
    input.ranking[0]!.partners[0]!.requested.currency = 'SEK';
    expect(messages(input)).toEqual([
      'ranking.0.partners.0.requested.currency: must be in EUR, the currency of A',
    ]);
  });

  it('rejects a funder currency without an exchange rate', () => {
    const input = base();
    input.funders[0]!.commitment.currency = 'SEK';
    expect(messages(input)).toContain('funders.0.commitment.currency: no exchange rate from SEK to EUR');
  });

  it('rejects duplicate ranks, ids and rising scores', () => {
    const input = base();
    input.ranking[1]!.rank = 1;
    input.ranking[2]!.proposalId = 'P01';
    input.ranking[3]!.score = 200;
    const found = messages(input);
    expect(found).toContain('ranking.1.rank: duplicate rank 1');
    expect(found).toContain('ranking.2.proposalId: duplicate proposal "P01"');
    expect(found.some((m) => m.startsWith('ranking.3.score: score 200 at rank 4 is higher'))).toBe(true);
  });

  it('rejects a tie group too large for the exact search', () => {
    const input = buildCall({
      funders: [{ id: 'A', commitment: 1 }],
      proposals: Array.from({ length: 17 }, (_, i) => ({
        rank: i + 1,
        score: 4,
        partners: [['A', 1]] as const,
      })),
    });
    expect(messages(input)).toEqual(['ranking.16.score: more than 16 fundable proposals tie on score 4']);
    expect(messages({ ...input, ties: 'rank-order' })).toEqual([]);
  });

  it('rejects a top-up limit in another currency, and unknown keys', () => {
    const input = base();
    input.funders[0]!.maxTopUp = { amountMinor: 1, currency: 'USD' };
    expect(messages(input)).toEqual([
      'funders.0.maxTopUp.currency: must be in the currency of the commitment',
    ]);
    expect(messages({ ...base(), budget: 1 })).toHaveLength(1);
  });

  it('makes allocate throw on invalid input', () => {
    const input = base();
    input.funders = [];
    expect(() => allocate(input)).toThrow();
  });
});
