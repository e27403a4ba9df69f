import { type Partner } from '@permed/domain';
import { type FindingDraft } from '../evaluation-state.ts';
import { partnerLabel } from '../format.ts';

/**
 * Amounts are compared only in one currency: a budget in another currency than the funder's limit
 * is reported, never converted (conversions use the call's announced rates, elsewhere).
 */
export function currencyMismatch(p: Partner, currency: string, funder: string): FindingDraft | undefined {
  if (p.budget.currency === currency) return undefined;
  return {
    partnerIds: [p.id],
    facts: { budgetCurrency: p.budget.currency, limitCurrency: currency },
    message: `${partnerLabel(p)} states its budget in ${p.budget.currency}, but ${funder}'s limit is in ${currency}; state the budget in ${currency}.`,
  };
}
