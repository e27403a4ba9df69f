// Money in the workspace: integer minor units and an ISO 4217 currency, never floats. A person
// types major units ("120000.50"); the page turns the text into minor units by its digits.

/** How many minor digits a currency has (EUR 2, HUF 2 by ISO 4217, JPY 0), as Intl knows it. */
export function minorDigits(currency: string): number {
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2
    );
  } catch {
    return 2;
  }
}

/**
 * "120000.5" or "120 000,50" → 12000050 (for 2 digits); null when the text is no amount or has more
 * decimals than the currency. Spaces and apostrophes group thousands; one "," or "." is the decimal mark.
 */
export function parseAmount(text: string, digits: number): number | null {
  const compact = text.trim().replace(/[\s\u00a0\u202f']/g, '');
  if (compact === '') return 0;
  const match = /^(\d+)(?:[.,](\d*))?$/.exec(compact);
  if (!match) return null;
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? '';
  if (fraction.length > digits) return null;
  const minor = BigInt(whole) * 10n ** BigInt(digits) + BigInt(fraction.padEnd(digits, '0') || '0');
  return minor > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(minor);
}

/** Minor units back to the plain text a person edits ("120000.5" → "120000.50"). */
export function amountText(minor: number, digits: number): string {
  if (digits === 0) return String(minor);
  const s = String(minor).padStart(digits + 1, '0');
  return `${s.slice(0, -digits)}.${s.slice(-digits)}`;
}

/**
 * An amount in the call's reporting currency at the call's fixed rate (1 reporting unit = `rate`
 * units of the currency, a decimal string): computed on integers and rounded once, half up, as
 * the euro conversion rules (Regulation 1103/97) ask. Null when the call fixed no rate for it.
 */
export function toReporting(
  amountMinor: number,
  currency: string,
  reportingCurrency: string,
  rates: readonly { currency: string; rate: string }[],
): number | null {
  if (currency === reportingCurrency) return amountMinor;
  const rate = rates.find((r) => r.currency === currency)?.rate;
  if (!rate || !/^\d+(\.\d+)?$/.test(rate)) return null;
  const [whole = '0', fraction = ''] = rate.split('.');
  const numerator = BigInt(whole + fraction);
  if (numerator === 0n) return null;
  const denominator = 10n ** BigInt(fraction.length);
  const top = BigInt(amountMinor) * denominator * 10n ** BigInt(minorDigits(reportingCurrency));
  const bottom = 10n ** BigInt(minorDigits(currency)) * numerator;
  return Number((2n * top + bottom) / (2n * bottom));
}

/** Length as the call counts it: Unicode code points, not UTF-16 units ("😀" is one). */
export function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}
