import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import Tinypool from 'tinypool';
import { type InspectionLimits } from './inspection-limits.ts';
import { type InspectionResult, reject } from './inspection-result.ts';
import { createLimiter, type Limiter } from './limit-concurrency.ts';
import { type WorkerInput, workerOutput } from './worker-protocol.ts';

const WORKER_FILE = fileURLToPath(new URL('./inspect-worker.ts', import.meta.url));
const MiB = 1024 * 1024;

/**
 * Inspection workers are a process resource: one pool per heap limit, at most one thread per core,
 * shared by every inspector of the process. Starting a worker (V8 isolate, pdf-lib, zod) costs
 * ~450 ms against ~65 ms for inspecting a 10 MiB PDF, so workers are kept and reused; what a fresh
 * worker per file gave is kept by these rules:
 * - a task's wall time is bounded: at the limit its worker is terminated (tinypool aborts the task
 *   by terminating the thread) and replaced;
 * - a task's heap is bounded by the worker's V8 limit; a worker that runs out is replaced;
 * - a worker whose heap is over a quarter of its limit after a task (what a file left behind, such as
 *   pdf-lib's process-wide name table filled by a hostile file) is recycled before the next one,
 *   so one file cannot make the next one fail;
 * - a task is handed to the pool only when a thread is free, so queueing never counts against a
 *   file's time limit.
 */
export const RECYCLE_ABOVE_HEAP_SHARE = 0.25;
/** Idle workers end after this; a deadline rush keeps them warm. They never keep a process alive. */
const IDLE_TIMEOUT_MS = 5 * 60_000;

interface Pool {
  readonly tinypool: Tinypool;
  readonly threads: number;
  /** One task per thread is handed over; the rest wait here, so waiting never runs the clock. */
  readonly limiter: Limiter;
}

const pools = new Map<number, Pool>();
const threadsSeen = new Set<number>();
let tasksRun = 0;
let workerFailures = 0;

function poolFor(maxHeapMb: number): Pool {
  let pool = pools.get(maxHeapMb);
  if (pool === undefined) {
    const threads = Math.max(1, availableParallelism());
    pool = {
      tinypool: new Tinypool({
        filename: WORKER_FILE,
        minThreads: 0,
        maxThreads: threads,
        idleTimeout: IDLE_TIMEOUT_MS,
        concurrentTasksPerWorker: 1,
        resourceLimits: {
          maxOldGenerationSizeMb: maxHeapMb,
          maxYoungGenerationSizeMb: Math.max(8, Math.min(64, Math.floor(maxHeapMb / 8))),
          stackSizeMb: 4,
        },
        maxMemoryLimitBeforeRecycle: Math.floor(maxHeapMb * MiB * RECYCLE_ABOVE_HEAP_SHARE),
      }),
      threads,
      limiter: createLimiter(threads),
    };
    // A worker that fails with no task of ours in flight (it could not start, say) is reported by
    // tinypool as an 'error' event; unheard, that would end the process. The next task gets a new
    // worker, or its time limit.
    pool.tinypool.on('error', () => {
      workerFailures += 1;
    });
    pools.set(maxHeapMb, pool);
  }
  return pool;
}

function failure(error: unknown, limits: InspectionLimits): InspectionResult {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return reject('PARSE_RESOURCE_LIMIT', `parsing needed more than the ${limits.maxHeapMb} MB heap limit`);
  }
  const message = error instanceof Error ? error.message : String(error);
  return reject('UNPARSABLE', `the inspection worker failed: ${message.slice(0, 300)}`);
}

/** A file the worker could not read: an I/O fault, not a verdict on the file. */
export class InspectionReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InspectionReadError';
  }
}

/** What a worker inspects: bytes (transferred: the caller gives the buffer up) or a file's path. */
export type InspectionSource = { bytes: Uint8Array<ArrayBuffer> } | { path: string };

/**
 * Inspects a file in a pooled worker under `limits`. Never throws for a bad file; it answers with a
 * reason. It throws InspectionReadError when the worker cannot read the given path.
 */
export async function runInspection(
  source: InspectionSource,
  limits: InspectionLimits,
): Promise<InspectionResult> {
  const pool = poolFor(limits.maxHeapMb);
  return pool.limiter.run(async () => {
    // The time limit starts when a thread is free: worker start (if cold), reading and inspection.
    const signal = AbortSignal.timeout(limits.timeoutMs);
    const task: WorkerInput = { source, limits };
    const transferList = 'bytes' in source ? [source.bytes.buffer] : [];
    let answer: unknown;
    try {
      answer = await pool.tinypool.run(task, { transferList, signal });
    } catch (error) {
      if (signal.aborted) {
        return reject('PARSE_TIMEOUT', `the inspection did not finish within ${limits.timeoutMs} ms`);
      }
      return failure(error, limits);
    }
    tasksRun += 1;
    // Checked: the worker ran on hostile input.
    const parsed = workerOutput.safeParse(answer);
    if (!parsed.success) return reject('UNPARSABLE', 'the inspection worker answered nonsense');
    threadsSeen.add(parsed.data.threadId);
    if ('readError' in parsed.data) throw new InspectionReadError(parsed.data.readError);
    return parsed.data.result;
  });
}

/**
 * Starts the workers of the default pool ahead of the first upload (a service calls it once at
 * start): one small inspection per thread, at once. Resolves when they have answered.
 */
export async function warmInspectionWorkers(limits: InspectionLimits, sample: Uint8Array): Promise<void> {
  const pool = poolFor(limits.maxHeapMb);
  // Each run transfers its bytes to the worker, so each gets its own copy.
  await Promise.all(
    Array.from({ length: pool.threads }, () => runInspection({ bytes: new Uint8Array(sample) }, limits)),
  );
}

/**
 * For tests and metrics: inspections answered, how many distinct worker threads answered them, and
 * worker failures outside any task.
 */
export function inspectionWorkerStats(): { tasks: number; threads: number; workerFailures: number } {
  return { tasks: tasksRun, threads: threadsSeen.size, workerFailures };
}
