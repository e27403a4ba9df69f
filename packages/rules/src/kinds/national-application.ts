import { funderName, labels, partnersInScope, type KindHandler } from '../evaluation-state.ts';
import { formatDue } from '../format.ts';

const what = {
  'parallel-application': 'a parallel national application',
  'pre-eligibility-check': 'a national pre-eligibility check',
  'additional-form': 'an additional national form',
} as const;

/** The funder's partners must also act nationally (parallel application, pre-check, extra form). */
export const nationalApplication: KindHandler<'national-application'> = {
  phase: 'partner',
  evaluate(rule, state) {
    const partners = partnersInScope(rule, state);
    if (!partners.length) return [];
    const { requirement, system, description, due } = rule.params;
    const name = funderName(state, rule.funderId!);
    return [
      {
        partnerIds: partners.map((p) => p.id),
        facts: { requirement, system: system ?? null, due: due ?? null },
        message: `${name} requires ${what[requirement]}${system ? ` in ${system}` : ''} from ${labels(partners)}${due ? `, due ${formatDue(due)}` : ''}: ${description}`,
      },
    ];
  },
  describe(rule, name) {
    const { requirement, system, description, due } = rule.params;
    return `${name(rule.funderId!)} requires ${what[requirement]}${system ? ` in ${system}` : ''}${due ? `, due ${formatDue(due)}` : ''}: ${description}`;
  },
};
