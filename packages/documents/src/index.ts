// Upload inspection
export { inspectPdf, warmPdfInspection, type PdfInput } from './inspection/inspect-pdf.ts';
export {
  createPdfInspector,
  type PdfInspector,
  type PdfInspectorOptions,
} from './inspection/create-pdf-inspector.ts';
export * from './inspection/inspection-result.ts';
export * from './inspection/inspection-limits.ts';
export { InspectionReadError } from './inspection/inspection-pool.ts';

// File names
export { FALLBACK_FILE_NAME, MAX_FILE_NAME_BYTES, sanitizeFileName } from './file-name/sanitize-file-name.ts';
export { pdfFileName } from './file-name/pdf-file-name.ts';

// PDF builders
export * from './builders/build-submission-receipt.ts';
export * from './builders/build-outcome-letter.ts';
export * from './builders/build-funding-letter.ts';
export * from './builders/build-call-report.ts';
export { formatMoney } from './builders/format.ts';
