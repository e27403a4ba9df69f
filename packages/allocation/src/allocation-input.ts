import { currencyCode, money } from '@permed/domain';
import { z } from 'zod';
import { exchangeRate } from './exchange-rate.ts';

/** Largest tie group the exact search accepts (2^16 subsets at worst); real panels tie 2-5 proposals. */
export const MAX_TIE_GROUP = 16;

/**
 * `skip`: virtual common pot. A proposal that some funder cannot pay is skipped and the walk goes on.
 * `no-gaps`: co-funded calls. The walk stops at the first proposal that cannot be paid, so the list of
 * funded proposals never has a hole; the result reports what would close the gap.
 */
export const fundingMode = z.enum(['skip', 'no-gaps']).describe('How the ranking list is walked');
export type FundingMode = z.infer<typeof fundingMode>;

/**
 * `fund-most`: proposals with the same consolidated score are one tie group; when not all of them can be
 * paid, the subset that funds the most proposals is chosen (exact search), preferring better-ranked
 * proposals among equally large subsets. `rank-order`: ties are walked in rank order like any proposal.
 */
export const tieRule = z
  .enum(['fund-most', 'rank-order'])
  .describe('How equal scores at the threshold are resolved');
export type TieRule = z.infer<typeof tieRule>;

export const funderBudget = z
  .object({
    funderId: z.string().min(1),
    acronym: z.string().min(1).describe('Shown in explanations, e.g. "BMBF"'),
    commitment: money.describe("Committed national budget, in the funder's currency"),
    maxTopUp: money
      .nullable()
      .default(null)
      .describe(
        'Most the funder has said it could add; null = not stated (any top-up is considered possible)',
      ),
  })
  .strict();
export type FunderBudget = z.infer<typeof funderBudget>;

export const partnerRequest = z
  .object({
    partnerId: z.string().min(1),
    funderId: z.string().min(1).nullable().describe('Funder the partner asks money from; null = own-funded'),
    requested: money.describe("Requested budget in its funder's currency (informational when own-funded)"),
  })
  .strict();
export type PartnerRequest = z.infer<typeof partnerRequest>;

export const rankedProposal = z
  .object({
    proposalId: z.string().min(1),
    acronym: z.string().min(1),
    rank: z.number().int().positive().describe('Position in the frozen ranking list, 1 = best'),
    score: z.number().finite().describe('Consolidated panel score; equal scores form a tie group'),
    category: z.string().min(1).describe('Panel category, e.g. "A", "B", "C"'),
    partners: z.array(partnerRequest).min(1),
  })
  .strict();
export type RankedProposal = z.infer<typeof rankedProposal>;

