import { funderName, labels, partnersInScope, type KindHandler } from '../evaluation-state.ts';
import { plural } from '../format.ts';

/** At most `max` partners of one consortium ask this funder (e.g. VR: two Swedish project leaders). */
export const maxFunderPartners: KindHandler<'max-funder-partners'> = {
  phase: 'partner',
  evaluate(rule, state) {
    const { max } = rule.params;
    const partners = partnersInScope(rule, state);
    if (partners.length <= max) return [];
    const name = funderName(state, rule.funderId!);
    return [
      {
        partnerIds: partners.map((p) => p.id),
        facts: { max, partnerCount: partners.length },
        message: `${plural(partners.length, 'partner')} ask ${name} (${labels(partners)}); ${name} funds at most ${plural(max, 'partner')} per consortium.`,
      },
    ];
  },
  describe(rule, name) {
    return `${name(rule.funderId!)} funds at most ${plural(rule.params.max, 'partner')} per consortium.`;
  },
};
