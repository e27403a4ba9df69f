import { open } from 'node:fs/promises';
import { PDFDocument } from 'pdf-lib';
import { hasPdfMagic } from './file-envelope.ts';
import { type InspectionLimits, type InspectionLimitsInput, resolveLimits } from './inspection-limits.ts';
import { type InspectionResult, reject } from './inspection-result.ts';
import { runInspection, warmInspectionWorkers } from './inspection-pool.ts';

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

/**
 * Inspects an upload by its content: magic bytes, size, then a parse in a worker thread under a
 * time and heap limit, checking encryption, active content, decode size and the page count. Never
 * throws for a bad file; it answers with a reason. It does throw if a given path cannot be read.
 * The parse runs on a pooled worker (inspection-pool.ts).
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
  return runInspection(bytes, limits);
}

/**
 * Starts the inspection workers before the first upload needs them (~0.5 s each): a service calls
 * it once at start, without waiting for it.
 */
export async function warmPdfInspection(limitsInput?: InspectionLimitsInput): Promise<void> {
  const document = await PDFDocument.create();
  document.addPage();
  await warmInspectionWorkers(resolveLimits(limitsInput), await document.save());
}
