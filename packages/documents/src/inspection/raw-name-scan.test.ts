import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RAW_ACTIVE_NAMES } from './active-content-rules.ts';
import { type RejectedPdf, reject } from './inspection-result.ts';
import { decodeNameText } from './pdf-names.ts';
import { scanRawNames } from './raw-name-scan.ts';

// The scan as first written: a regular expression over a latin1 copy of the file. The byte walk
// that replaced it for speed must answer exactly the same for any input.
// eslint-disable-next-line no-control-regex -- PDF whitespace includes NUL, TAB, LF, FF and CR.
const NAME_TOKEN = /\/([^\x00\x09\x0a\x0c\x0d\x20()<>[\]{}/%]{6,64})/g;
function reference(bytes: Uint8Array): RejectedPdf | undefined {
  const text = Buffer.from(bytes).toString('latin1');
  for (const match of text.matchAll(NAME_TOKEN)) {
    const name = decodeNameText(match[1]!);
    if (name === 'Encrypt') return reject('ENCRYPTED', `an /Encrypt entry at byte ${match.index}`);
    if (RAW_ACTIVE_NAMES.has(name))
      return reject('ACTIVE_CONTENT', `the name /${name} at byte ${match.index}`);
  }
  return undefined;
}

const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const hexEscape = (name: string, every: number) =>
  [...name].map((c, i) => (i % every === 0 ? `#${c.charCodeAt(0).toString(16)}` : c)).join('');

describe('scanRawNames', () => {
  it('finds the names, escaped or not, wherever they are', () => {
    expect(scanRawNames(latin1('1 0 obj << /S /JavaScript >>'))).toMatchObject({ reason: 'ACTIVE_CONTENT' });
    expect(scanRawNames(latin1('trailer << /Encrypt 5 0 R >>'))).toMatchObject({ reason: 'ENCRYPTED' });
    expect(scanRawNames(latin1(`<< /${hexEscape('Launch', 1)} >>`))).toMatchObject({
      reason: 'ACTIVE_CONTENT',
      detail: 'the name /Launch at byte 3',
    });
    expect(scanRawNames(latin1('<< /JavaScriptX /Encrypted /Launc >>'))).toBeUndefined();
  });

  it('answers exactly as the regular-expression scan on any bytes', () => {
    const names = [...RAW_ACTIVE_NAMES, 'Encrypt', 'Type', 'Page', 'JavaScriptX', 'Launc'];
    const piece = fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      fc.constantFrom(...names).map((name) => latin1(`/${name}`)),
      fc
        .tuple(fc.constantFrom(...names), fc.integer({ min: 1, max: 4 }))
        .map(([name, every]) => latin1(`/${hexEscape(name, every)}`)),
      fc.constantFrom(' ', '/', '#', '#4', '(', '\n', '%', '/#4A').map(latin1),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const bytes = Buffer.concat(pieces);
        expect(scanRawNames(bytes)).toEqual(reference(bytes));
      }),
      { numRuns: 3000 },
    );
  });
});
