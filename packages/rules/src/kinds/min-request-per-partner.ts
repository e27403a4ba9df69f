import { budgetTotalMinor } from '@permed/domain';
import { funderName, partnersInScope, type FindingDraft, type KindHandler } from '../evaluation-state.ts';
import { formatAmount, partnerLabel } from '../format.ts';
import { excludingText } from './max-request-per-partner.ts';
import { currencyMismatch } from './money-checks.ts';

/** Each of the funder's partners requests at least `min` (e.g. VR: 40,000 EUR per Swedish partner). */
export const minRequestPerPartner: KindHandler<'min-request-per-partner'> = {
  phase: 'partner',
  evaluate(rule, state) {
    const { min, excludedCategories = [] } = rule.params;
    const name = funderName(state, rule.funderId!);
    const findings: FindingDraft[] = [];
    for (const p of partnersInScope(rule, state)) {
      const mismatch = currencyMismatch(p, min.currency, name);
      if (mismatch) {
        findings.push(mismatch);
        continue;
      }
      const requested = budgetTotalMinor(p.budget, excludedCategories);
      if (requested >= min.amountMinor) continue;
      findings.push({
        partnerIds: [p.id],
        facts: {
          requestedMinor: requested,
          minMinor: min.amountMinor,
          currency: min.currency,
          excludedCategories,
        },
        message: `${partnerLabel(p)} requests ${formatAmount({ amountMinor: requested, currency: min.currency })}${excludingText(excludedCategories)} from ${name}; ${name} requires at least ${formatAmount(min)} per partner.`,
      });
    }
    return findings;
  },
  describe(rule, name) {
    const { min, excludedCategories } = rule.params;
    return `${name(rule.funderId!)}: each partner must request at least ${formatAmount(min)}${excludingText(excludedCategories)}.`;
  },
};
