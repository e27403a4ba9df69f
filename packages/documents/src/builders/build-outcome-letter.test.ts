import { describe, expect, it } from 'vitest';
import { inspectPdf } from '../inspection/inspect-pdf.ts';
import { outcomeInput, readPdf } from '../testing/index.ts';
import { buildOutcomeLetter } from './build-outcome-letter.ts';

describe('buildOutcomeLetter', () => {
  it('gives the outcome, consolidated scores, threshold and rank', async () => {
    const pdf = await readPdf(await buildOutcomeLetter(outcomeInput()));
    expect(pdf.text).toContain('Dear Gökhan Öztürk');
    expect(pdf.text).toContain('The proposal is recommended for funding.');
    expect(pdf.text).toContain('12 October 2020');
    expect(pdf.text).toContain('ŞIFA-PM');
    expect(pdf.text).toMatch(/Excellence\s+4\.5 \/ 5/);
    expect(pdf.text).toMatch(/Impact\s+4 \/ 5/);
    expect(pdf.text).toMatch(/Quality and efficiency of the implementation\s+3\.5 \/ 5/);
    expect(pdf.text).toMatch(/Total\s+12 \/ 15/);
    expect(pdf.text).toContain('3 of 27');
    expect(pdf.text).toContain('The panel found the clinical validation plan convincing.');
  });

  it('shows each anonymised review with its comments under their criteria', async () => {
    const pdf = await readPdf(await buildOutcomeLetter(outcomeInput()));
    expect(pdf.text).toMatch(
      /Reviewer 1 Excellence Novel combination of genomic and clinical data\. Impact Clear route/,
    );
    expect(pdf.text).toMatch(
      /Reviewer 2 Quality and efficiency of the implementation Work package 3 is understaffed\. Overall Fundable\./,
    );
  });

  it('wraps long comments and flows them over several pages', async () => {
    const sentence =
      'The stratification biomarkers are well chosen but the sample size needs justification. ';
    const long = sentence.repeat(80);
    const input = outcomeInput({
      reviews: [1, 2, 3].map((n) => ({
        label: `Reviewer ${n}`,
        comments: [{ criterionId: 'excellence', text: `${long}End of review ${n}.` }],
      })),
    });
    const pdf = await readPdf(await buildOutcomeLetter(input));
    expect(pdf.pageCount).toBeGreaterThanOrEqual(4);
    for (const n of [1, 2, 3]) expect(pdf.text).toContain(`End of review ${n}.`);
    // Every word made it to the page: nothing was cut at a page or line end.
    const occurrences = pdf.text.split('sample size needs justification').length - 1;
    expect(occurrences).toBe(3 * 80);
    // Page numbers reflect the final count.
    expect(pdf.pages.at(-1)).toContain(`Page ${pdf.pageCount} of ${pdf.pageCount}`);
  });

  it('words each outcome differently', async () => {
    const invited = await readPdf(
      await buildOutcomeLetter(outcomeInput({ outcome: 'invited-to-full-proposal' })),
    );
    expect(invited.text).toContain('invited to submit a full proposal');
    const not = await readPdf(
      await buildOutcomeLetter(outcomeInput({ outcome: 'not-recommended-for-funding' })),
    );
    expect(not.text).toContain('not recommended for funding');
  });

  it('refuses a comment on a criterion that was not scored', async () => {
    const input = outcomeInput({
      reviews: [{ label: 'Reviewer 1', comments: [{ criterionId: 'budget', text: 'x' }] }],
    });
    await expect(buildOutcomeLetter(input)).rejects.toThrow(/not among the scored criteria/);
  });

  it('sets metadata and passes the upload inspection', { timeout: 30_000 }, async () => {
    const bytes = await buildOutcomeLetter(outcomeInput());
    const pdf = await readPdf(bytes);
    expect(pdf.info.title).toBe('Evaluation outcome – ŞIFA-PM');
    expect(pdf.info.author).toBe('PerMed Calls');
    expect(pdf.info.creationDate).toMatch(/^D:20201012090000/);
    expect(await inspectPdf(bytes)).toMatchObject({ ok: true, pageCount: pdf.pageCount });
  });
});
