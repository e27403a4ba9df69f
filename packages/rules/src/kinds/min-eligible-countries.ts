import {
  eligiblePartners,
  notEligibleFacts,
  notEligibleSentence,
  type KindHandler,
} from '../evaluation-state.ts';
import { countryName, joinAnd, plural } from '../format.ts';

/** Partners eligible for funding come from at least `min` different participating countries. */
export const minEligibleCountries: KindHandler<'min-eligible-countries'> = {
  phase: 'consortium',
  evaluate(rule, state) {
    const { min } = rule.params;
    const countries = [...new Set(eligiblePartners(state).map((p) => p.organisation.country))].sort();
    if (countries.length >= min) return [];
    const notEligible = notEligibleFacts(state);
    const from = countries.length ? `: ${joinAnd(countries.map(countryName))}` : '';
    return [
      {
        partnerIds: notEligible.map((n) => n.partnerId),
        facts: { min, countryCount: countries.length, countries, notEligible },
        message: `Partners eligible for funding must come from at least ${plural(min, 'country', 'countries')}; they come from ${plural(countries.length, 'country', 'countries')}${from}.${notEligibleSentence(state)}`,
      },
    ];
  },
  describe(rule) {
    return `Partners eligible for funding must come from at least ${plural(rule.params.min, 'different participating country', 'different participating countries')}.`;
  },
};
