import { expandModuleSelectors } from '@permed/domain';
import { funderName, labels, partnersInScope, type KindHandler } from '../evaluation-state.ts';
import { joinAnd } from '../format.ts';
import { describeModuleGroup } from './module-coverage.ts';

/** The funder does not pay for work in some modules (e.g. NCBR and research area 3 in JTC2021). */
export const excludedModules: KindHandler<'excluded-modules'> = {
  phase: 'partner',
  evaluate(rule, state) {
    const partners = partnersInScope(rule, state);
    if (!partners.length) return [];
    const excluded = expandModuleSelectors(rule.params.modules).filter((m) => state.modules.includes(m));
    if (!excluded.length) return [];
    const name = funderName(state, rule.funderId!);
    return [
      {
        partnerIds: partners.map((p) => p.id),
        facts: { excludedModules: excluded },
        message: `${name} does not fund work in module ${joinAnd(excluded)}, which this proposal includes; ${labels(partners)} must cover ${partners.length === 1 ? 'its' : 'their'} tasks there from other resources.`,
      },
    ];
  },
  describe(rule, name) {
    return `${name(rule.funderId!)} does not fund work in ${describeModuleGroup(rule.params.modules)}; its partners cover such tasks from other resources.`;
  },
};
