import { describe, expect, it } from 'vitest';
import { inspectPdf } from '../inspection/inspect-pdf.ts';
import { hex, readPdf, receiptInput } from '../testing/index.ts';
import { buildSubmissionReceipt } from './build-submission-receipt.ts';

const compact = (text: string): string => text.replace(/\s+/g, '');

describe('buildSubmissionReceipt', () => {
  it('states what was received, which version and when, in UTC and in the call zone', async () => {
    const pdf = await readPdf(await buildSubmissionReceipt(receiptInput()));
    expect(pdf.pageCount).toBe(1);
    expect(pdf.text).toContain('Submission receipt');
    expect(pdf.text).toContain('EP PerMed Joint Transnational Call 2024');
    expect(pdf.text).toContain('PGX-GUIDE');
    expect(pdf.text).toContain('JTC2024-0042');
    expect(pdf.text).toContain('5 March 2024, 15:59:58 UTC');
    // Brussels is UTC+1 in March: the receipt shows the second on both sides of the deadline.
    expect(pdf.text).toContain('5 March 2024, 16:59:58');
    expect(pdf.text).toContain('Europe/Brussels');
    expect(pdf.text).toContain('pre-proposal-Wróbel.pdf');
    expect(pdf.text).toContain('letters-of-support.pdf');
    expect(pdf.text).toContain('1.8 MiB');
    // Hashes wrap in their column; whitespace removed they read as one.
    expect(compact(pdf.text)).toContain(hex('a'));
    expect(compact(pdf.text)).toContain(hex('b'));
    expect(compact(pdf.text)).toContain(hex('c'));
  });

  it('writes Polish, Hungarian and Turkish names as they are', async () => {
    const pdf = await readPdf(await buildSubmissionReceipt(receiptInput()));
    expect(pdf.text).toContain('Łukasz Wróbel');
    expect(pdf.text).toContain('Uniwersytet Medyczny w Łodzi');
    expect(pdf.text).toContain('Łódź, Győr and Ağrı');
  });

  it('replaces characters the font cannot draw instead of failing', async () => {
    const bytes = await buildSubmissionReceipt(
      receiptInput({ coordinator: { name: '李雷 Ştefan\u202e', organisation: 'Universitatea din Iași' } }),
    );
    const pdf = await readPdf(bytes);
    expect(pdf.text).toContain('?? Ştefan');
    expect(pdf.text).toContain('Iași');
    expect(pdf.text).not.toContain('\u202e');
  });

  it('sets the document metadata from the data, not the clock', async () => {
    const pdf = await readPdf(await buildSubmissionReceipt(receiptInput()));
    expect(pdf.info.title).toBe('Submission receipt – PGX-GUIDE version 3');
    expect(pdf.info.author).toBe('PerMed Calls');
    expect(pdf.info.subject).toContain('PGX-GUIDE');
    expect(pdf.info.creationDate).toMatch(/^D:20240305155958/);
    expect(pdf.info.modDate).toMatch(/^D:20240305155958/);
  });

  it('is deterministic: the same data gives the same bytes', async () => {
    const first = await buildSubmissionReceipt(receiptInput());
    const second = await buildSubmissionReceipt(receiptInput());
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
    const later = await buildSubmissionReceipt(receiptInput({ submittedAtUtc: '2024-03-05T15:59:59Z' }));
    expect(Buffer.from(first).equals(Buffer.from(later))).toBe(false);
  });

  it('says so when no document was attached', async () => {
    const pdf = await readPdf(await buildSubmissionReceipt(receiptInput({ documents: [] })));
    expect(pdf.text).toContain('No document was attached');
  });

  it('refuses invalid data', async () => {
    await expect(buildSubmissionReceipt(receiptInput({ sha256: 'not-a-hash' }))).rejects.toThrow(/SHA-256/);
    await expect(buildSubmissionReceipt(receiptInput({ version: 0 }))).rejects.toThrow();
    await expect(buildSubmissionReceipt(receiptInput({ zone: 'Mars/Olympus' }))).rejects.toThrow();
  });

  it('produces a PDF that passes the platform’s own upload inspection', { timeout: 30_000 }, async () => {
    const result = await inspectPdf(await buildSubmissionReceipt(receiptInput()));
    expect(result).toMatchObject({
      ok: true,
      pageCount: 1,
      title: 'Submission receipt – PGX-GUIDE version 3',
    });
  });
});
