import type { ParsedAllocationInput, RankedProposal } from './allocation-input.ts';

/**
 * Considered proposals (fundable categories) in rank order, cut into the groups the walk decides together:
 * runs of equal score under `fund-most`, single proposals under `rank-order`.
 */
export function decisionGroups(input: ParsedAllocationInput): RankedProposal[][] {
  const fundable = new Set(input.fundableCategories);
  const considered = [...input.ranking]
    .sort((a, b) => a.rank - b.rank)
    .filter((p) => fundable.has(p.category));
  if (input.ties === 'rank-order') return considered.map((p) => [p]);
  const groups: RankedProposal[][] = [];
  for (const p of considered) {
    const last = groups.at(-1);
    if (last && last[0]!.score === p.score) last.push(p);
    else groups.push([p]);
  }
  return groups;
}
