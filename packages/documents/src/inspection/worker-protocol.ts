import { z } from 'zod';
import { inspectionLimits } from './inspection-limits.ts';
import { inspectionResult } from './inspection-result.ts';

/** What the main thread hands the inspection worker (as workerData, the bytes transferred). */
export const workerInput = z.object({
  bytes: z.instanceof(Uint8Array),
  limits: inspectionLimits,
});
export type WorkerInput = z.infer<typeof workerInput>;

/** The one message the worker posts back; checked, since the worker ran on hostile input. */
export const workerOutput = inspectionResult;
