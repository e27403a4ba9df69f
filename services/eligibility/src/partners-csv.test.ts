import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { decimalAmount, neutraliseFormula } from './partners-csv.ts';

describe('decimalAmount', () => {
  it('writes minor units as an exact decimal in the currency’s digits', () => {
    expect(decimalAmount(29_000_000, 'EUR')).toBe('290000.00');
    expect(decimalAmount(5, 'EUR')).toBe('0.05');
    expect(decimalAmount(0, 'EUR')).toBe('0.00');
    expect(decimalAmount(1234, 'JPY')).toBe('1234');
    expect(decimalAmount(1234, 'BHD')).toBe('1.234');
  });
  it('round-trips every integer amount exactly (no float)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (n) => {
        expect(
          decimalAmount(n, 'EUR')
            .replace('.', '')
            .replace(/^0+(?=\d)/, ''),
        ).toBe(String(n));
      }),
    );
  });
});

describe('neutraliseFormula', () => {
  it('prefixes text that a spreadsheet would run as a formula', () => {
    for (const v of ['=1+1', '+49 30', '-2', '@SUM(A1)', '\tx', '\rx'])
      expect(neutraliseFormula(v)).toBe(`'${v}`);
    for (const v of ['Charité', '', 'a=b']) expect(neutraliseFormula(v)).toBe(v);
  });
});

describe('CSV quoting', () => {
  it('parses back any text the writer was given (commas, quotes, line breaks, non-ASCII)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }), { minLength: 1, maxLength: 5 }), (cells) => {
        const text = stringify([cells], { bom: true, record_delimiter: 'windows', quoted_match: /^\s|\s$/ });
        const back: string[][] = parse(text, { bom: true, relax_column_count: true });
        expect(back[0]).toEqual(cells);
      }),
    );
  });
});
