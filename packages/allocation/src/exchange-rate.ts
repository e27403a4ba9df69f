import { currencyCode, minorUnitDigits, type Money } from '@permed/domain';
import { z } from 'zod';

/**
 * A fixed exchange rate of the call, quoted the way the ECB and the euro conversion rules quote it:
 * one unit of the reporting currency buys `perReportingUnit` units of `currency`
 * (e.g. `{ currency: 'SEK', perReportingUnit: '10.9385' }` means 1 EUR = 10.9385 SEK).
 *
 * The rate is a decimal string, not a JS number, so it is an exact rational: "10.9385" is 109385/10000.
 */
export const exchangeRate = z
  .object({
    currency: currencyCode,
    perReportingUnit: z
      .string()
      .regex(/^\d{1,12}(\.\d{1,12})?$/, 'must be a decimal number such as "10.9385"')
      .refine((s) => /[1-9]/.test(s), { message: 'must be greater than zero' })
      .describe('Units of `currency` per one unit of the reporting currency, as an exact decimal'),
  })
  .strict()
  .describe('Fixed exchange rate announced for the call (reporting only, never used for decisions)');
export type ExchangeRate = z.infer<typeof exchangeRate>;

/** An exact non-negative rational number. */
export type Rational = { readonly numerator: bigint; readonly denominator: bigint };

export function parseDecimal(decimal: string): Rational {
  const [whole = '0', fraction = ''] = decimal.split('.');
  return { numerator: BigInt(whole + fraction), denominator: 10n ** BigInt(fraction.length) };
}

/**
 * numerator / denominator rounded to the nearest integer, halves rounded up.
 * Only defined for non-negative numerators (money here is never negative), where "half up" and
 * "half away from zero" coincide: the rule of Regulation (EC) No 1103/97, art. 5, for euro conversions.
 */
export function divideRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (numerator < 0n || denominator <= 0n)
    throw new RangeError('divideRoundHalfUp needs numerator >= 0 and denominator > 0');
  return (2n * numerator + denominator) / (2n * denominator);
}

/** Converts an amount into the reporting currency. */
export type Converter = (amount: Money) => Money;

/**
 * Builds the converter for a call's reporting currency and fixed rates.
 *
 * Rounding rule: the exact value amount / rate is computed with integers and rounded ONCE, half up, to the
 * reporting currency's minor unit. The rate is always divided by, never replaced by a rounded inverse
 * (1103/97 art. 4 forbids inverse rates for the same reason: they do not round-trip).
 * Amounts already in the reporting currency are returned unchanged.
 */
export function makeConverter(reportingCurrency: string, rates: readonly ExchangeRate[]): Converter {
  const byCurrency = new Map<string, Rational>(
    rates.map((r) => [r.currency, parseDecimal(r.perReportingUnit)]),
  );
  const reportingScale = 10n ** BigInt(minorUnitDigits(reportingCurrency));
  const scales = new Map<string, bigint>();
  const scaleOf = (currency: string) => {
    let scale = scales.get(currency);
    if (scale === undefined) scales.set(currency, (scale = 10n ** BigInt(minorUnitDigits(currency))));
    return scale;
  };
  return (amount) => {
    if (amount.currency === reportingCurrency)
      return { amountMinor: amount.amountMinor, currency: reportingCurrency };
    const rate = byCurrency.get(amount.currency);
    if (!rate) throw new RangeError(`no exchange rate from ${amount.currency} to ${reportingCurrency}`);
    const sourceScale = scaleOf(amount.currency);
    // amountMinor / sourceScale units of the source currency, divided by (numerator / denominator) source
    // units per reporting unit, times reportingScale minor units per reporting unit.
    const converted = divideRoundHalfUp(
      BigInt(amount.amountMinor) * rate.denominator * reportingScale,
      sourceScale * rate.numerator,
    );
    if (converted > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('converted amount is too large');
    return { amountMinor: Number(converted), currency: reportingCurrency };
  };
}
