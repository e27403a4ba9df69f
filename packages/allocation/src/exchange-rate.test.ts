import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { divideRoundHalfUp, exchangeRate, makeConverter, parseDecimal } from './exchange-rate.ts';

describe('parseDecimal', () => {
  it('reads a decimal string as an exact fraction', () => {
    expect(parseDecimal('10.9385')).toEqual({ numerator: 109385n, denominator: 10000n });
    expect(parseDecimal('4')).toEqual({ numerator: 4n, denominator: 1n });
    expect(parseDecimal('0.000001')).toEqual({ numerator: 1n, denominator: 1000000n });
  });
});

describe('divideRoundHalfUp', () => {
  it('rounds to the nearest integer and halves up', () => {
    expect(divideRoundHalfUp(5n, 10n)).toBe(1n); // 0.5 -> 1
    expect(divideRoundHalfUp(4n, 10n)).toBe(0n); // 0.4 -> 0
    expect(divideRoundHalfUp(15n, 10n)).toBe(2n); // 1.5 -> 2 (not to even)
    expect(divideRoundHalfUp(25n, 10n)).toBe(3n); // 2.5 -> 3 (not to even)
    expect(divideRoundHalfUp(249n, 100n)).toBe(2n);
    expect(divideRoundHalfUp(0n, 7n)).toBe(0n);
  });

  it('refuses negative numerators and non-positive denominators', () => {
    expect(() => divideRoundHalfUp(-1n, 2n)).toThrow(RangeError);
    expect(() => divideRoundHalfUp(1n, 0n)).toThrow(RangeError);
  });

  it('is the nearest integer, halves up (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 30n }),
        fc.bigInt({ min: 1n, max: 10n ** 20n }),
        (n, d) => {
          const q = divideRoundHalfUp(n, d);
          // q - 1/2 <= n/d < q + 1/2, i.e. (2q - 1)d <= 2n < (2q + 1)d
          expect((2n * q - 1n) * d <= 2n * n).toBe(true);
          expect(2n * n < (2n * q + 1n) * d).toBe(true);
        },
      ),
    );
  });
});

describe('exchangeRate schema', () => {
  it('accepts positive decimal strings', () => {
    expect(exchangeRate.safeParse({ currency: 'SEK', perReportingUnit: '10.9385' }).success).toBe(true);
    expect(exchangeRate.safeParse({ currency: 'HUF', perReportingUnit: '400' }).success).toBe(true);
  });

  it.each(['0', '0.000', '-1', '1e3', '1,5', '', '.5', '10.'])('rejects %j', (rate) => {
    expect(exchangeRate.safeParse({ currency: 'SEK', perReportingUnit: rate }).success).toBe(false);
  });
});

describe('makeConverter', () => {
  const toEur = makeConverter('EUR', [
    { currency: 'SEK', perReportingUnit: '10.9385' },
    { currency: 'PLN', perReportingUnit: '8' },
    { currency: 'JPY', perReportingUnit: '160' },
    { currency: 'KWD', perReportingUnit: '0.33' },
  ]);

  it('leaves the reporting currency alone', () => {
    expect(toEur({ amountMinor: 12_345, currency: 'EUR' })).toEqual({ amountMinor: 12_345, currency: 'EUR' });
  });

  it('divides by the rate exactly: SEK 109,385.00 at 1 EUR = 10.9385 SEK is EUR 10,000.00', () => {
    expect(toEur({ amountMinor: 10_938_500, currency: 'SEK' })).toEqual({
      amountMinor: 1_000_000,
      currency: 'EUR',
    });
  });

  it('rounds an exact half cent up: PLN 0.04 / 8 = EUR 0.005 -> EUR 0.01', () => {
    expect(toEur({ amountMinor: 4, currency: 'PLN' }).amountMinor).toBe(1);
  });

  it('rounds below half down: PLN 0.03 / 8 = EUR 0.00375 -> EUR 0.00', () => {
    expect(toEur({ amountMinor: 3, currency: 'PLN' }).amountMinor).toBe(0);
  });

  it('rounds once, on the exact value, not per step: SEK 1.00 / 10.9385 = EUR 0.09142… -> EUR 0.09', () => {
    expect(toEur({ amountMinor: 100, currency: 'SEK' }).amountMinor).toBe(9);
  });

  it('handles currencies without minor units (JPY 1 / 160 = EUR 0.00625 -> EUR 0.01)', () => {
    expect(toEur({ amountMinor: 1, currency: 'JPY' }).amountMinor).toBe(1);
    // JPY 1,000,000 / 160 = EUR 6,250.00 exactly
    expect(toEur({ amountMinor: 1_000_000, currency: 'JPY' }).amountMinor).toBe(625_000);
  });

  it('handles three-digit currencies (KWD 1.000 / 0.33 = EUR 3.0303… -> EUR 3.03)', () => {
    expect(toEur({ amountMinor: 1_000, currency: 'KWD' }).amountMinor).toBe(303);
  });

  it('into a reporting currency without minor units (1 JPY = EUR 0.006: EUR 1.00 = JPY 166.67 -> JPY 167)', () => {
    const toJpy = makeConverter('JPY', [{ currency: 'EUR', perReportingUnit: '0.006' }]);
    expect(toJpy({ amountMinor: 100, currency: 'EUR' })).toEqual({ amountMinor: 167, currency: 'JPY' });
  });

  it('throws rather than lose precision when the result leaves the safe integer range', () => {
    const tiny = makeConverter('EUR', [{ currency: 'SEK', perReportingUnit: '0.000001' }]);
    expect(() => tiny({ amountMinor: 10 ** 12, currency: 'SEK' })).toThrow(/too large/);
  });

  it('throws when a currency has no rate', () => {
    expect(() => toEur({ amountMinor: 1, currency: 'USD' })).toThrow(/no exchange rate from USD to EUR/);
  });

  it('is within half a minor unit of the exact value, halves up (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 ** 12 }),
        fc.integer({ min: 1, max: 10 ** 9 }),
        fc.integer({ min: 0, max: 6 }),
        (minor, rateDigits, scale) => {
          fc.pre(rateDigits * 1000 >= 10 ** scale); // rates below 0.001 overflow the safe range here
          const digits = String(rateDigits).padStart(scale + 1, '0');
          const rateText = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
          const convert = makeConverter('EUR', [{ currency: 'SEK', perReportingUnit: rateText }]);
          const q = BigInt(convert({ amountMinor: minor, currency: 'SEK' }).amountMinor);
          // exact EUR cents = minor / rate = minor * 10^scale / rateDigits (both currencies have 2 digits)
          const n = BigInt(minor) * 10n ** BigInt(scale);
          const d = BigInt(rateDigits);
          expect((2n * q - 1n) * d <= 2n * n && 2n * n < (2n * q + 1n) * d).toBe(true);
        },
      ),
    );
  });
});
