import { type KindHandler } from '../evaluation-state.ts';
import { plural } from '../format.ts';

const atStage = (stage: string) => (stage === 'both' ? '' : ` at the ${stage} stage`);

/** The consortium has at most `max` partners (own-funded included). */
export const maxPartners: KindHandler<'max-partners'> = {
  phase: 'consortium',
  evaluate(rule, state) {
    const { max } = rule.params;
    const count = state.partners.length;
    if (count <= max) return [];
    return [
      {
        partnerIds: [],
        facts: { max, partnerCount: count },
        message: `The consortium has ${plural(count, 'partner')}; at most ${max} are allowed${atStage(rule.stage)}.`,
      },
    ];
  },
  describe(rule) {
    return `The consortium may have at most ${plural(rule.params.max, 'partner')}, own-funded partners included.`;
  },
};
