import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cyclicPageTreePdf,
  deflateBombPdf,
  embeddedFilePdf,
  encryptedPdf,
  heapBombPdf,
  hexEscapedJavaScriptPdf,
  hexEscapedOpenActionPdf,
  htmlNamedPdf,
  javaScriptInObjectStreamPdf,
  launchActionPdf,
  minimalPdf,
  openActionJavaScriptPdf,
  openAtPagePdf,
  overPageLimitPdf,
  pdfThenZipPolyglot,
  truncatedPdf,
  truncatedXrefPdf,
  validPdf,
  validPdfWithXrefTable,
  webLinkPdf,
  zeroPagesPdf,
  zipThenPdfPolyglot,
} from '../testing/index.ts';
import { inspectPdf } from './inspect-pdf.ts';
import { InspectionReadError } from './inspection-pool.ts';
import { type RejectionReason } from './inspection-result.ts';

// Each inspection starts a worker (~0.2-0.5 s on the 2-core machine, more under load).
const SLOW = 30_000;

async function expectRejected(bytes: Uint8Array | Promise<Uint8Array>, reason: RejectionReason, limits = {}) {
  const result = await inspectPdf(await bytes, limits);
  expect(result).toMatchObject({ ok: false, reason });
  return result;
}

describe('inspectPdf accepts ordinary PDFs', () => {
  it(
    'reads page count, version, title and hash of a pdf-lib file with object streams',
    { timeout: SLOW },
    async () => {
      const bytes = await validPdf({ pages: 3, title: 'ACRONYM full proposal' });
      const result = await inspectPdf(bytes);
      expect(result).toEqual({
        ok: true,
        pageCount: 3,
        pdfVersion: '1.7',
        sha256: createHash('sha256').update(bytes).digest('hex'),
        sizeBytes: bytes.length,
        title: 'ACRONYM full proposal',
      });
    },
  );

  it.each([
    ['a classic cross-reference table', () => validPdfWithXrefTable(2), 2],
    ['a hand-written minimal file', () => Promise.resolve(minimalPdf()), 1],
    [
      'an /OpenAction that only opens at page 1 (LaTeX, LibreOffice)',
      () => Promise.resolve(openAtPagePdf()),
      1,
    ],
    ['an ordinary web link', () => Promise.resolve(webLinkPdf()), 1],
  ])('accepts %s', { timeout: SLOW }, async (_label, make, pages) => {
    expect(await inspectPdf(await make())).toMatchObject({ ok: true, pageCount: pages });
  });

  it('accepts exactly the page limit and refuses one page more', { timeout: SLOW }, async () => {
    expect(await inspectPdf(await validPdf({ pages: 5 }), { maxPages: 5 })).toMatchObject({
      ok: true,
      pageCount: 5,
    });
    const over = await expectRejected(overPageLimitPdf(5), 'TOO_MANY_PAGES', { maxPages: 5 });
    expect(over).toMatchObject({ detail: expect.stringContaining('6 pages') });
  });

  it('leaves the caller’s buffer usable (the worker gets a copy)', { timeout: SLOW }, async () => {
    const bytes = minimalPdf();
    const before = Buffer.from(bytes).toString('hex');
    await inspectPdf(bytes);
    expect(Buffer.from(bytes).toString('hex')).toBe(before);
  });
});

describe('inspectPdf reads files by path', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'permed-documents-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('inspects a file on disk', { timeout: SLOW }, async () => {
    const path = join(dir, 'proposal.pdf');
    await writeFile(path, await validPdf({ pages: 2 }));
    expect(await inspectPdf(path)).toMatchObject({ ok: true, pageCount: 2 });
  });

  it('judges by content, not by name: HTML saved as .pdf is refused', async () => {
    const html = htmlNamedPdf();
    const path = join(dir, html.name);
    await writeFile(path, html.bytes);
    await expect(inspectPdf(path)).resolves.toMatchObject({ ok: false, reason: 'NOT_A_PDF' });
  });

  it('refuses a file over the size limit from its size alone', async () => {
    const path = join(dir, 'big.pdf');
    await writeFile(path, Buffer.alloc(2048, 0x20));
    await expect(inspectPdf(path, { maxBytes: 1024 })).resolves.toMatchObject({
      ok: false,
      reason: 'TOO_LARGE',
    });
  });

  it(
    'hashes each file exactly, whatever the worker read before into the buffer it reuses',
    { timeout: SLOW },
    async () => {
      // Larger, then smaller: a reused buffer must never lend a file the tail of the one before.
      const files = [await validPdf({ pages: 30 }), minimalPdf(), await validPdf({ pages: 3 }), minimalPdf()];
      for (const [index, bytes] of files.entries()) {
        const path = join(dir, `sequence-${index}.pdf`);
        await writeFile(path, bytes);
        expect(await inspectPdf(path)).toMatchObject({
          ok: true,
          sizeBytes: bytes.byteLength,
          sha256: createHash('sha256').update(bytes).digest('hex'),
        });
      }
    },
  );

  it('throws when the path cannot be read (an I/O fault, not a verdict on the file)', async () => {
    const reading = inspectPdf(join(dir, 'missing.pdf'));
    await expect(reading).rejects.toBeInstanceOf(InspectionReadError);
    await expect(reading).rejects.toThrow(/ENOENT/);
  });
});

