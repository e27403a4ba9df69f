import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { niceStep } from './bar-chart.ts';
import { formatBytes, formatInstant, formatMoney, formatScore } from './format.ts';

describe('formatMoney', () => {
  it('prints integer minor units exactly, even beyond float precision of the major amount', () => {
    expect(formatMoney({ amountMinor: 9_007_199_254_740_991, currency: 'EUR' })).toBe(
      '€90,071,992,547,409.91',
    );
    expect(formatMoney({ amountMinor: 5, currency: 'EUR' })).toBe('€0.05');
    expect(formatMoney({ amountMinor: 0, currency: 'EUR' })).toBe('€0.00');
    expect(formatMoney({ amountMinor: 1_000, currency: 'JPY' })).toBe('JP¥1,000');
    expect(formatMoney({ amountMinor: 1_234, currency: 'KWD' })).toBe('KWD\u00a01.234');
  });

  it('keeps every digit of the minor units', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (amountMinor) => {
        const digits = formatMoney({ amountMinor, currency: 'EUR' }).replace(/\D/g, '');
        expect(BigInt(digits)).toBe(BigInt(amountMinor));
      }),
    );
  });
});

describe('formatInstant', () => {
  it('shows the second and the zone, across a daylight-saving change', () => {
    expect(formatInstant('2024-03-05T15:59:59Z', 'Europe/Brussels')).toBe('5 March 2024, 16:59:59 CET');
    expect(formatInstant('2024-06-05T15:59:59Z', 'Europe/Brussels')).toBe('5 June 2024, 17:59:59 CEST');
    expect(formatInstant('2024-03-05T15:59:59.999Z')).toBe('5 March 2024, 15:59:59 UTC');
  });
});

describe('small formats', () => {
  it('formats sizes and scores', () => {
    expect(formatBytes(321)).toBe('321 B');
    expect(formatBytes(1_843_211)).toBe('1.8 MiB');
    expect(formatScore(4.5)).toBe('4.5');
    expect(formatScore(4)).toBe('4');
    expect(formatScore(13 / 3)).toBe('4.33');
  });
});

describe('niceStep', () => {
  it('is 1, 2 or 5 times a power of ten and gives at most five intervals', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-3, max: 1e12, noNaN: true }), (max) => {
        const step = niceStep(max);
        const mantissa = step / 10 ** Math.floor(Math.log10(step) + 1e-9);
        expect([1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-6)).toBe(true);
        expect(Math.ceil(max / step - 1e-9)).toBeLessThanOrEqual(5);
      }),
    );
  });

  it('falls back to 1 for an empty chart', () => {
    expect(niceStep(0)).toBe(1);
  });
});
