import { type RejectedPdf, reject } from './inspection-result.ts';

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // "%PDF-"
const EOF_MARKER = Buffer.from('%%EOF', 'latin1');
const STARTXREF = Buffer.from('startxref', 'latin1');
// ZIP readers look for the end-of-central-directory record in the last 22 + 65535 bytes.
const ZIP_EOCD_SIGNATURE = 0x06054b50;
const ZIP_EOCD_SIZE = 22;
const ZIP_MAX_COMMENT = 0xffff;

/** True when the bytes start with "%PDF-". Nothing before it is tolerated (see README). */
export function hasPdfMagic(bytes: Uint8Array): boolean {
  return PDF_MAGIC.every((byte, index) => bytes[index] === byte);
}

function isPdfWhitespace(byte: number): boolean {
  return byte === 0x00 || byte === 0x09 || byte === 0x0a || byte === 0x0c || byte === 0x0d || byte === 0x20;
}

/**
 * A ZIP archive whose end record sits at the end of the file, the way ZIP readers find it. The
 * comment length must reach exactly to the end, which makes a chance match in binary stream data
 * practically impossible.
 */
export function hasTrailingZipArchive(bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lowest = Math.max(0, bytes.length - ZIP_EOCD_SIZE - ZIP_MAX_COMMENT);
  for (let at = bytes.length - ZIP_EOCD_SIZE; at >= lowest; at -= 1) {
    if (view.getUint32(at, true) !== ZIP_EOCD_SIGNATURE) continue;
    const commentLength = view.getUint16(at + 20, true);
    if (at + ZIP_EOCD_SIZE + commentLength === bytes.length) return true;
  }
  return false;
}

/**
 * Checks the outer shape of the file before any parsing: the magic bytes, a header version, that
 * the file ends with "%%EOF" (a file cut short during upload does not), and that nothing but
 * whitespace follows it (no appended archive).
 */
export function checkEnvelope(bytes: Uint8Array): { pdfVersion: string } | RejectedPdf {
  if (!hasPdfMagic(bytes)) {
    return reject('NOT_A_PDF', 'the file does not start with "%PDF-"');
  }
  const header = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 16)).toString('latin1');
  const version = /^%PDF-([12]\.\d)/.exec(header)?.[1];
  if (version === undefined) {
    return reject(
      'NOT_A_PDF',
      `the header "${header.slice(0, 8).replace(/[^\x20-\x7e]/g, '?')}" names no PDF version`,
    );
  }
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (hasTrailingZipArchive(bytes)) {
    return reject('NOT_A_PDF', 'a ZIP archive is appended to the PDF (PDF/ZIP polyglot)');
  }
  const eofAt = buffer.lastIndexOf(EOF_MARKER);
  if (eofAt < 0) {
    return reject('UNPARSABLE', 'the file has no "%%EOF" marker: it is truncated');
  }
  for (let at = eofAt + EOF_MARKER.length; at < buffer.length; at += 1) {
    if (!isPdfWhitespace(buffer[at]!)) {
      return reject(
        'UNPARSABLE',
        `data follows the last "%%EOF" at byte ${eofAt}: the file is truncated or has trailing data`,
      );
    }
  }
  const startxrefAt = buffer.lastIndexOf(STARTXREF, eofAt);
  if (startxrefAt < 0 || eofAt - startxrefAt > 1024) {
    return reject('UNPARSABLE', 'no "startxref" before the last "%%EOF": the cross-reference is missing');
  }
  return { pdfVersion: version };
}
