import { currencyCode, money } from '@permed/domain';
import { z } from 'zod';
import { fundingMode, tieRule } from './allocation-input.ts';

/**
 * - `funded`: every funder with partners in it could pay them.
 * - `fundable-with-top-up`: not funded; it would be if each binding funder added its missing amount
 *   (earmarked for this proposal, with everything ranked above kept as it is), and no binding funder has
 *   said it cannot add that much.
 * - `not-fundable`: not funded, and some binding funder has said it can add less than is missing.
 * - `not-reached`: `no-gaps` mode only: ranked below the gap where the walk stopped.
 * - `not-considered`: its category is not fundable in this call.
 */
export const proposalStatus = z.enum([
  'funded',
  'fundable-with-top-up',
  'not-fundable',
  'not-reached',
  'not-considered',
]);
export type ProposalStatus = z.infer<typeof proposalStatus>;

export const funderAmount = z.object({ funderId: z.string(), acronym: z.string(), amount: money }).strict();
export type FunderAmount = z.infer<typeof funderAmount>;

/**
 * Why a funder blocks a proposal, in the funder's currency. `missing` = `requested` − `remaining` > 0.
 * For `not-reached` proposals `requested` sums the funder's partners over all unfunded proposals from the
 * gap down to this one, so `missing` is what funding everything down to here would take.
 */
export const shortfall = z
  .object({
    funderId: z.string(),
    acronym: z.string(),
    remaining: money,
    requested: money,
    missing: money,
    maxTopUp: money.nullable(),
  })
  .strict();
export type Shortfall = z.infer<typeof shortfall>;

export const proposalOutcome = z
  .object({
    proposalId: z.string(),
    acronym: z.string(),
    rank: z.number().int(),
    score: z.number(),
    category: z.string(),
    status: proposalStatus,
    requested: z
      .array(funderAmount)
      .describe('Per paying funder (own-funded partners excluded), by funderId'),
    requestedReporting: money.describe('Sum of the per-funder requests, each converted on its own'),
    shortfalls: z.array(shortfall).describe('The binding funders, by funderId; empty unless budget-blocked'),
    tiedWith: z
      .array(z.string())
      .describe('Other proposals of its tie group, when the tie had to be resolved'),
    explanation: z.string(),
  })
  .strict();
export type ProposalOutcome = z.infer<typeof proposalOutcome>;

export const funderOutcome = z
  .object({
    funderId: z.string(),
    acronym: z.string(),
    committed: money,
    allocated: money,
    remaining: money,
    committedReporting: money,
    allocatedReporting: money,
    remainingReporting: money,
  })
  .strict();
export type FunderOutcome = z.infer<typeof funderOutcome>;

/** The funding recommendation: JSON-serialisable, deterministic, ready to be frozen with a hash. */
export const allocationResult = z
  .object({
    mode: fundingMode,
    ties: tieRule,
    reportingCurrency: currencyCode,
    fundableCategories: z.array(z.string()),
    stoppedAtRank: z.number().int().nullable().describe('`no-gaps`: rank of the first unfunded proposal'),
    fundedCount: z.number().int().nonnegative(),
    allocatedReporting: money.describe("Sum of the funders' allocatedReporting"),
    funders: z.array(funderOutcome).describe('By funderId'),
    proposals: z.array(proposalOutcome).describe('By rank'),
  })
  .strict();
export type AllocationResult = z.infer<typeof allocationResult>;
