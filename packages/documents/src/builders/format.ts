import { type Money, minorUnitDigits } from '@permed/domain';

/**
 * Money shown exactly from its integer minor units: the decimal string goes to Intl as a string,
 * so no float ever stands between the stored amount and the printed one.
 */
export function formatMoney(money: Money, locale = 'en-GB'): string {
  const digits = minorUnitDigits(money.currency);
  const minor = Math.abs(money.amountMinor)
    .toString()
    .padStart(digits + 1, '0');
  const major = digits === 0 ? minor : `${minor.slice(0, -digits)}.${minor.slice(-digits)}`;
  const signed = (money.amountMinor < 0 ? `-${major}` : major) as `${number}`;
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: money.currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(signed);
}

/** A short amount for chart axes ("€1.5M"); charts show proportions, not exact sums. */
export function formatCompactMoney(major: number, currency: string, locale = 'en-GB'): string {
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    notation: 'compact',
    maximumFractionDigits: 1,
  }).format(major);
}

/** Minor units to major units, for drawing only (bar lengths), never for sums or display. */
export function majorUnits(amountMinor: number, currency: string): number {
  return amountMinor / 10 ** minorUnitDigits(currency);
}

/**
 * "5 March 2024, 16:59:58 CET": a recorded instant to the second, in `zone` with the zone's
 * abbreviation or offset, so the deadline side is never in doubt.
 */
export function formatInstant(instant: string, zone = 'UTC'): string {
  const date = new Date(instant);
  const day = new Intl.DateTimeFormat('en-GB', { timeZone: zone, dateStyle: 'long' }).format(date);
  const time = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).format(date);
  return `${day}, ${time}`;
}

/** "5 March 2024": the date of a letter, in the zone it is issued from. */
export function formatDate(instant: string, zone = 'UTC'): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: zone, dateStyle: 'long' }).format(new Date(instant));
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** A consolidated score: whole or half points show as "4" or "4.5"; anything else to two decimals. */
export function formatScore(score: number): string {
  return Number.isInteger(score * 2) ? String(score) : score.toFixed(2);
}
