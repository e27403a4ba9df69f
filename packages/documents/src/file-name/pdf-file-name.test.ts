import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pdfFileName } from './pdf-file-name.ts';

// Controls, format characters (bidi, invisible, tags) but ZWNJ/ZWJ, separators, lone surrogates.
const FORBIDDEN = /[\p{Cc}\u2028\u2029]|(?![\u200c\u200d])\p{Cf}|\p{Cs}/u;

// Pieces of hostile names mixed with ordinary text, so that random names hit the edges.
const piece = fc.oneof(
  fc.constantFrom(
    '.',
    '..',
    '/',
    '\\',
    ' ',
    '\t',
    '\u0000',
    '\u0085',
    '\u00ad',
    '\u061c',
    '\u200b',
    '\u200d',
    '\u200e',
    '\u202a',
    '\u202e',
    '\u2066',
    '\u2069',
    '\ufeff',
    '\udb40\udc41',
    '\ud800',
    '\udfff',
    'CON',
    'nul',
    'exe',
    'html',
    '.pdf',
    '.PDF',
    '.html',
    '.exe',
    'pdf',
    '.tar.gz',
    'v1.2',
    '😀',
    '👩‍💻',
    'Łódź',
    'e\u0301',
    '<',
    '"',
    '%22',
    "'",
    ';',
  ),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
);
const hostileName = fc.array(piece, { maxLength: 40 }).map((pieces) => pieces.join(''));
const anyName = fc.oneof(hostileName, fc.string({ unit: 'binary', maxLength: 400 }));

describe('pdfFileName, properties', () => {
  it('always ends in .pdf, with no control, bidi or format character, no path separator, at most 120 bytes', () => {
    fc.assert(
      fc.property(anyName, (name) => {
        const out = pdfFileName(name);
        expect(out.endsWith('.pdf')).toBe(true);
        expect(out.length).toBeGreaterThan('.pdf'.length);
        expect(out).not.toMatch(FORBIDDEN);
        expect(out).not.toMatch(/[/\\]/);
        expect(Buffer.byteLength(out, 'utf8')).toBeLessThanOrEqual(120);
        expect(out.isWellFormed()).toBe(true);
        expect(pdfFileName(out)).toBe(out);
      }),
      { numRuns: 3000 },
    );
  });

  it("keeps the person's base name and puts .pdf in place of the type extension", () => {
    const base = fc.string({
      unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzŁódźŐrüğ0123456789-_ '),
      minLength: 1,
      maxLength: 60,
    });
    const extension = fc.constantFrom('.pdf', '.PDF', '.html', '.exe', '.docx', '.mp4', '');
    fc.assert(
      fc.property(base, extension, (b, e) => {
        const clean = b.trim();
        fc.pre(clean !== '' && !/^(con|prn|aux|nul|com\d|lpt\d)$/i.test(clean));
        expect(pdfFileName(`${b}${e}`)).toBe(`${clean.replace(/\s+/g, ' ')}.pdf`);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('pdfFileName, examples', () => {
  it.each([
    ['x.html', 'x.pdf'],
    ['invoice\u202Efdp.exe', 'invoicefdp.pdf'],
    ['report.PDF', 'report.pdf'],
    ['Proposal v1.2', 'Proposal v1.2.pdf'],
    ['archive.tar.gz', 'archive.tar.pdf'],
    ['polyglot.pdf.html', 'polyglot.pdf.pdf'],
    ['../../etc/passwd', 'passwd.pdf'],
    ['CON.html', '_CON.pdf'],
    ['.html', 'html.pdf'],
    ['', 'document.pdf'],
    ['a\u00adb\u200bc\udb40\udc41.pdf', 'abc.pdf'],
    ['Łódź – Győr.docx', 'Łódź – Győr.pdf'],
  ])('%j is offered as %j', (input, expected) => {
    expect(pdfFileName(input)).toBe(expected);
  });

  it('shortens a long name to 120 bytes, ending in .pdf', () => {
    // The first sanitising cut it to 120 bytes with ".html" (57 × 2 bytes + 5); ".pdf" takes its place.
    expect(pdfFileName(`${'Ł'.repeat(200)}.html`)).toBe(`${'Ł'.repeat(57)}.pdf`);
    expect(pdfFileName(`${'Ł'.repeat(200)}.pdf`)).toBe(`${'Ł'.repeat(58)}.pdf`);
  });
});
