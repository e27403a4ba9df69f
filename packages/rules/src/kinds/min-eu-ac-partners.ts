import { eligiblePartners, labels, notEligibleSentence, type KindHandler } from '../evaluation-state.ts';
import { countryName, joinAnd, plural } from '../format.ts';

/** Enough eligible partners come from distinct EU member states or associated countries. */
export const minEuAcPartners: KindHandler<'min-eu-ac-partners'> = {
  phase: 'consortium',
  evaluate(rule, state) {
    const { minPartners, minCountries } = rule.params;
    const inEu = eligiblePartners(state).filter((p) => state.euAssociated.has(p.organisation.country));
    const countries = [...new Set(inEu.map((p) => p.organisation.country))].sort();
    if (inEu.length >= minPartners && countries.length >= minCountries) return [];
    const found = inEu.length
      ? `${plural(inEu.length, 'such partner')} (${labels(inEu)}) from ${joinAnd(countries.map(countryName))}`
      : 'no such partner';
    return [
      {
        partnerIds: [],
        facts: {
          minPartners,
          minCountries,
          euAcPartnerIds: inEu.map((p) => p.id),
          euAcCountries: countries,
        },
        message: `At least ${plural(minPartners, 'partner')} eligible for funding must come from at least ${plural(minCountries, 'different EU member state or associated country', 'different EU member states or associated countries')}; the consortium has ${found}.${notEligibleSentence(state)}`,
      },
    ];
  },
  describe(rule) {
    const { minPartners, minCountries } = rule.params;
    return `At least ${plural(minPartners, 'partner')} eligible for funding must come from at least ${plural(minCountries, 'different EU member state or associated country', 'different EU member states or associated countries')}.`;
  },
};
