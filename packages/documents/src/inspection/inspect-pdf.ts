import { open } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { hasPdfMagic } from './file-envelope.ts';
import { type InspectionLimits, type InspectionLimitsInput, resolveLimits } from './inspection-limits.ts';
import { type InspectionResult, reject } from './inspection-result.ts';
import { type WorkerInput, workerOutput } from './worker-protocol.ts';

const WORKER_URL = new URL('./inspect-worker.ts', import.meta.url);

/** Bytes in memory, or the path of a file to read (e.g. a multipart upload spooled to disk). */
export type PdfInput = Uint8Array | string | URL;

async function readInput(
  input: string | URL,
  limits: InspectionLimits,
): Promise<Uint8Array<ArrayBuffer> | InspectionResult> {
  const handle = await open(input, 'r');
  try {
    const { size } = await handle.stat();
    if (size > limits.maxBytes) {
      return reject('TOO_LARGE', `the file has ${size} bytes, more than the limit of ${limits.maxBytes}`);
    }
    const bytes = new Uint8Array(new ArrayBuffer(size));
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await handle.read(bytes, filled, size - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return bytes.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

/** Runs the analysis in a fresh worker and bounds it in wall time and heap. */
function runWorker(bytes: Uint8Array<ArrayBuffer>, limits: InspectionLimits): Promise<InspectionResult> {
  return new Promise((resolve) => {
    const workerData: WorkerInput = { bytes, limits };
    const worker = new Worker(WORKER_URL, {
      workerData,
      // Transferred, not copied: the main thread gives the buffer up.
      transferList: [bytes.buffer],
      resourceLimits: {
        maxOldGenerationSizeMb: limits.maxHeapMb,
        maxYoungGenerationSizeMb: Math.max(8, Math.min(64, Math.floor(limits.maxHeapMb / 8))),
        stackSizeMb: 4,
      },
      stdout: true,
      stderr: true,
    });
    let settled = false;
    const finish = (result: InspectionResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
      // A worker stuck in a parse never exits by itself; terminate() interrupts running JavaScript.
      void worker.terminate();
    };
    const timer = setTimeout(() => {
      finish(reject('PARSE_TIMEOUT', `the inspection did not finish within ${limits.timeoutMs} ms`));
    }, limits.timeoutMs);
    worker.on('message', (message: unknown) => {
      const parsed = workerOutput.safeParse(message);
      finish(parsed.success ? parsed.data : reject('UNPARSABLE', 'the inspection worker answered nonsense'));
    });
    worker.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        finish(
          reject('PARSE_RESOURCE_LIMIT', `parsing needed more than the ${limits.maxHeapMb} MB heap limit`),
        );
      } else {
        finish(reject('UNPARSABLE', `the inspection worker failed: ${error.message.slice(0, 300)}`));
      }
    });
    worker.on('exit', (code) => {
      finish(
        reject('PARSE_RESOURCE_LIMIT', `the inspection worker exited with code ${code} before answering`),
      );
    });
    // Drained and dropped: a hostile file must not be able to write to the service's log.
    worker.stdout.resume();
    worker.stderr.resume();
  });
}

/**
 * Inspects an upload by its content: magic bytes, size, then a parse in a worker thread under a
 * time and heap limit, checking encryption, active content, decode size and the page count. Never
 * throws for a bad file; it answers with a reason. It does throw if a given path cannot be read.
 */
export async function inspectPdf(
  input: PdfInput,
  limitsInput?: InspectionLimitsInput,
): Promise<InspectionResult> {
  const limits = resolveLimits(limitsInput);
  let bytes: Uint8Array<ArrayBuffer>;
  if (input instanceof Uint8Array) {
    if (input.length > limits.maxBytes) {
      return reject(
        'TOO_LARGE',
        `the file has ${input.length} bytes, more than the limit of ${limits.maxBytes}`,
      );
    }
    if (!hasPdfMagic(input)) return reject('NOT_A_PDF', 'the file does not start with "%PDF-"');
    // A copy, so that the caller's buffer is not detached by the transfer to the worker.
    bytes = new Uint8Array(new ArrayBuffer(input.length));
    bytes.set(input);
  } else {
    const read = await readInput(input, limits);
    if (!(read instanceof Uint8Array)) return read;
    if (!hasPdfMagic(read)) return reject('NOT_A_PDF', 'the file does not start with "%PDF-"');
    bytes = read;
  }
  return runWorker(bytes, limits);
}
