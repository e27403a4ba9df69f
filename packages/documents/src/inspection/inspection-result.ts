import { z } from 'zod';

/**
 * Why an upload was refused. The strings are stable: services map them to error codes and
 * messages, and they are stored in the audit log, so never rename one.
 */
export const rejectionReasons = [
  'NOT_A_PDF',
  'TOO_LARGE',
  'UNPARSABLE',
  'ENCRYPTED',
  'ACTIVE_CONTENT',
  'TOO_MANY_PAGES',
  'PARSE_TIMEOUT',
  'PARSE_RESOURCE_LIMIT',
] as const;
export const rejectionReason = z.enum(rejectionReasons);
export type RejectionReason = z.infer<typeof rejectionReason>;

export const acceptedPdf = z
  .object({
    ok: z.literal(true),
    pageCount: z.number().int().positive(),
    /** From the header, or the catalog's /Version when that is newer (PDF 1.4+ allows it). */
    pdfVersion: z.string().regex(/^\d\.\d$/),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    sizeBytes: z.number().int().nonnegative(),
    /** The document's own /Title, cleaned of control characters; metadata only, never trusted. */
    title: z.string().optional(),
  })
  .strict();
export type AcceptedPdf = z.infer<typeof acceptedPdf>;

export const rejectedPdf = z
  .object({
    ok: z.literal(false),
    reason: rejectionReason,
    /** For logs and support; in English, may name objects of the file, never shown as HTML. */
    detail: z.string(),
  })
  .strict();
export type RejectedPdf = z.infer<typeof rejectedPdf>;

export const inspectionResult = z.discriminatedUnion('ok', [acceptedPdf, rejectedPdf]);
export type InspectionResult = z.infer<typeof inspectionResult>;

export function reject(reason: RejectionReason, detail: string): RejectedPdf {
  return { ok: false, reason, detail };
}

/** The refusal of a file larger than `maxBytes`, judged from its size alone. */
export function tooLarge(size: number, maxBytes: number): RejectedPdf {
  return reject('TOO_LARGE', `the file has ${size} bytes, more than the limit of ${maxBytes}`);
}

/** An error as one line for a refusal's detail: name, message, whitespace collapsed, 300 characters. */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return message.replace(/\s+/g, ' ').slice(0, 300);
}
