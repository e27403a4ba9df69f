import { type Money, type OrganisationType, type Partner } from '@permed/domain';

// Intl formatters are costly to build (tens of microseconds); messages are produced for every
// finding of every proposal, so one formatter per currency is kept.
const moneyFormatters = new Map<string, { format: Intl.NumberFormat; digits: number }>();

function moneyFormatter(currency: string) {
  let f = moneyFormatters.get(currency);
  if (!f) {
    const format = new Intl.NumberFormat('en-GB', { style: 'currency', currency });
    f = { format, digits: format.resolvedOptions().maximumFractionDigits ?? 2 };
    moneyFormatters.set(currency, f);
  }
  return f;
}

/** "€300,000.00": integer minor units shown in their currency. */
export function formatAmount(m: Money): string {
  const f = moneyFormatter(m.currency);
  return f.format.format(m.amountMinor / 10 ** f.digits);
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** English country name of an ISO 3166-1 code, falling back to the code. */
export function countryName(code: string): string {
  try {
    return regionNames.of(code) ?? code;
  } catch {
    return code;
  }
}

/** How a partner is named in messages: `p1 (Charité, DE)`. */
export function partnerLabel(p: Partner): string {
  return `${p.id} (${p.organisation.name}, ${p.organisation.country})`;
}

/** "a", "a and b", "a, b and c". */
export function joinAnd(items: readonly string[], conjunction = 'and'): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items.at(-1)}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

const typeNames: Record<OrganisationType, string> = {
  academia: 'academia',
  'clinical-public-health': 'clinical / public-health organisations',
  'company-sme': 'SMEs',
  'company-large': 'large companies',
  'patient-organisation': 'patient organisations',
  other: 'other organisations',
};

export function organisationTypeName(t: OrganisationType): string {
  return typeNames[t];
}

const dateFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

/** "11 Mar 2020 (Europe/Stockholm)" or "12 Mar 2024 14:00 (Europe/Stockholm)". */
export function formatDue(due: { date: string; time?: string | undefined; zone: string }): string {
  const day = dateFormat.format(new Date(`${due.date}T00:00:00Z`));
  return `${day}${due.time ? ` ${due.time}` : ''} (${due.zone})`;
}
