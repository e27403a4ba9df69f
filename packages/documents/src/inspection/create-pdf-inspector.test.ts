import { describe, expect, it } from 'vitest';
import { minimalPdf } from '../testing/index.ts';
import { createPdfInspector } from './create-pdf-inspector.ts';
import { type inspectPdf } from './inspect-pdf.ts';
import { type InspectionResult } from './inspection-result.ts';

const accepted: InspectionResult = {
  ok: true,
  pageCount: 1,
  pdfVersion: '1.7',
  sha256: '0'.repeat(64),
  sizeBytes: 1,
};

describe('createPdfInspector', () => {
  it('runs at most `concurrency` inspections at once and all of them eventually', async () => {
    let running = 0;
    let peak = 0;
    const run: typeof inspectPdf = async () => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      return accepted;
    };
    const inspector = createPdfInspector({ concurrency: 2, run });
    const results = await Promise.all(Array.from({ length: 7 }, () => inspector.inspect(minimalPdf())));
    expect(results).toHaveLength(7);
    expect(peak).toBe(2);
    expect(running).toBe(0);
  });

  it('frees the slot when an inspection throws', async () => {
    let calls = 0;
    const run: typeof inspectPdf = () => {
      calls += 1;
      return calls === 1 ? Promise.reject(new Error('EACCES')) : Promise.resolve(accepted);
    };
    const inspector = createPdfInspector({ concurrency: 1, run });
    await expect(inspector.inspect('/nope.pdf')).rejects.toThrow('EACCES');
    await expect(inspector.inspect(minimalPdf())).resolves.toEqual(accepted);
  });

  it('lets per-call limits override the defaults', async () => {
    const seen: unknown[] = [];
    const run: typeof inspectPdf = (_input, limits) => {
      seen.push(limits);
      return Promise.resolve(accepted);
    };
    const inspector = createPdfInspector({ limits: { maxPages: 200, timeoutMs: 3_000 }, run });
    await inspector.inspect(minimalPdf(), { maxPages: 10 });
    expect(seen).toEqual([{ maxPages: 10, timeoutMs: 3_000 }]);
  });

  it('inspects for real by default', { timeout: 30_000 }, async () => {
    const inspector = createPdfInspector({ limits: { maxPages: 3 } });
    await expect(inspector.inspect(minimalPdf())).resolves.toMatchObject({ ok: true, pageCount: 1 });
  });
});
