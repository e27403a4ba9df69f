import type { RankedProposal } from './allocation-input.ts';
import type { Needs } from './best-tie-subset.ts';
import { byCodeUnits } from './by-code-units.ts';

export type FunderNeed = { amount: number; partners: number };

/** What each funder pays for a proposal (own-funded partners cost the call nothing), by funderId. */
export function funderNeeds(proposal: RankedProposal): Map<string, FunderNeed> {
  const needs = new Map<string, FunderNeed>();
  for (const partner of proposal.partners) {
    if (partner.funderId === null) continue;
    const need = needs.get(partner.funderId) ?? { amount: 0, partners: 0 };
    needs.set(partner.funderId, {
      amount: need.amount + partner.requested.amountMinor,
      partners: need.partners + 1,
    });
  }
  // Sorted keys make every later iteration independent of the order partners were listed in.
  return new Map([...needs].sort(([a], [b]) => byCodeUnits(a, b)));
}

/** Just the amounts, for the budget checks. */
export function amounts(needs: ReadonlyMap<string, FunderNeed>): Needs {
  return new Map([...needs].map(([funderId, n]) => [funderId, n.amount]));
}
