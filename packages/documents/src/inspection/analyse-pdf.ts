import { createHash } from 'node:crypto';
import { PDFDict, PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import { DecodeBudget, DecodeLimitError, chargeAllStreams } from './decode-budget.ts';
import { checkEnvelope } from './file-envelope.ts';
import { findActiveContent } from './find-active-content.ts';
import { guardObjectStreams } from './guard-object-streams.ts';
import { type InspectionLimits } from './inspection-limits.ts';
import { type InspectionResult, describeError, reject, tooLarge } from './inspection-result.ts';
import { readerName } from './pdf-names.ts';
import { scanRawNames } from './raw-name-scan.ts';
import { shareStreamBytes } from './share-stream-bytes.ts';

function cleanTitle(title: string | undefined): string | undefined {
  const cleaned = title
    ?.replace(/[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 500);
  return cleaned === undefined || cleaned === '' ? undefined : cleaned;
}

function versionOf(document: PDFDocument, headerVersion: string): string {
  const catalog: unknown = document.catalog;
  if (!(catalog instanceof PDFDict)) return headerVersion;
  const catalogVersion = catalog.get(PDFName.of('Version'));
  if (catalogVersion instanceof PDFName) {
    const version = readerName(catalogVersion);
    if (/^\d\.\d$/.test(version) && version > headerVersion) return version;
  }
  return headerVersion;
}

function* rawStreams(document: PDFDocument): Generator<[string, PDFRawStream]> {
  for (const [ref, object] of document.context.enumerateIndirectObjects()) {
    if (object instanceof PDFRawStream) yield [ref.toString(), object];
  }
}

/**
 * The whole inspection of one file, in order from cheap to costly. Runs inside the inspection
 * worker, which bounds its time and heap; see inspect-pdf.ts.
 */
export async function analysePdf(bytes: Uint8Array, limits: InspectionLimits): Promise<InspectionResult> {
  if (bytes.length > limits.maxBytes) {
    return tooLarge(bytes.length, limits.maxBytes);
  }
  // The envelope check is cheap (the magic bytes, native searches from the end), so what is not a
  // PDF at all, or was cut short, is refused before the whole file is hashed.
  const envelope = checkEnvelope(bytes);
  if ('ok' in envelope) return envelope;
  // Hashed before anything parses the bytes: the name the blob store gives the file is this hash.
  const sha256 = createHash('sha256').update(bytes).digest('hex');

  // Before parsing: the objects of an encrypted file cannot be read, so parsing would only say
  // "unparsable" where the useful answer is "encrypted".
  const rawFinding = scanRawNames(bytes);
  if (rawFinding !== undefined) return rawFinding;

  const budget = new DecodeBudget(limits.maxDecodedBytes);
  // pdf-lib patched for this parse only; each patch is undone even if the next one cannot be made.
  const undo: (() => void)[] = [];
  let document: PDFDocument;
  try {
    undo.push(guardObjectStreams(budget));
    undo.push(shareStreamBytes());
    document = await PDFDocument.load(bytes, {
      // Encryption is judged below from the trailer, by this code, not by pdf-lib.
      ignoreEncryption: true,
      // An object pdf-lib cannot parse might be parsed differently by a reader: refuse it.
      throwOnInvalidObject: true,
      updateMetadata: false,
      parseSpeed: Number.POSITIVE_INFINITY,
    });
  } catch (error) {
    if (budget.exceeded !== undefined) return reject('PARSE_RESOURCE_LIMIT', budget.exceeded.message);
    return reject('UNPARSABLE', `pdf-lib cannot parse it: ${describeError(error)}`);
  } finally {
    for (const undoPatch of undo.reverse()) undoPatch();
  }

  if (document.context.trailerInfo.Encrypt !== undefined) {
    return reject('ENCRYPTED', 'the trailer has an /Encrypt entry');
  }
  const active = findActiveContent(document.context);
  if (active !== undefined) return reject('ACTIVE_CONTENT', `${active.what} in ${active.where}`);

  let pageCount: number;
  try {
    pageCount = document.getPageCount();
  } catch (error) {
    return reject('UNPARSABLE', `the page tree cannot be read: ${describeError(error)}`);
  }
  if (pageCount === 0) return reject('UNPARSABLE', 'the document has no pages');
  if (pageCount > limits.maxPages) {
    return reject('TOO_MANY_PAGES', `${pageCount} pages, more than the limit of ${limits.maxPages}`);
  }

  try {
    await chargeAllStreams(rawStreams(document), budget);
  } catch (error) {
    if (error instanceof DecodeLimitError) return reject('PARSE_RESOURCE_LIMIT', error.message);
    throw error;
  }

  let title: string | undefined;
  try {
    title = cleanTitle(document.getTitle());
  } catch {
    // A malformed /Title is not a reason to refuse the file; it is only metadata.
    title = undefined;
  }
  return {
    ok: true,
    pageCount,
    pdfVersion: versionOf(document, envelope.pdfVersion),
    sha256,
    sizeBytes: bytes.length,
    ...(title === undefined ? {} : { title }),
  };
}
