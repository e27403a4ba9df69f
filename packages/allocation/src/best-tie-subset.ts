/** Amount each funder is asked for, by funderId, in the funder's currency (minor units). */
export type Needs = ReadonlyMap<string, number>;

export function fits(needs: Needs, remaining: ReadonlyMap<string, number>): boolean {
  for (const [funderId, amount] of needs) if (amount > (remaining.get(funderId) ?? 0)) return false;
  return true;
}

/**
 * Chooses which proposals of one tie group to fund: the largest subset whose needs fit the remaining budgets
 * together; among equally large subsets, the one that keeps the better-ranked proposals (at the first
 * position where two subsets differ, the preferred one contains that proposal). `group` is in rank order;
 * the result is the chosen positions, ascending.
 *
 * Exact depth-first search, "include" before "exclude". That order visits subsets in exactly the preference
 * order above, so the first subset found of a given size is the preferred one and only a strictly larger
 * subset may replace it; branches that cannot beat the best size found are cut. Exponential in the group
 * size in the worst case, which the input schema caps (MAX_TIE_GROUP); real tie groups have 2-5 members.
 */
export function bestTieSubset(group: readonly Needs[], remaining: ReadonlyMap<string, number>): number[] {
  const left = new Map(remaining);
  const chosen: number[] = [];
  let best: number[] = [];

  const visit = (i: number): void => {
    if (chosen.length + (group.length - i) <= best.length) return;
    if (i === group.length) {
      best = [...chosen];
      return;
    }
    const needs = group[i]!;
    if (fits(needs, left)) {
      for (const [funderId, amount] of needs) left.set(funderId, (left.get(funderId) ?? 0) - amount);
      chosen.push(i);
      visit(i + 1);
      chosen.pop();
      for (const [funderId, amount] of needs) left.set(funderId, (left.get(funderId) ?? 0) + amount);
    }
    visit(i + 1);
  };

  visit(0);
  return best;
}
