// The inspection workers' task function (a tinypool pool, see inspection-pool.ts): one file per
// task, on a worker that is reused. It runs as a .ts file through Node's type stripping, so it
// imports only erasable TypeScript.
import { threadId } from 'node:worker_threads';
import { analysePdf } from './analyse-pdf.ts';
import { type InspectionResult, describeError, reject } from './inspection-result.ts';
import { createReusingReader } from './read-file-reusing.ts';
import { type WorkerOutput, workerInput } from './worker-protocol.ts';

// pdf-lib reports recoverable oddities with console.warn; a hostile file could flood the log.
console.warn = () => undefined;
console.log = () => undefined;

// One task at a time per worker (concurrentTasksPerWorker: 1), and nothing of a file outlives its
// task, so every file read by path goes into the same buffer.
const reader = createReusingReader();

async function analyse(
  bytes: Uint8Array,
  limits: Parameters<typeof analysePdf>[1],
): Promise<InspectionResult> {
  try {
    return await analysePdf(bytes, limits);
  } catch (error) {
    // Stack overflow from absurd nesting lands here too: the file is not something we can read.
    return reject('UNPARSABLE', `inspection failed: ${describeError(error)}`);
  }
}

/** The thread id lets the pool count distinct workers (recycling is observable in tests). */
export default async function inspect(input: unknown): Promise<WorkerOutput> {
  const parsed = workerInput.safeParse(input);
  if (!parsed.success) {
    return {
      result: reject('UNPARSABLE', `inspection failed: ${parsed.error.message.slice(0, 300)}`),
      threadId,
    };
  }
  const { source, limits } = parsed.data;
  if ('bytes' in source) return { result: await analyse(source.bytes, limits), threadId };
  let read: Uint8Array | InspectionResult;
  try {
    read = reader.read(source.path, limits.maxBytes);
  } catch (error) {
    return { readError: describeError(error), threadId };
  }
  if (!(read instanceof Uint8Array)) return { result: read, threadId };
  return { result: await analyse(read, limits), threadId };
}