describe('inspectPdf refuses what is not a PDF', () => {
  it.each([
    ['HTML named .pdf', htmlNamedPdf().bytes],
    ['an empty file', new Uint8Array(0)],
    ['a ZIP archive with a PDF after it', zipThenPdfPolyglot()],
    [
      'a PDF header not at byte 0 (readers tolerate it; we do not)',
      Buffer.concat([Buffer.from('\n\n'), minimalPdf()]),
    ],
    [
      'a UTF-8 byte-order mark before the header',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), minimalPdf()]),
    ],
    ['"%PDF-" without a version', Buffer.from('%PDF-x\n%%EOF\n')],
  ])('%s', { timeout: SLOW }, async (_label, bytes) => {
    await expectRejected(new Uint8Array(bytes), 'NOT_A_PDF');
  });

  it('a whole PDF with a ZIP archive appended (a PDF/ZIP polyglot)', { timeout: SLOW }, async () => {
    const result = await expectRejected(pdfThenZipPolyglot(), 'NOT_A_PDF');
    expect(result).toMatchObject({ detail: expect.stringContaining('ZIP') });
  });

  it('refuses bytes over the size limit', async () => {
    await expectRejected(minimalPdf(), 'TOO_LARGE', { maxBytes: 100 });
  });
});

describe('inspectPdf refuses broken files as UNPARSABLE', () => {
  it.each([
    ['cut in the middle of the cross-reference table', () => truncatedXrefPdf()],
    ['cut in half', () => truncatedPdf()],
    ['with no pages', () => Promise.resolve(zeroPagesPdf())],
    ['with a page tree that contains itself', () => Promise.resolve(cyclicPageTreePdf())],
    [
      'with nothing but a header and an end marker',
      () => Promise.resolve(Buffer.from('%PDF-1.7\nstartxref\n0\n%%EOF\n')),
    ],
    [
      'with data after the last %%EOF',
      () => Promise.resolve(Buffer.concat([minimalPdf(), Buffer.from('3 0 obj\n<< /Type /Pa')])),
    ],
  ])('a file %s', { timeout: SLOW }, async (_label, make) => {
    await expectRejected(new Uint8Array(await make()), 'UNPARSABLE');
  });
});

describe('inspectPdf refuses encrypted files', () => {
  it.each([
    ['in a trailer dictionary', encryptedPdf()],
    ['in a cross-reference stream dictionary', encryptedPdf({ xref: 'stream' })],
    ['written with a hex escape (/Encr#79pt)', encryptedPdf({ hexEscaped: true })],
  ])('with /Encrypt %s', { timeout: SLOW }, async (_label, bytes) => {
    await expectRejected(bytes, 'ENCRYPTED');
  });
});

