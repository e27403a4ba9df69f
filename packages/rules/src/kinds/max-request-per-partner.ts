import { budgetTotalMinor } from '@permed/domain';
import { funderName, partnersInScope, type FindingDraft, type KindHandler } from '../evaluation-state.ts';
import { formatAmount, joinAnd, partnerLabel } from '../format.ts';
import { currencyMismatch } from './money-checks.ts';

export function excludingText(excluded: readonly string[] | undefined): string {
  return excluded?.length ? ` (not counting ${joinAnd([...excluded])})` : '';
}

/** Each of the funder's partners requests at most `max`. */
export const maxRequestPerPartner: KindHandler<'max-request-per-partner'> = {
  phase: 'partner',
  evaluate(rule, state) {
    const { max, excludedCategories = [] } = rule.params;
    const name = funderName(state, rule.funderId!);
    const findings: FindingDraft[] = [];
    for (const p of partnersInScope(rule, state)) {
      const mismatch = currencyMismatch(p, max.currency, name);
      if (mismatch) {
        findings.push(mismatch);
        continue;
      }
      const requested = budgetTotalMinor(p.budget, excludedCategories);
      if (requested <= max.amountMinor) continue;
      findings.push({
        partnerIds: [p.id],
        facts: {
          requestedMinor: requested,
          maxMinor: max.amountMinor,
          currency: max.currency,
          excludedCategories,
        },
        message: `${partnerLabel(p)} requests ${formatAmount({ amountMinor: requested, currency: max.currency })}${excludingText(excludedCategories)} from ${name}; ${name} allows at most ${formatAmount(max)} per partner.`,
      });
    }
    return findings;
  },
  describe(rule, name) {
    const { max, excludedCategories } = rule.params;
    return `${name(rule.funderId!)}: each partner may request at most ${formatAmount(max)}${excludingText(excludedCategories)}.`;
  },
};
