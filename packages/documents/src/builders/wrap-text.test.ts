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

  // A real font's width is not always the sum of its characters' (a ligature, a contextual form):
  // here every "ab" is 7 units wider than its letters, so sums underestimate, and the wrapping
  // must notice and measure whole lines instead.
  const contextual = (line: string): number => [...line].length * 5 + 7 * (line.split('ab').length - 1);

  it('stays within the width when widths do not add up', () => {
    expect(wrapText('ababab ab', contextual, 40)).toEqual(['ababa', 'b ab']);
    fc.assert(
      fc.property(
        fc
          .array(fc.constantFrom('a', 'b', 'ab', ' ', 'x', 'abab '), { maxLength: 80 })
          .map((parts) => parts.join('')),
        fc.integer({ min: 12, max: 120 }),
        (text, width) => {
          const lines = wrapText(text, contextual, width);
          for (const line of lines) expect(contextual(line) <= width || [...line].length === 1).toBe(true);
          expect(lines.join('').replace(/ /g, '')).toBe(text.replace(/ /g, ''));
        },
      ),
    );
  });
});
