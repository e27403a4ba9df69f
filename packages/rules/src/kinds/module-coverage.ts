import { expandModuleSelectors, type ModuleSelector } from '@permed/domain';
import { type FindingDraft, type KindHandler } from '../evaluation-state.ts';
import { joinAnd } from '../format.ts';

/** "research area 1 or 2 (1A, 1B, 2A or 2B)" — how a group of alternatives reads. */
export function describeModuleGroup(anyOf: readonly ModuleSelector[]): string {
  const areas = anyOf
    .filter((s) => s.startsWith('RA'))
    .map((s) => s.slice(2))
    .sort();
  const modules = anyOf.filter((s) => !s.startsWith('RA')).sort();
  const parts: string[] = [];
  if (areas.length) parts.push(`research area ${joinAnd(areas, 'or')}`);
  if (modules.length) parts.push(`module ${joinAnd(modules, 'or')}`);
  const head = parts.join(' or ');
  return areas.length ? `${head} (${joinAnd(expandModuleSelectors(anyOf), 'or')})` : head;
}

/** Each group of alternatives is covered by at least one module of the proposal. */
export const moduleCoverage: KindHandler<'module-coverage'> = {
  phase: 'consortium',
  evaluate(rule, state) {
    const findings: FindingDraft[] = [];
    rule.params.groups.forEach((group, index) => {
      const accepted = expandModuleSelectors(group.anyOf);
      if (accepted.some((m) => state.modules.includes(m))) return;
      findings.push({
        partnerIds: [],
        facts: { groupIndex: index, acceptedModules: accepted, proposalModules: [...state.modules] },
        message: `The proposal must include at least one module of ${describeModuleGroup(group.anyOf)}; it has ${joinAnd([...state.modules])}.`,
      });
    });
    return findings;
  },
  describe(rule) {
    const groups = rule.params.groups.map((g) => `at least one module of ${describeModuleGroup(g.anyOf)}`);
    return `The proposal must include ${joinAnd(groups)}.`;
  },
};
