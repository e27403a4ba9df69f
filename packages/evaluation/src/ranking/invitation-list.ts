import { type Money, money } from '@permed/domain';
import { z } from 'zod';
import type { Ranking } from './rank-proposals.ts';

export const invitationOptions = z
  .object({
    topN: z.number().int().min(0).optional(),
    /** Minimum total to be invited, on top of the stage's own thresholds. */
    threshold: z.number().min(0).optional(),
    /** E.g. "requested budget of invited proposals ≤ 3 × the available budget" (Horizon Europe two-stage practice). */
    budgetCap: z
      .object({
        requestedBudgetByProposal: z.record(z.string(), money),
        availableBudget: money,
        multiplier: z
          .number()
          .positive()
          .refine((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-9, {
            message: 'must have at most two decimals',
          }),
      })
      .strict()
      .optional(),
  })
  .strict();
export type InvitationOptions = z.infer<typeof invitationOptions>;

export type NotInvitedReason =
  'below-stage-thresholds' | 'below-invitation-threshold' | 'outside-top-n' | 'budget-cap';

export type InvitationList = {
  invited: string[];
  notInvited: { proposalId: string; reason: NotInvitedReason }[];
  /** Sum of the invited proposals' requested budgets, with budgetCap only. */
  requested?: Money;
  cap?: Money;
};

/**
 * Which pre-proposals are invited to the full stage, walking the ranking list in order. Proposals
 * missing a stage threshold are never invited. The budget cap stops the list at the first proposal
 * that would exceed it rather than skipping to a cheaper one below: invitations follow the ranking.
 */
export function invitationList(ranking: Ranking, draft: z.input<typeof invitationOptions>): InvitationList {
  const options = invitationOptions.parse(draft);
  const cap = options.budgetCap;
  if (cap) {
    for (const [id, amount] of Object.entries(cap.requestedBudgetByProposal)) {
      if (amount.currency !== cap.availableBudget.currency) {
        throw new RangeError(
          `requested budget of ${id} is in ${amount.currency}, the available budget in ${cap.availableBudget.currency}`,
        );
      }
    }
  }
  // Integer arithmetic: requested × 100 ≤ available × multiplier-in-hundredths, in BigInt to stay exact for any amount.
  const multiplierHundredths = cap ? BigInt(Math.round(cap.multiplier * 100)) : 0n;
  const available = cap ? BigInt(cap.availableBudget.amountMinor) : 0n;
  const threshold = options.threshold === undefined ? undefined : Math.round(options.threshold * 100);

  const invited: string[] = [];
  const notInvited: InvitationList['notInvited'] = [];
  let requested = 0n;
  let capReached = false;
  for (const entry of ranking.entries) {
    const refuse = (reason: NotInvitedReason) => notInvited.push({ proposalId: entry.proposalId, reason });
    if (!entry.passesThresholds) refuse('below-stage-thresholds');
    else if (threshold !== undefined && Math.round(entry.total * 100) < threshold)
      refuse('below-invitation-threshold');
    else if (options.topN !== undefined && invited.length >= options.topN) refuse('outside-top-n');
    else if (cap) {
      const amount = cap.requestedBudgetByProposal[entry.proposalId];
      if (amount === undefined) throw new RangeError(`no requested budget for ${entry.proposalId}`);
      if (capReached || (requested + BigInt(amount.amountMinor)) * 100n > available * multiplierHundredths) {
        capReached = true;
        refuse('budget-cap');
      } else {
        requested += BigInt(amount.amountMinor);
        invited.push(entry.proposalId);
      }
    } else invited.push(entry.proposalId);
  }
  return {
    invited,
    notInvited,
    ...(cap
      ? {
          requested: { amountMinor: Number(requested), currency: cap.availableBudget.currency },
          cap: {
            amountMinor: Number((available * multiplierHundredths) / 100n),
            currency: cap.availableBudget.currency,
          },
        }
      : {}),
  };
}
