import { bareRorId, type Partner } from '@permed/domain';
import { eligiblePartners, labels, type FindingDraft, type KindHandler } from '../evaluation-state.ts';
import { plural } from '../format.ts';

function normalisedName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Keys that identify a legal entity: its legal id, its ROR id, or its name within its country. */
function entityKeys(p: Partner): string[] {
  const o = p.organisation;
  const keys = [`name:${o.country}:${normalisedName(o.name)}`];
  if (o.legalEntityId) keys.push(`id:${o.legalEntityId.trim().toLowerCase()}`);
  if (o.rorId) keys.push(`ror:${bareRorId(o.rorId)}`);
  return keys;
}

/** Groups partners that share any identifying key (union-find); groups and members keep input order. */
export function legalEntityGroups(partners: readonly Partner[]): Partner[][] {
  const parent = partners.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const owner = new Map<string, number>();
  partners.forEach((p, i) => {
    for (const k of entityKeys(p)) {
      const j = owner.get(k);
      if (j === undefined) owner.set(k, i);
      else parent[find(i)] = find(j);
    }
  });
  const groups = new Map<number, Partner[]>();
  partners.forEach((p, i) => {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), p]);
  });
  return [...groups.values()];
}

/** Partners are distinct legal entities (all of them, or at least `minDistinctEligible` of the eligible ones). */
export const distinctLegalEntities: KindHandler<'distinct-legal-entities'> = {
  phase: 'consortium',
  evaluate(rule, state) {
    const { minDistinctEligible } = rule.params;
    if (minDistinctEligible === undefined) {
      const findings: FindingDraft[] = [];
      for (const group of legalEntityGroups(state.partners)) {
        if (group.length < 2) continue;
        findings.push({
          partnerIds: group.map((p) => p.id),
          facts: { samePartnerIds: group.map((p) => p.id) },
          message: `${labels(group)} are the same legal entity; partners must be distinct legal entities.`,
        });
      }
      return findings;
    }
    const groups = legalEntityGroups(eligiblePartners(state));
    const duplicates = groups.filter((g) => g.length > 1);
    // Too few eligible partners without any duplicate is the minimum-partners rule's finding, not this one.
    if (groups.length >= minDistinctEligible || duplicates.length === 0) return [];
    const same = duplicates.map((g) => `${labels(g)} are one legal entity`).join('; ');
    return [
      {
        partnerIds: duplicates.flatMap((g) => g.map((p) => p.id)),
        facts: {
          minDistinctEligible,
          distinctEligibleEntities: groups.length,
          sameEntityGroups: duplicates.map((g) => g.map((p) => p.id)),
        },
        message: `At least ${plural(minDistinctEligible, 'independent legal entity', 'independent legal entities')} must be eligible for funding; there ${groups.length === 1 ? 'is' : 'are'} ${groups.length}, as ${same}.`,
      },
    ];
  },
  describe(rule) {
    const n = rule.params.minDistinctEligible;
    return n === undefined
      ? 'All partners must be distinct legal entities.'
      : `Partners eligible for funding must include at least ${plural(n, 'legal entity', 'legal entities')} independent of each other.`;
  },
};
