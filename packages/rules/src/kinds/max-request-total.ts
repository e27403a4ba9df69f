import { budgetTotalMinor } from '@permed/domain';
import {
  funderName,
  labels,
  partnersInScope,
  type FindingDraft,
  type KindHandler,
} from '../evaluation-state.ts';
import { formatAmount, joinAnd, plural } from '../format.ts';
import { excludingText } from './max-request-per-partner.ts';
import { currencyMismatch } from './money-checks.ts';

type Tier = { fromPartners: number; max: { amountMinor: number; currency: string } };

/** The tier that applies to `n` partners: the largest `fromPartners` not above n, if any. */
export function applicableTier(tiers: readonly Tier[], n: number): Tier | undefined {
  let best: Tier | undefined;
  for (const t of tiers) if (t.fromPartners <= n && (!best || t.fromPartners > best.fromPartners)) best = t;
  return best;
}

function whenText(t: Tier): string {
  return t.fromPartners === 1
    ? 'for its partners in one project'
    : `when ${t.fromPartners} or more of its partners are in one consortium`;
}

/** All of the funder's partners in one project together request at most the applicable tier's cap. */
export const maxRequestTotal: KindHandler<'max-request-total'> = {
  phase: 'partner',
  evaluate(rule, state) {
    const { tiers, excludedCategories = [] } = rule.params;
    const name = funderName(state, rule.funderId!);
    const partners = partnersInScope(rule, state);
    const tier = applicableTier(tiers, partners.length);
    if (!tier) return [];
    const mismatches = partners.flatMap((p) => currencyMismatch(p, tier.max.currency, name) ?? []);
    if (mismatches.length) return mismatches;
    let total = 0;
    for (const p of partners) total += budgetTotalMinor(p.budget, excludedCategories);
    if (total <= tier.max.amountMinor) return [];
    const finding: FindingDraft = {
      partnerIds: partners.map((p) => p.id),
      facts: {
        partnerCount: partners.length,
        tierFromPartners: tier.fromPartners,
        totalMinor: total,
        maxMinor: tier.max.amountMinor,
        currency: tier.max.currency,
        excludedCategories,
      },
      message: `${plural(partners.length, 'partner')} funded by ${name} (${labels(partners)}) request ${formatAmount({ amountMinor: total, currency: tier.max.currency })} in total${excludingText(excludedCategories)}; ${name} allows at most ${formatAmount(tier.max)} in total ${whenText(tier)}.`,
    };
    return [finding];
  },
  describe(rule, name) {
    const { tiers, excludedCategories } = rule.params;
    const sorted = [...tiers].sort((a, b) => a.fromPartners - b.fromPartners);
    const excluding = excludingText(excludedCategories);
    const [only] = sorted;
    if (only && sorted.length === 1) {
      return only.fromPartners === 1
        ? `${name(rule.funderId!)}: its partners in one project may request at most ${formatAmount(only.max)} in total${excluding}.`
        : `${name(rule.funderId!)}: when ${only.fromPartners} or more of its partners are in one consortium, they may request at most ${formatAmount(only.max)} in total${excluding}.`;
    }
    const options = sorted.map(
      (t) =>
        `${formatAmount(t.max)} with ${t.fromPartners === 1 ? '1 partner' : `${t.fromPartners} or more partners`}`,
    );
    return `${name(rule.funderId!)}: its partners in one project may request at most ${joinAnd(options, 'or')} in total${excluding}.`;
  },
};
