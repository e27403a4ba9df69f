import { RAW_ACTIVE_NAMES } from './active-content-rules.ts';
import { type RejectedPdf, reject } from './inspection-result.ts';
import { decodeNameText } from './pdf-names.ts';

const SLASH = 0x2f;
const HASH = 0x23;

// The bytes that end a name token: PDF whitespace (NUL, TAB, LF, FF, CR, space) and the
// delimiters ( ) < > [ ] { } / % (PDF 32000-1 §7.2.2). Everything else is a regular character.
const DELIMITER = new Uint8Array(256);
for (const byte of [0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20, ...'()<>[]{}/%'].map((c) =>
  typeof c === 'number' ? c : c.charCodeAt(0),
)) {
  DELIMITER[byte] = 1;
}

const WANTED = new Set([...RAW_ACTIVE_NAMES, 'Encrypt']);
// A token can decode to a wanted name only if it starts with that name's first letter or with an
// escape ("#xx"): the first byte rules out almost every slash in binary stream data (7 of 256).
const FIRST = new Uint8Array(256);
for (const name of WANTED) FIRST[name.charCodeAt(0)] = 1;
FIRST[HASH] = 1;
const SHORTEST = Math.min(...[...WANTED].map((name) => name.length));
const LONGEST = Math.max(...[...WANTED].map((name) => name.length));
/** Tokens are looked at up to this many characters, longer than any name looked for. */
const TOKEN_MAX = 64;
const TOKEN_MIN = 6;

/**
 * Scans the raw bytes for names that mean encryption or active content, hex escapes decoded.
 * It sees only what is not compressed; the parsed walk sees inside object streams.
 *
 * A name token is "/" and the regular characters after it, cut at 64. This walks the bytes
 * instead of running a regular expression over a latin1 copy of the file: a 10 MiB image stream
 * holds ~40,000 slashes followed by "regular" bytes, and decoding each of them was half the cost
 * of inspecting such a file. Only tokens that could decode to a wanted name (by length: an escape
 * "#xx" turns three characters into one) and start the way one could are decoded and compared.
 */
export function scanRawNames(bytes: Uint8Array): RejectedPdf | undefined {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let slash = buffer.indexOf(SLASH); slash !== -1; slash = buffer.indexOf(SLASH, slash + 1)) {
    const start = slash + 1;
    if (start >= buffer.length || FIRST[buffer[start]!] === 0) continue;
    const limit = Math.min(buffer.length, start + TOKEN_MAX);
    let end = start;
    let escaped = false;
    while (end < limit && DELIMITER[buffer[end]!] === 0) {
      if (buffer[end] === HASH) escaped = true;
      end += 1;
    }
    const length = end - start;
    if (length < TOKEN_MIN) continue;
    const possible = escaped
      ? length >= SHORTEST && Math.ceil(length / 3) <= LONGEST
      : length >= SHORTEST && length <= LONGEST;
    if (!possible) continue;
    const token = buffer.toString('latin1', start, end);
    const name = escaped ? decodeNameText(token) : token;
    if (name === 'Encrypt') {
      return reject('ENCRYPTED', `an /Encrypt entry at byte ${slash}`);
    }
    if (RAW_ACTIVE_NAMES.has(name)) {
      return reject('ACTIVE_CONTENT', `the name /${name} at byte ${slash}`);
    }
  }
  return undefined;
}
