import { minorUnitDigits, type Money } from '@permed/domain';

/**
 * Formats money for people, with the ISO code ("EUR 120,000.00"), in the given locale.
 *
 * The amount is handed to Intl.NumberFormat as an exact decimal string built from the integer minor units,
 * so no float division ever touches it (a float would misprint amounts above 2^53 / 100).
 * Intl puts a no-break space between the code and the number so a sentence never wraps inside an amount.
 */
export function formatAmount(amount: Money, locale = 'en-GB'): string {
  const { format, digits } = formatter(locale, amount.currency);
  const minor = String(amount.amountMinor).padStart(digits + 1, '0');
  const decimal = digits === 0 ? minor : `${minor.slice(0, -digits)}.${minor.slice(-digits)}`;
  return format.format(decimal as Intl.StringNumericLiteral);
}

// Building an Intl.NumberFormat costs far more than using one; a call has a handful of currencies.
const formatters = new Map<string, { format: Intl.NumberFormat; digits: number }>();

function formatter(locale: string, currency: string) {
  const key = `${locale}|${currency}`;
  let entry = formatters.get(key);
  if (!entry) {
    entry = {
      format: new Intl.NumberFormat(locale, { style: 'currency', currency, currencyDisplay: 'code' }),
      digits: minorUnitDigits(currency),
    };
    formatters.set(key, entry);
  }
  return entry;
}