export const allocationInput = z
  .object({
    reportingCurrency: currencyCode.describe('Currency of the call-level report, e.g. EUR'),
    mode: fundingMode,
    ties: tieRule.default('fund-most'),
    fundableCategories: z.array(z.string().min(1)).min(1).default(['A', 'B']),
    exchangeRates: z.array(exchangeRate).default([]),
    funders: z.array(funderBudget).min(1),
    ranking: z.array(rankedProposal).describe('The frozen ranking list, all categories'),
  })
  .strict()
  .superRefine((input, ctx) => {
    const issue = (message: string, path: (string | number)[]) =>
      ctx.addIssue({ code: 'custom', message, path });

    const funders = new Map<string, (typeof input.funders)[number]>();
    input.funders.forEach((f, i) => {
      if (funders.has(f.funderId)) issue(`duplicate funder "${f.funderId}"`, ['funders', i, 'funderId']);
      funders.set(f.funderId, f);
      if (f.maxTopUp && f.maxTopUp.currency !== f.commitment.currency) {
        issue('must be in the currency of the commitment', ['funders', i, 'maxTopUp', 'currency']);
      }
    });

    const rates = new Set<string>();
    input.exchangeRates.forEach((r, i) => {
      if (rates.has(r.currency)) issue(`duplicate rate for ${r.currency}`, ['exchangeRates', i, 'currency']);
      if (r.currency === input.reportingCurrency) {
        issue('no rate is needed for the reporting currency itself', ['exchangeRates', i, 'currency']);
      }
      rates.add(r.currency);
    });
    input.funders.forEach((f, i) => {
      const c = f.commitment.currency;
      if (c !== input.reportingCurrency && !rates.has(c)) {
        issue(`no exchange rate from ${c} to ${input.reportingCurrency}`, [
          'funders',
          i,
          'commitment',
          'currency',
        ]);
      }
    });

    // Sums per funder must stay exact in a JS number; money is never a bigint in the JSON snapshot.
    const demand = new Map<string, number>();
    const ids = new Set<string>();
    const ranks = new Set<number>();
    input.ranking.forEach((p, i) => {
      if (ids.has(p.proposalId)) issue(`duplicate proposal "${p.proposalId}"`, ['ranking', i, 'proposalId']);
      if (ranks.has(p.rank)) issue(`duplicate rank ${p.rank}`, ['ranking', i, 'rank']);
      ids.add(p.proposalId);
      ranks.add(p.rank);
      const partnerIds = new Set<string>();
      p.partners.forEach((partner, j) => {
        const path = ['ranking', i, 'partners', j];
        if (partnerIds.has(partner.partnerId))
          issue(`duplicate partner "${partner.partnerId}"`, [...path, 'partnerId']);
        partnerIds.add(partner.partnerId);
        if (partner.funderId === null) return;
        const funder = funders.get(partner.funderId);
        if (!funder) return issue(`unknown funder "${partner.funderId}"`, [...path, 'funderId']);
        if (partner.requested.currency !== funder.commitment.currency) {
          issue(`must be in ${funder.commitment.currency}, the currency of ${funder.acronym}`, [
            ...path,
            'requested',
            'currency',
          ]);
        }
        demand.set(partner.funderId, (demand.get(partner.funderId) ?? 0) + partner.requested.amountMinor);
      });
    });
    for (const [funderId, total] of demand) {
      const f = funders.get(funderId);
      const biggest = total + (f?.commitment.amountMinor ?? 0) + (f?.maxTopUp?.amountMinor ?? 0);
      if (!Number.isSafeInteger(biggest))
        issue(`amounts for funder "${funderId}" are too large`, ['funders']);
    }

    // A ranking list orders by score: a better rank never has a lower score. Ties are read from equal
    // scores, so this also makes every tie group a run of consecutive ranks.
    const considered = new Set(input.fundableCategories);
    const byRank = input.ranking.map((p, i) => ({ p, i })).sort((a, b) => a.p.rank - b.p.rank);
    let run = 0;
    let previousScore: number | undefined;
    for (let k = 0; k < byRank.length; k++) {
      const { p, i } = byRank[k]!;
      const before = byRank[k - 1]?.p;
      if (before && before.score < p.score) {
        issue(`score ${p.score} at rank ${p.rank} is higher than ${before.score} at rank ${before.rank}`, [
          'ranking',
          i,
          'score',
        ]);
      }
      if (!considered.has(p.category)) continue;
      run = p.score === previousScore ? run + 1 : 1;
      previousScore = p.score;
      if (input.ties === 'fund-most' && run > MAX_TIE_GROUP) {
        issue(`more than ${MAX_TIE_GROUP} fundable proposals tie on score ${p.score}`, [
          'ranking',
          i,
          'score',
        ]);
      }
    }
  })
  .describe(
    'Everything the funding allocation needs: call settings, funder budgets and the frozen ranking list',
  );

/** What callers pass (defaults may be left out). */
export type AllocationInput = z.input<typeof allocationInput>;
/** What `allocationInput.parse` returns (defaults filled in, checked). */
export type ParsedAllocationInput = z.output<typeof allocationInput>;