describe('inspectPdf refuses active content', () => {
  it.each([
    ['JavaScript run by /OpenAction', () => Promise.resolve(openActionJavaScriptPdf())],
    ['a /Launch action', () => Promise.resolve(launchActionPdf())],
    [
      '/J#61vaScript and /J#53 (hex escapes pdf-lib decodes)',
      () => Promise.resolve(hexEscapedJavaScriptPdf('upper')),
    ],
    [
      '/#4aava#53cript (lower-case hex escapes pdf-lib leaves alone)',
      () => Promise.resolve(hexEscapedJavaScriptPdf('lower')),
    ],
    ['/Open#41ction opening a tracking address', () => Promise.resolve(hexEscapedOpenActionPdf())],
    ['an embedded executable', () => embeddedFilePdf()],
  ])('%s', { timeout: SLOW }, async (_label, make) => {
    await expectRejected(make(), 'ACTIVE_CONTENT');
  });

  it('finds document JavaScript inside a compressed object stream', { timeout: SLOW }, async () => {
    const bytes = await javaScriptInObjectStreamPdf();
    // The premise: nothing in the raw bytes gives it away.
    expect(Buffer.from(bytes).includes('JavaScript')).toBe(false);
    const result = await expectRejected(bytes, 'ACTIVE_CONTENT');
    expect(result).toMatchObject({ detail: expect.stringContaining('/JavaScript') });
  });

  it('decodes lower-case hex escapes inside a compressed object stream', { timeout: SLOW }, async () => {
    const bytes = hexEscapedJavaScriptPdf('lower', { inObjectStream: true });
    expect(Buffer.from(bytes).includes('#4a')).toBe(false);
    const result = await expectRejected(bytes, 'ACTIVE_CONTENT');
    expect(result).toMatchObject({ detail: expect.stringContaining('JavaScript action') });
  });
});

describe('inspectPdf stays bounded on hostile files', () => {
  it(
    'stops a 1 GiB deflate bomb in an object stream (pdf-lib would inflate it while parsing)',
    { timeout: SLOW },
    async () => {
      const bytes = deflateBombPdf({ location: 'object-stream' });
      expect(bytes.length).toBeLessThan(2 * 1024 * 1024);
      await expectRejected(bytes, 'PARSE_RESOURCE_LIMIT');
    },
  );

  it(
    'stops a 1 GiB deflate bomb in a page content stream (a viewer would inflate it)',
    { timeout: SLOW },
    async () => {
      const result = await expectRejected(
        deflateBombPdf({ location: 'content-stream' }),
        'PARSE_RESOURCE_LIMIT',
      );
      expect(result).toMatchObject({ detail: expect.stringContaining('stream 4 0 R') });
    },
  );

  it('keeps the event loop free while a worker inflates gigabytes', { timeout: SLOW }, async () => {
    // 6 GiB with the decode limit at 5 GiB: about a second of inflating in the worker on an idle
    // machine (3 GiB took 0.76–0.99 s, under the 1 s the check below once asked for).
    const bytes = deflateBombPdf({ location: 'content-stream', inflatedBytes: 6 * 1024 ** 3 });
    const ticks: number[] = [];
    const interval = setInterval(() => ticks.push(performance.now()), 10);
    const started = performance.now();
    try {
      await expectRejected(bytes, 'PARSE_RESOURCE_LIMIT', {
        maxDecodedBytes: 5 * 1024 ** 3,
        timeoutMs: 25_000,
      });
    } finally {
      clearInterval(interval);
    }
    const elapsed = performance.now() - started;
    const gaps = ticks.slice(1).map((at, index) => at - ticks[index]!);
    // Had the parse run on the main thread, one gap would last the whole inspection: long enough
    // (over 600 ms) to stand out against the 500 ms a busy machine may pause the loop anyway.
    expect(elapsed).toBeGreaterThan(600);
    expect(ticks.length).toBeGreaterThan(elapsed / 10 / 4);
    expect(Math.max(...gaps)).toBeLessThan(Math.max(500, elapsed / 4));
  });

  it('terminates a parse that runs past the time limit', { timeout: SLOW }, async () => {
    // 8 GiB of zeros and the decode limit lifted: only the clock stops it.
    const bytes = deflateBombPdf({ location: 'content-stream', inflatedBytes: 8 * 1024 ** 3 });
    const started = performance.now();
    await expectRejected(bytes, 'PARSE_TIMEOUT', {
      timeoutMs: 1_000,
      maxDecodedBytes: Number.MAX_SAFE_INTEGER,
    });
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it(
    'stops a file that floods the heap with parsed objects at the worker heap limit',
    { timeout: SLOW },
    async () => {
      const result = await expectRejected(heapBombPdf(10_000_000), 'PARSE_RESOURCE_LIMIT', {
        maxHeapMb: 64,
        timeoutMs: 25_000,
      });
      expect(result).toMatchObject({ detail: expect.stringContaining('heap') });
    },
  );
});
