import { money } from '@permed/domain';
import { z } from 'zod';
import { allocationInput, type AllocationInput } from './allocation-input.ts';
import { byCodeUnits } from './by-code-units.ts';
import { decisionGroups } from './decision-groups.ts';
import { funderNeeds } from './funder-needs.ts';
import { makeConverter } from './exchange-rate.ts';

export const funderTopUp = z
  .object({
    funderId: z.string(),
    acronym: z.string(),
    committed: money,
    requested: money.describe("Sum of its partners' requests over the target proposals"),
    topUp: money.describe('requested − committed, floored at 0'),
    topUpReporting: money,
  })
  .strict();
export type FunderTopUp = z.infer<typeof funderTopUp>;

export const topUpPlan = z
  .object({
    targetRank: z.number().int().positive(),
    throughRank: z
      .number()
      .int()
      .positive()
      .describe('targetRank, extended to the end of a tie group it cuts'),
    proposalIds: z.array(z.string()).describe('The considered proposals that the plan funds, by rank'),
    topUps: z.array(funderTopUp).describe('Funders that must add money, by funderId'),
    totalReporting: money,
  })
  .strict();
export type TopUpPlan = z.infer<typeof topUpPlan>;

/**
 * The smallest top-up per funder that funds every considered proposal ranked down to `rank`:
 *
 *     topUp(f) = max(0, S(f) − commitment(f)),  S(f) = Σ requests of f's partners over those proposals.
 *
 * Why this is exact, in both modes, although in `skip` mode a top-up can change which LOWER proposals are
 * funded (raising one budget can even un-fund a lower proposal, see README):
 *
 * - Necessary. If every target proposal is funded, funder f pays all of S(f), and no funder ever pays more
 *   than its budget, so budget(f) ≥ S(f), whatever the other funders' budgets are. Lower proposals only come
 *   later in the walk and never reduce what f has paid for the targets.
 * - Sufficient. Give every funder budget(f) = max(commitment(f), S(f)). By induction along the walk, when
 *   target proposal k comes up, all targets above it were funded, so f has at least S(f) − (f's requests
 *   above k) ≥ f's request in k left: k fits for every funder, hence is funded in `skip` and `no-gaps` mode
 *   alike (no stop can happen above the targets). Under `fund-most`, a tie group among the targets fits as a
 *   whole, and the whole group is the unique largest subset, so the tie rule funds all of it too.
 * - Minimal per funder and all at once. The lower bound for f does not depend on any other funder, and the
 *   sufficient vector meets every bound with equality, so no funder can give less, jointly or alone.
 *
 * A tie group is unordered, so under `fund-most` a target rank inside a tie group is extended to the group's
 * end: "down to rank 25" in a group 24–26 means 24–26 (otherwise the tie rule could prefer two cheaper
 * members below the cut to one above it, and no top-up of the target alone would be exact).
 */
export function topUpToRank(raw: AllocationInput, rank: number): TopUpPlan {
  const input = allocationInput.parse(raw);
  if (!Number.isInteger(rank) || rank < 1) throw new RangeError('rank must be a positive integer');
  const convert = makeConverter(input.reportingCurrency, input.exchangeRates);

  const targets = [];
  let throughRank = rank;
  for (const group of decisionGroups(input)) {
    if (group[0]!.rank > rank) break;
    targets.push(...group);
    throughRank = Math.max(rank, group.at(-1)!.rank);
  }

  const requested = new Map<string, number>();
  for (const p of targets) {
    for (const [funderId, need] of funderNeeds(p))
      requested.set(funderId, (requested.get(funderId) ?? 0) + need.amount);
  }

  const topUps = [...input.funders]
    .sort((a, b) => byCodeUnits(a.funderId, b.funderId))
    .flatMap((f): FunderTopUp[] => {
      const sum = requested.get(f.funderId) ?? 0;
      const topUp = Math.max(0, sum - f.commitment.amountMinor);
      if (topUp === 0) return [];
      const currency = f.commitment.currency;
      return [
        {
          funderId: f.funderId,
          acronym: f.acronym,
          committed: { ...f.commitment },
          requested: { amountMinor: sum, currency },
          topUp: { amountMinor: topUp, currency },
          topUpReporting: convert({ amountMinor: topUp, currency }),
        },
      ];
    });

  return {
    targetRank: rank,
    throughRank,
    proposalIds: targets.map((p) => p.proposalId),
    topUps,
    totalReporting: {
      amountMinor: topUps.reduce((sum, t) => sum + t.topUpReporting.amountMinor, 0),
      currency: input.reportingCurrency,
    },
  };
}
