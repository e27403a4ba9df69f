import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FALLBACK_FILE_NAME, MAX_FILE_NAME_BYTES, sanitizeFileName } from './sanitize-file-name.ts';

const RESERVED = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])$/i;
const BIDI_AND_INVISIBLE = /[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2069\ufeff]/u;

// Pieces that attack file names, mixed with ordinary ones, so that random names hit the edges.
const piece = fc.oneof(
  fc.constantFrom(
    '..',
    '.',
    '/',
    '\\',
    '../',
    '..\\',
    'C:',
    ':',
    ' ',
    '\t',
    '\n',
    '\u0000',
    '\u007f',
    '\u0085',
    '\u202e',
    '\u202a',
    '\u2066',
    '\u2069',
    '\u200f',
    '\ufeff',
    '\u200b',
    '\ud800',
    '\udfff',
    'CON',
    'con',
    'NUL',
    'aux',
    'COM1',
    'lpt9',
    'com¹',
    'CONIN$',
    '.pdf',
    'pdf',
    'exe',
    'é',
    'e\u0301',
    'Ł',
    'ő',
    'ğ',
    '😀',
    '👩‍💻',
    'क़',
    'ﬁ',
    '<',
    '>',
    '"',
    '|',
    '?',
    '*',
  ),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);
const hostileName = fc.array(piece, { maxLength: 40 }).map((pieces) => pieces.join(''));
const anyName = fc.oneof(hostileName, fc.string({ unit: 'binary', maxLength: 300 }));

describe('sanitizeFileName, properties', () => {
  it('never yields a separator, control, bidi or invisible character', () => {
    fc.assert(
      fc.property(anyName, (name) => {
        const out = sanitizeFileName(name);
        expect(out).not.toMatch(/[/\\]/);
        expect(out).not.toMatch(/\p{Cc}/u);
        expect(out).not.toMatch(BIDI_AND_INVISIBLE);
        expect(out).not.toMatch(/[<>:"|?*]/);
        expect(out.isWellFormed()).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('never yields a reserved Windows device name, an empty name or a dot or space at either end', () => {
    fc.assert(
      fc.property(anyName, (name) => {
        const out = sanitizeFileName(name);
        expect(out.length).toBeGreaterThan(0);
        expect(RESERVED.test(out.split('.')[0]!.trimEnd())).toBe(false);
        expect(out).not.toMatch(/^[\s.]|[\s.]$/u);
      }),
      { numRuns: 2000 },
    );
  });

  it('stays within 120 bytes of UTF-8, in NFC', () => {
    fc.assert(
      fc.property(anyName, (name) => {
        const out = sanitizeFileName(name);
        expect(Buffer.byteLength(out, 'utf8')).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES);
        expect(out.normalize('NFC')).toBe(out);
      }),
      { numRuns: 2000 },
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(anyName, (name) => {
        const once = sanitizeFileName(name);
        expect(sanitizeFileName(once)).toBe(once);
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps a name that is already clean as it is', () => {
    const cleanName = fc
      .string({
        unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzŁódźŐrüğ0123456789-_'),
        minLength: 1,
        maxLength: 60,
      })
      .filter((base) => !RESERVED.test(base));
    fc.assert(
      fc.property(cleanName, (base) => {
        expect(sanitizeFileName(`${base}.pdf`)).toBe(`${base}.pdf`);
      }),
    );
  });
});

describe('sanitizeFileName, examples', () => {
  it.each([
    ['../../etc/passwd', 'passwd'],
    ['..\\..\\Windows\\System32\\cmd.exe', 'cmd.exe'],
    ['C:\\Users\\Ana\\Documents\\CV.pdf', 'CV.pdf'],
    ['/var/tmp/proposal.pdf', 'proposal.pdf'],
    ['C:proposal.pdf', 'C_proposal.pdf'],
    ['CON.pdf', '_CON.pdf'],
    ['con', '_con'],
    ['LPT9.tar.gz', '_LPT9.tar.gz'],
    ['COM¹.pdf', '_COM¹.pdf'],
    ['nul .pdf', '_nul .pdf'],
    ['CONSORTIUM.pdf', 'CONSORTIUM.pdf'],
    ['budget\u202Efdp.exe', 'budgetfdp.exe'],
    ['a\u0000b\u0007c.pdf', 'abc.pdf'],
    ['report.pdf. . .', 'report.pdf'],
    ['.htaccess', 'htaccess'],
    ['   ', FALLBACK_FILE_NAME],
    ['../..', FALLBACK_FILE_NAME],
    ['', FALLBACK_FILE_NAME],
    ['Cafe\u0301 Łódź – Gdańsk, Győr, Ağrı.pdf', 'Café Łódź – Gdańsk, Győr, Ağrı.pdf'],
    ['what?*<>|".pdf', 'what______.pdf'],
  ])('%j becomes %j', (input, expected) => {
    expect(sanitizeFileName(input)).toBe(expected);
  });

  it('shortens a long name to 120 bytes and keeps its extension', () => {
    const out = sanitizeFileName(`${'Ł'.repeat(200)}.pdf`);
    expect(out.endsWith('.pdf')).toBe(true);
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(120);
    // 2 bytes per "Ł": 58 of them and ".pdf" fill 120 bytes.
    expect(out).toBe(`${'Ł'.repeat(58)}.pdf`);
  });

  it('does not split a grapheme cluster when shortening', () => {
    const family = '👩‍👩‍👧';
    const out = sanitizeFileName(`${family.repeat(40)}.pdf`);
    expect(out).toMatch(/^(👩‍👩‍👧)+\.pdf$/u);
  });
});
