import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { decimalAmount, toCsv } from './csv.ts';

describe('toCsv', () => {
  it('round-trips quotes, commas, new lines and Unicode, with CRLF line ends', () => {
    const text = toCsv(['name', 'note'], [['Uniwersytet Medyczny w Łodzi', 'says "hi", then\nleaves']]);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(parse(text, { columns: true })).toEqual([
      { name: 'Uniwersytet Medyczny w Łodzi', note: 'says "hi", then\nleaves' },
    ]);
  });

  it('neutralises cells a spreadsheet would run as formulas, but not numbers', () => {
    const rows = parse(toCsv(['a', 'b', 'c', 'd'], [['=1+1', '@SUM(A1)', '-2+3', -5]]), { columns: true });
    expect(rows).toEqual([{ a: "'=1+1", b: "'@SUM(A1)", c: "'-2+3", d: '-5' }]);
  });
});

describe('decimalAmount', () => {
  it('prints minor units exactly in the currency’s digits', () => {
    expect(decimalAmount(5, 'EUR')).toBe('0.05');
    expect(decimalAmount(123_456_789_012_345, 'EUR')).toBe('1234567890123.45');
    expect(decimalAmount(1500, 'JPY')).toBe('1500');
  });
});
