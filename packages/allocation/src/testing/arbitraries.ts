import fc from 'fast-check';
import type { AllocationInput, FundingMode, TieRule } from '../allocation-input.ts';

export type SmallCallOptions = {
  mode?: FundingMode;
  ties?: TieRule;
  maxFunders?: number;
  minProposals?: number;
  maxProposals?: number;
  maxPartners?: number;
  maxAmount?: number;
  maxBudget?: number;
};

/**
 * Small random calls: a few funders (EUR and SEK), a few proposals with a few partners each, tiny amounts
 * so that budgets bind often, scores from a small set so that ties happen, some category C, some
 * own-funded partners. Ranks follow the scores.
 */
export function smallCall(options: SmallCallOptions = {}): fc.Arbitrary<AllocationInput> {
  const maxAmount = options.maxAmount ?? 6;
  const funder = fc.record({
    currency: fc.constantFrom('EUR', 'SEK'),
    commitment: fc.integer({ min: 0, max: options.maxBudget ?? 12 }),
    maxTopUp: fc.option(fc.integer({ min: 0, max: 4 }), { nil: null, freq: 3 }),
  });
  const partner = fc.record({
    funder: fc.option(fc.nat(), { nil: null, freq: 6 }),
    amount: fc.integer({ min: 0, max: maxAmount }),
  });
  const proposal = fc.record({
    score: fc.integer({ min: 1, max: 4 }),
    category: fc.constantFrom('A', 'A', 'B', 'C'),
    partners: fc.array(partner, { minLength: 1, maxLength: options.maxPartners ?? 3 }),
  });
  return fc
    .record({
      funders: fc.array(funder, { minLength: 1, maxLength: options.maxFunders ?? 4 }),
      proposals: fc.array(proposal, {
        minLength: options.minProposals ?? 0,
        maxLength: options.maxProposals ?? 8,
      }),
      mode: options.mode ? fc.constant(options.mode) : fc.constantFrom<FundingMode>('skip', 'no-gaps'),
      ties: options.ties ? fc.constant(options.ties) : fc.constantFrom<TieRule>('fund-most', 'rank-order'),
    })
    .map(({ funders, proposals, mode, ties }): AllocationInput => {
      const ordered = [...proposals].sort((a, b) => b.score - a.score);
      return {
        reportingCurrency: 'EUR',
        mode,
        ties,
        exchangeRates: [{ currency: 'SEK', perReportingUnit: '11.5' }],
        funders: funders.map((f, i) => ({
          funderId: `F${i}`,
          acronym: `F${i}`,
          commitment: { amountMinor: f.commitment, currency: f.currency },
          maxTopUp: f.maxTopUp === null ? null : { amountMinor: f.maxTopUp, currency: f.currency },
        })),
        ranking: ordered.map((p, i) => ({
          proposalId: `P${i + 1}`,
          acronym: `P${i + 1}`,
          rank: i + 1,
          score: p.score,
          category: p.category,
          partners: p.partners.map((partner, j) => {
            const f = partner.funder === null ? null : partner.funder % funders.length;
            return {
              partnerId: `P${i + 1}-${j + 1}`,
              funderId: f === null ? null : `F${f}`,
              requested: { amountMinor: partner.amount, currency: f === null ? 'EUR' : funders[f]!.currency },
            };
          }),
        })),
      };
    });
}

/** Deterministic Fisher–Yates shuffle driven by a seed (a small LCG), so fast-check can replay it. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
