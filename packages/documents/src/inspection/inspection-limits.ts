import { z } from 'zod';

const MiB = 1024 * 1024;

/**
 * Limits of one inspection. The defaults suit proposal PDFs (a few MB, tens of pages); the page
 * limit is the call's, so services pass it. Every limit is there because a hostile file can
 * otherwise cost unbounded time or memory.
 */
export const inspectionLimits = z
  .object({
    maxPages: z.number().int().positive().default(200).describe("The call's page limit for this document"),
    maxBytes: z
      .number()
      .int()
      .positive()
      .default(50 * MiB)
      .describe('Largest accepted file'),
    timeoutMs: z
      .number()
      .int()
      .positive()
      .default(5_000)
      .describe(
        'Wall time for the whole inspection, worker start included; the worker is terminated after it',
      ),
    maxHeapMb: z
      .number()
      .int()
      .min(16)
      .default(256)
      .describe("The worker's V8 old-generation heap (resourceLimits.maxOldGenerationSizeMb)"),
    maxDecodedBytes: z
      .number()
      .int()
      .positive()
      .default(512 * MiB)
      .describe(
        'Bytes that all streams of the file may decode to, added up (deflate-bomb guard). ' +
          'Array buffers live outside the V8 heap, so the heap limit alone does not bound them.',
      ),
  })
  .strict();
export type InspectionLimits = z.infer<typeof inspectionLimits>;
export type InspectionLimitsInput = z.input<typeof inspectionLimits>;

export function resolveLimits(input: InspectionLimitsInput = {}): InspectionLimits {
  return inspectionLimits.parse(input);
}
