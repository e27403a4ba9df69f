import { PDFDocument, PDFRawStream, decodePDFRawStream } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { FUNDERS, readPdf, reportInput } from '../testing/index.ts';
import { buildCallReport } from './build-call-report.ts';

/** The drawing operators of one page, decoded: to check that the chart is vector drawing. */
async function pageOperators(bytes: Uint8Array, pageIndex: number): Promise<string> {
  const document = await PDFDocument.load(bytes);
  const contents = document.getPage(pageIndex).node.Contents();
  const streams = contents === undefined ? [] : 'asArray' in contents ? contents.asArray() : [contents];
  return streams
    .map((ref) => document.context.lookup(ref))
    .filter((stream): stream is PDFRawStream => stream instanceof PDFRawStream)
    .map((stream) => Buffer.from(decodePDFRawStream(stream).decode()).toString('latin1'))
    .join('\n');
}

describe('buildCallReport', () => {
  it('draws the requested-versus-committed bar chart with legend, axis and funder labels', async () => {
    const bytes = await buildCallReport(reportInput());
    const pdf = await readPdf(bytes);
    const first = pdf.pages[0]!;
    expect(first).toContain('Requested and committed budget per funder');
    expect(first).toContain('Requested');
    expect(first).toContain('Committed');
    for (const funder of FUNDERS) expect(first).toContain(funder);
    // Axis from zero to a round maximum at or above the largest request (EUR 6 million).
    expect(first).toContain('€0');
    expect(first).toMatch(/€6m/i);
    // Bars are filled closed paths ("m l l l h f"): two per funder, plus the legend swatches.
    const rectangles = (await pageOperators(bytes, 0)).match(/\bh\s+f\b/g) ?? [];
    expect(rectangles.length).toBeGreaterThanOrEqual(2 * FUNDERS.length + 2);
  });

  it('continues a chart with many funders on the next page, axis and legend repeated', async () => {
    const funders = Array.from({ length: 45 }, (_, index) => ({
      label: `Funder ${index + 1}`,
      requestedMinor: 100_000 * (index + 1),
      committedMinor: 50_000 * (index + 1),
    }));
    const pdf = await readPdf(
      await buildCallReport(reportInput({ chart: { currency: 'EUR', funders }, tables: [] })),
    );
    expect(pdf.pageCount).toBeGreaterThanOrEqual(2);
    expect(pdf.pages[1]).toContain('(continued)');
    expect(pdf.pages[1]).toContain('Committed');
    for (const funder of funders) expect(pdf.text).toContain(funder.label);
  });

  it('paginates a long table and repeats its header on every page', async () => {
    const pdf = await readPdf(await buildCallReport(reportInput()));
    expect(pdf.pageCount).toBeGreaterThanOrEqual(3);
    for (let index = 0; index < 120; index += 1) expect(pdf.text).toContain(`Country ${index} `);
    const tablePages = pdf.pages.filter((page) => /Country \d+/.test(page));
    expect(tablePages.length).toBeGreaterThanOrEqual(2);
    for (const page of tablePages) expect(page).toContain('Coordinators');
  });

  it('shows key figures and sets metadata', async () => {
    const pdf = await readPdf(await buildCallReport(reportInput()));
    expect(pdf.text).toMatch(/Eligible pre-proposals\s+283/);
    expect(pdf.info.title).toBe('Call report – EP PerMed Joint Transnational Call 2024 (JTC2024)');
    expect(pdf.info.author).toBe('PerMed Calls');
    expect(pdf.info.creationDate).toMatch(/^D:20240601120000/);
  });

  it('refuses a table row with the wrong number of cells', async () => {
    const input = reportInput({
      tables: [{ title: 'Broken', columns: [{ header: 'A' }, { header: 'B' }], rows: [['only one']] }],
    });
    await expect(buildCallReport(input)).rejects.toThrow(/1 cells for 2 columns/);
  });

  it('draws an empty chart for a call without funders yet', async () => {
    const pdf = await readPdf(
      await buildCallReport(reportInput({ chart: { currency: 'EUR', funders: [] } })),
    );
    expect(pdf.text).toContain('Requested and committed budget per funder');
  });
});
