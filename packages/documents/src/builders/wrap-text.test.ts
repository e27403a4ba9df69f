import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wrapText } from './wrap-text.ts';

// A monospace measure keeps the expectations independent of any font.
const measure = (line: string): number => [...line].length * 5;

describe('wrapText', () => {
  it('breaks at spaces and keeps line breaks', () => {
    expect(wrapText('aa bb cc\ndd', measure, 25)).toEqual(['aa bb', 'cc', 'dd']);
  });

  it('breaks a word longer than the line between characters', () => {
    expect(wrapText('abcdefghij', measure, 20)).toEqual(['abcd', 'efgh', 'ij']);
  });

  it('keeps an empty paragraph as an empty line', () => {
    expect(wrapText('a\n\nb', measure, 100)).toEqual(['a', '', 'b']);
  });

  it('never makes a line wider than allowed, unless it holds a single character', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 300 }),
        fc.integer({ min: 5, max: 200 }),
        (text, width) => {
          for (const line of wrapText(text, measure, width)) {
            expect(measure(line) <= width || [...new Intl.Segmenter().segment(line)].length === 1).toBe(true);
          }
        },
      ),
    );
  });

  it('loses and reorders no text: the lines hold the same non-space characters in order', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 300 }),
        fc.integer({ min: 5, max: 200 }),
        (text, width) => {
          const strip = (value: string): string => value.replace(/[ \t\r\n]/g, '');
          expect(strip(wrapText(text, measure, width).join(''))).toBe(strip(text));
        },
      ),
    );
  });
});
