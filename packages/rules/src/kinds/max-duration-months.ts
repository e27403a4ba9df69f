import { funderName, labels, partnersInScope, type KindHandler } from '../evaluation-state.ts';

/** The funder pays for projects of at most `max` months. */
export const maxDurationMonths: KindHandler<'max-duration-months'> = {
  phase: 'partner',
  evaluate(rule, state) {
    const { max } = rule.params;
    const partners = partnersInScope(rule, state);
    const months = state.proposal.durationMonths;
    if (!partners.length || months <= max) return [];
    const name = funderName(state, rule.funderId!);
    return [
      {
        partnerIds: partners.map((p) => p.id),
        facts: { max, durationMonths: months },
        message: `The project runs ${months} months; ${name} funds at most ${max} months (${labels(partners)}).`,
      },
    ];
  },
  describe(rule, name) {
    return `${name(rule.funderId!)} funds projects of at most ${rule.params.max} months.`;
  },
};
