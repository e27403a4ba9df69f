import { describe, expect, it } from 'vitest';
import { fundingInput, readPdf } from '../testing/index.ts';
import { buildFundingLetter } from './build-funding-letter.ts';

describe('buildFundingLetter', () => {
  it('states the decision and the exact amount from integer minor units', async () => {
    const pdf = await readPdf(await buildFundingLetter(fundingInput()));
    expect(pdf.pageCount).toBe(1);
    expect(pdf.text).toContain(
      'Nemzeti Kutatási, Fejlesztési és Innovációs Hivatal funds your participation',
    );
    expect(pdf.text).toContain('€1,234,567.89');
    expect(pdf.text).toContain('Dear Kovács Erzsébet');
    expect(pdf.text).toContain('NKFIH-2024-PM-7');
    expect(pdf.text).toContain('Ethics approval must be presented');
    expect(pdf.text).toContain('20 October 2024');
  });

  it('shows requested and granted amounts for a reduced grant, in the funder currency', async () => {
    const input = fundingInput({
      decision: 'funded-reduced',
      amount: { amountMinor: 9_007_199_254_740_991, currency: 'EUR' },
      requested: { amountMinor: 9_007_199_254_740_991, currency: 'EUR' },
    });
    const pdf = await readPdf(await buildFundingLetter(input));
    // The largest safe integer, printed without a float rounding it.
    expect(pdf.text).toContain('€90,071,992,547,409.91');
    expect(pdf.text).toContain('Funded, reduced budget');
    expect(pdf.text).toContain('lower than the €90,071,992,547,409.91 requested');
  });

  it('writes a refusal without an amount', async () => {
    const pdf = await readPdf(
      await buildFundingLetter(
        fundingInput({ decision: 'not-funded', amount: { amountMinor: 0, currency: 'EUR' } }),
      ),
    );
    expect(pdf.text).toContain('does not fund your participation in PGX-GUIDE');
    expect(pdf.text).toContain('Not funded');
  });

  it('handles currencies without minor units', async () => {
    const input = fundingInput({ amount: { amountMinor: 15_000_000, currency: 'ISK' } });
    const pdf = await readPdf(await buildFundingLetter(input));
    expect(pdf.text).toMatch(/ISK\s?15,000,000/);
  });

  it('refuses inconsistent decisions', async () => {
    await expect(
      buildFundingLetter(
        fundingInput({ decision: 'not-funded', amount: { amountMinor: 5, currency: 'EUR' } }),
      ),
    ).rejects.toThrow(/zero/);
    await expect(
      buildFundingLetter(fundingInput({ amount: { amountMinor: 0, currency: 'EUR' } })),
    ).rejects.toThrow();
    await expect(
      buildFundingLetter(fundingInput({ requested: { amountMinor: 5, currency: 'HUF' } })),
    ).rejects.toThrow(/same currency/);
    await expect(
      buildFundingLetter(fundingInput({ amount: { amountMinor: 1.5, currency: 'EUR' } })),
    ).rejects.toThrow();
  });

  it('sets its metadata', async () => {
    const pdf = await readPdf(await buildFundingLetter(fundingInput()));
    expect(pdf.info.title).toBe('Funding decision – PGX-GUIDE – Semmelweis Egyetem');
    expect(pdf.info.author).toBe('PerMed Calls');
    expect(pdf.info.subject).toContain('NKFIH');
    expect(pdf.info.creationDate).toMatch(/^D:20241020100000/);
  });
});
