import fc from 'fast-check';
import { PDFName } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { decodeNameText, readerName } from './pdf-names.ts';

/** Writes every character of `name` as #xx with hex digits in the given case pattern. */
function escapeAll(name: string, upper: readonly boolean[]): string {
  return [...name]
    .map((char, index) => {
      const hex = char.charCodeAt(0).toString(16).padStart(2, '0');
      return `#${upper[index % upper.length] === true ? hex.toUpperCase() : hex.toLowerCase()}`;
    })
    .join('');
}

describe('PDF name decoding', () => {
  it('decodes escapes in either case, as readers do', () => {
    expect(decodeNameText('J#61vaScript')).toBe('JavaScript');
    expect(decodeNameText('#4aava#53cript')).toBe('JavaScript');
    expect(decodeNameText('Open#41ction')).toBe('OpenAction');
  });

  it('sees through any escaping of a name, whatever pdf-lib decoded itself', () => {
    const names = fc.constantFrom(
      'JavaScript',
      'JS',
      'OpenAction',
      'AA',
      'Launch',
      'Encrypt',
      'EmbeddedFile',
    );
    fc.assert(
      fc.property(names, fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), (name, upper) => {
        // PDFName.of is what pdf-lib's parser calls with the raw token text.
        expect(readerName(PDFName.of(escapeAll(name, upper)))).toBe(name);
      }),
    );
  });
});
