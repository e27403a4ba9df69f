import { funderLabel, type Rule } from '@permed/domain';
import { describeRuleKind } from './kinds/index.ts';

const stageText = {
  'pre-proposal': ' (pre-proposal stage)',
  'full-proposal': ' (full-proposal stage)',
  both: '',
} as const;

/** A rule as one readable English sentence, e.g. for the public call page. */
export function describeRule(
  rule: Rule,
  funders: readonly { id: string; acronym: string | null; name: string }[],
): string {
  const byId = new Map(funders.map((f) => [f.id, f]));
  const name = (id: string) => {
    const f = byId.get(id);
    return f ? funderLabel(f) : id;
  };
  const text = describeRuleKind(rule, name);
  const suffix = stageText[rule.stage];
  return suffix ? `${text.replace(/\.$/, '')}${suffix}.` : text;
}
