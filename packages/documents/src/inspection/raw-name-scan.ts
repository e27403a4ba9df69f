import { RAW_ACTIVE_NAMES } from './active-content-rules.ts';
import { type RejectedPdf, reject } from './inspection-result.ts';
import { decodeNameText } from './pdf-names.ts';

// A name token: "/" and the regular characters after it (PDF 32000-1 §7.2.2: everything but
// whitespace and the delimiters). Long tokens are cut at 64, longer than any name looked for.
// eslint-disable-next-line no-control-regex -- PDF whitespace includes NUL, TAB, LF, FF and CR.
const NAME_TOKEN = /\/([^\x00\x09\x0a\x0c\x0d\x20()<>[\]{}/%]{6,64})/g;

/**
 * Scans the raw bytes for names that mean encryption or active content, hex escapes decoded.
 * It sees only what is not compressed; the parsed walk sees inside object streams.
 */
export function scanRawNames(bytes: Uint8Array): RejectedPdf | undefined {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  for (const match of text.matchAll(NAME_TOKEN)) {
    const name = decodeNameText(match[1]!);
    if (name === 'Encrypt') {
      return reject('ENCRYPTED', `an /Encrypt entry at byte ${match.index}`);
    }
    if (RAW_ACTIVE_NAMES.has(name)) {
      return reject('ACTIVE_CONTENT', `the name /${name} at byte ${match.index}`);
    }
  }
  return undefined;
}
