import type { Money } from '@permed/domain';
import { formatAmount } from './format-amount.ts';

/** A binding funder, as the explanations need it. */
export type ShortfallFacts = {
  acronym: string;
  remaining: Money;
  requested: Money;
  missing: Money;
  maxTopUp: Money | null;
  partners: number;
};

export type TieFacts = { score: number; others: readonly { acronym: string; rank: number }[] };

const listFormats = new Map<string, Intl.ListFormat>();

/** "A", "A and B", "A, B and C" in the locale's words; formats are cached because building one is slow. */
function list(items: readonly string[], locale: string): string {
  let format = listFormats.get(locale);
  if (!format)
    listFormats.set(locale, (format = new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' })));
  return format.format(items);
}

function shortfallClause(s: ShortfallFacts, locale: string): string {
  const who =
    s.partners === 1 ? 'its partner in this proposal requests' : 'its partners in this proposal request';
  return (
    `${s.acronym} has ${formatAmount(s.remaining, locale)} left but ${who} ` +
    `${formatAmount(s.requested, locale)} (${formatAmount(s.missing, locale)} missing)`
  );
}

function tieSentence(tie: TieFacts | null, locale: string): string {
  if (!tie) return '';
  const others = tie.others.map((o) => `${o.acronym} (rank ${o.rank})`);
  return (
    ` It is tied on score ${tie.score} with ${list(others, locale)}; the tie was resolved by funding as many ` +
    'of the tied proposals as the budgets allow.'
  );
}

export function explainFunded(tie: TieFacts | null, locale: string): string {
  return `Funded.${tieSentence(tie, locale)}`;
}

/**
 * e.g. "Not funded: BMBF has EUR 120,000.00 left but its partners in this proposal request EUR 310,000.00
 * (EUR 190,000.00 missing)." Funders that have said they cannot add enough are named after it.
 */
export function explainUnfunded(
  shortfalls: readonly ShortfallFacts[],
  context: { tie: TieFacts | null; stopsWalk: boolean; locale: string },
): string {
  const clauses = shortfalls.map((s) => shortfallClause(s, context.locale)).join('; ');
  const limits = shortfalls
    .filter((s) => s.maxTopUp !== null && s.missing.amountMinor > s.maxTopUp.amountMinor)
    .map(
      (s) =>
        ` ${s.acronym} can add at most ${formatAmount(s.maxTopUp!, context.locale)}, so it is not fundable.`,
    )
    .join('');
  const gap = context.stopsWalk
    ? ' The call allows no gaps in the ranking list, so the walk stops here.'
    : '';
  return `Not funded: ${clauses}.${limits}${tieSentence(context.tie, context.locale)}${gap}`;
}

export function explainNotReached(
  shortfalls: readonly ShortfallFacts[],
  stop: { acronym: string; rank: number },
  locale: string,
): string {
  const needs = shortfalls.map((s) => `${formatAmount(s.missing, locale)} more from ${s.acronym}`);
  return (
    `Not reached: the walk stopped at rank ${stop.rank} (${stop.acronym}) because the call allows no gaps in ` +
    `the ranking list. Funding every proposal down to this one needs ${list(needs, locale)}.`
  );
}

export function explainNotConsidered(category: string, fundable: readonly string[], locale: string): string {
  return (
    `Not considered: category ${category} is not fundable in this call ` +
    `(fundable categories: ${list(fundable, locale)}).`
  );
}
