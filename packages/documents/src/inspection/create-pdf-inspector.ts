import { type PdfInput, inspectPdf } from './inspect-pdf.ts';
import { type InspectionLimitsInput } from './inspection-limits.ts';
import { type InspectionResult } from './inspection-result.ts';
import { createLimiter } from './limit-concurrency.ts';

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
  const limiter = createLimiter(options.concurrency ?? 2);
  const run = options.run ?? inspectPdf;

  return {
    inspect: (input, limits) => limiter.run(() => run(input, { ...options.limits, ...limits })),
  };
}
