import { describe, expect, it } from 'vitest';
import { formatAmount } from './format-amount.ts';

const NBSP = '\u00a0';

describe('formatAmount', () => {
  it('shows the ISO code, grouping and the minor digits, joined by a no-break space', () => {
    expect(formatAmount({ amountMinor: 12_000_000, currency: 'EUR' })).toBe(`EUR${NBSP}120,000.00`);
  });

  it('pads small amounts', () => {
    expect(formatAmount({ amountMinor: 5, currency: 'EUR' })).toBe(`EUR${NBSP}0.05`);
    expect(formatAmount({ amountMinor: 0, currency: 'PLN' })).toBe(`PLN${NBSP}0.00`);
  });

  it('follows the currency minor units (JPY 0, KWD 3)', () => {
    expect(formatAmount({ amountMinor: 1_234, currency: 'JPY' })).toBe(`JPY${NBSP}1,234`);
    expect(formatAmount({ amountMinor: 1_234_567, currency: 'KWD' })).toBe(`KWD${NBSP}1,234.567`);
  });

  it('stays exact where a float division would not', () => {
    expect(formatAmount({ amountMinor: Number.MAX_SAFE_INTEGER, currency: 'EUR' })).toBe(
      `EUR${NBSP}90,071,992,547,409.91`,
    );
  });

  it('uses the locale for separators', () => {
    expect(formatAmount({ amountMinor: 12_000_050, currency: 'EUR' }, 'de-DE')).toBe(`120.000,50${NBSP}EUR`);
  });
});
