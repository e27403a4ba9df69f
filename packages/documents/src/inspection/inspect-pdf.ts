import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PDFDocument } from 'pdf-lib';
import { hasPdfMagic } from './file-envelope.ts';
import { type InspectionLimitsInput, resolveLimits } from './inspection-limits.ts';
import { type InspectionResult, reject, tooLarge } from './inspection-result.ts';
import { runInspection, warmInspectionWorkers } from './inspection-pool.ts';

/** Bytes in memory, or the path of a file to read (e.g. a multipart upload spooled to disk). */
export type PdfInput = Uint8Array | string | URL;

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
  if (input instanceof Uint8Array) {
    if (input.length > limits.maxBytes) {
      return tooLarge(input.length, limits.maxBytes);
    }
    if (!hasPdfMagic(input)) return reject('NOT_A_PDF', 'the file does not start with "%PDF-"');
    // A copy, so that the caller's buffer is not detached by the transfer to the worker.
    const bytes = new Uint8Array(new ArrayBuffer(input.length));
    bytes.set(input);
    return runInspection({ bytes }, limits);
  }
  // The worker reads the file itself, into a buffer it reuses (no 10 MiB allocation per upload
  // here, nothing to transfer) and judges its size before reading it.
  return runInspection({ path: resolve(input instanceof URL ? fileURLToPath(input) : input) }, limits);
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
