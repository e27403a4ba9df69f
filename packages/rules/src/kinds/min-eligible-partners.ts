import {
  eligiblePartners,
  labels,
  notEligibleFacts,
  notEligibleSentence,
  type KindHandler,
} from '../evaluation-state.ts';
import { plural } from '../format.ts';

/** The consortium has at least `min` partners eligible for funding. */
export const minEligiblePartners: KindHandler<'min-eligible-partners'> = {
  phase: 'consortium',
  evaluate(rule, state) {
    const { min } = rule.params;
    const eligible = eligiblePartners(state);
    if (eligible.length >= min) return [];
    const notEligible = notEligibleFacts(state);
    const have =
      eligible.length === 0
        ? 'none is'
        : `only ${eligible.length} ${eligible.length === 1 ? 'is' : 'are'} (${labels(eligible)})`;
    return [
      {
        partnerIds: notEligible.map((n) => n.partnerId),
        facts: {
          min,
          eligibleCount: eligible.length,
          eligiblePartnerIds: eligible.map((p) => p.id),
          notEligible,
        },
        message: `The call requires at least ${plural(min, 'partner')} eligible for funding; ${have}.${notEligibleSentence(state)}`,
      },
    ];
  },
  describe(rule) {
    return `The consortium must include at least ${plural(rule.params.min, 'partner')} eligible for funding (asking a participating funder and meeting its national rules).`;
  },
};
