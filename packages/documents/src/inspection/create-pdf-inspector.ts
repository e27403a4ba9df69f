import { type PdfInput, inspectPdf } from './inspect-pdf.ts';
import { type InspectionLimitsInput } from './inspection-limits.ts';
import { type InspectionResult } from './inspection-result.ts';

export interface PdfInspector {
  inspect(input: PdfInput, limits?: InspectionLimitsInput): Promise<InspectionResult>;
}

export interface PdfInspectorOptions {
  /** Inspections running at once; the rest wait in order. One per core is the sensible maximum. */
  readonly concurrency?: number;
  /** Defaults for every inspection; a call's own limits (e.g. its page limit) override them. */
  readonly limits?: InspectionLimitsInput;
  /** Replaceable in tests. */
  readonly run?: typeof inspectPdf;
}

/**
 * An inspector for a service: at most `concurrency` workers at a time, so a burst of uploads (or
 * of hostile files, each allowed its full time and memory) cannot take every core and all memory.
 */
export function createPdfInspector(options: PdfInspectorOptions = {}): PdfInspector {
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const run = options.run ?? inspectPdf;
  const waiting: (() => void)[] = [];
  let running = 0;

  const acquire = (): Promise<void> => {
    if (running < concurrency) {
      running += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => waiting.push(resolve));
  };
  const release = (): void => {
    const next = waiting.shift();
    // The slot passes straight to the next waiter, so `running` stays the same.
    if (next === undefined) running -= 1;
    else next();
  };

  return {
    async inspect(input, limits) {
      await acquire();
      try {
        return await run(input, { ...options.limits, ...limits });
      } finally {
        release();
      }
    },
  };
}
