import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { amountText, codePoints, parseAmount, toReporting } from '../app/features/workspace/money.ts';

describe('parseAmount', () => {
  it('reads major units into minor units without floats', () => {
    expect(parseAmount('120000.5', 2)).toBe(12_000_050);
    expect(parseAmount('120 000,50', 2)).toBe(12_000_050);
    expect(parseAmount('0.1', 2)).toBe(10);
    expect(parseAmount('', 2)).toBe(0);
    expect(parseAmount('1.234', 2)).toBeNull();
    expect(parseAmount('-5', 2)).toBeNull();
    expect(parseAmount('1e5', 2)).toBeNull();
    expect(parseAmount('99999999999999999', 2)).toBeNull();
  });

  it('round-trips with amountText for any amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom(0, 2, 3), (n, d) => {
        expect(parseAmount(amountText(n, d), d)).toBe(n);
      }),
    );
  });
});

describe('toReporting', () => {
  const rates = [
    { currency: 'PLN', rate: '4.4373' },
    { currency: 'NOK', rate: '10.5' },
  ];
  it('divides by the fixed rate and rounds once, half up', () => {
    // 100 000.00 PLN / 4.4373 = 22 536.226… EUR → 22 536.23
    expect(toReporting(10_000_000, 'PLN', 'EUR', rates)).toBe(2_253_623);
    expect(toReporting(5_000, 'EUR', 'EUR', rates)).toBe(5_000);
    expect(toReporting(100, 'DKK', 'EUR', rates)).toBeNull();
  });
  it('is exact: converting a whole multiple of the rate gives the whole amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (eurMinor) => {
        // eurMinor cents × 10.5 = NOK øre (both have 2 minor digits): exactly eurMinor back
        expect(toReporting(eurMinor * 21, 'NOK', 'EUR', rates)).toBe(eurMinor * 2);
      }),
    );
  });
});

describe('codePoints', () => {
  it('counts code points, as the call does', () => {
    expect(codePoints('abc')).toBe(3);
    expect(codePoints('😀é')).toBe(2);
    expect('😀'.length).toBe(2);
  });
});
