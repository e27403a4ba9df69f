import { z } from 'zod';
import { inspectionLimits } from './inspection-limits.ts';
import { inspectionResult } from './inspection-result.ts';

/**
 * What the main thread hands the inspection worker: the file's bytes (transferred, so not copied)
 * or the path of a file the worker reads itself (an upload spooled to disk; the worker reads it into
 * a buffer it reuses, see read-file-reusing.ts).
 */
export const workerInput = z.object({
  source: z.union([
    z.object({ bytes: z.instanceof(Uint8Array) }).strict(),
    z.object({ path: z.string().min(1) }).strict(),
  ]),
  limits: inspectionLimits,
});
export type WorkerInput = z.infer<typeof workerInput>;

/**
 * The one message the worker posts back; checked, since the worker ran on hostile input. A file the
 * worker could not read is an I/O fault, not a verdict on the file, so it comes back as such.
 */
export const workerOutput = z.union([
  z.object({ result: inspectionResult, threadId: z.number().int() }).strict(),
  z.object({ readError: z.string(), threadId: z.number().int() }).strict(),
]);
export type WorkerOutput = z.infer<typeof workerOutput>;
