/**
 * Turns a client-supplied file name into one that is safe to store, show and offer for download.
 * It is metadata only: uploads are stored under their hash and judged by their content, so this
 * never decides whether a file is accepted.
 */

export const FALLBACK_FILE_NAME = 'document.pdf';
export const MAX_FILE_NAME_BYTES = 120;

// C0/C1 controls and DEL; every format character (\p{Cf}): bidirectional embeddings, overrides
// and isolates (U+202A–U+202E, U+2066–U+2069) and marks (U+200E, U+200F, U+061C), which can make
// "exe.pdf" display as "fdp.exe", the zero-width space, word joiner, BOM, soft hyphen and tag
// characters, which hide differences between names — except ZWNJ and ZWJ (U+200C, U+200D), which
// scripts and emoji need; line and paragraph separators; lone surrogates, which have no UTF-8 form.
const INVISIBLE_OR_CONTROL = /(?![\u200c\u200d])[\p{Cc}\p{Cf}\u2028\u2029]|\p{Cs}/gu;

// Characters Windows refuses in file names; path separators are handled before this.
const WINDOWS_FORBIDDEN = /[<>:"|?*]/g;

// Device names Windows reserves whatever the extension ("CON.pdf" opens the console), including
// the superscript-digit forms that Windows also treats as COM/LPT ports.
const RESERVED_BASE = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])$/i;

const utf8Length = (text: string): number => Buffer.byteLength(text, 'utf8');

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** Cuts `text` to at most `maxBytes` of UTF-8 without splitting a character or a grapheme cluster. */
function truncateUtf8(text: string, maxBytes: number): string {
  if (utf8Length(text) <= maxBytes) return text;
  let out = '';
  let used = 0;
  for (const { segment } of graphemes.segment(text)) {
    const size = utf8Length(segment);
    if (used + size > maxBytes) break;
    out += segment;
    used += size;
  }
  return out;
}

/** Leading dots and spaces hide files or make ".." names; trailing ones are dropped by Windows. */
function trimEdges(text: string): string {
  return text.replace(/^[\s.]+/u, '').replace(/[\s.]+$/u, '');
}

function splitExtension(name: string): { base: string; extension: string } {
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? name.slice(dot) : '';
  // Only a short, plain extension is worth keeping whole when the name must be shortened.
  if (/^\.[\p{L}\p{N}]{1,10}$/u.test(extension)) return { base: name.slice(0, dot), extension };
  return { base: name, extension: '' };
}

function guardReserved(name: string): string {
  const base = name.split('.')[0]!.trimEnd();
  return RESERVED_BASE.test(base) ? `_${name}` : name;
}

function shorten(name: string): string {
  if (utf8Length(name) <= MAX_FILE_NAME_BYTES) return name;
  const { base, extension } = splitExtension(name);
  const keptBase = trimEdges(truncateUtf8(base, MAX_FILE_NAME_BYTES - utf8Length(extension)));
  return keptBase === '' ? trimEdges(truncateUtf8(name, MAX_FILE_NAME_BYTES)) : keptBase + extension;
}

function sanitizeOnce(input: string): string {
  // Order matters for idempotence: strip, normalise, cut the path, replace, trim, guard, shorten;
  // no later step can bring back what an earlier one removed.
  let name = input.replace(INVISIBLE_OR_CONTROL, '').normalize('NFC');
  // Whatever the client's OS, only the last path component is a file name: "../../etc/passwd",
  // "C:\\Users\\x\\cv.pdf" and "/tmp/a.pdf" keep "passwd", "cv.pdf" and "a.pdf".
  name = name.split(/[/\\]/).pop() ?? '';
  name = name.replace(WINDOWS_FORBIDDEN, '_');
  name = name.replace(/\s+/gu, ' ');
  name = trimEdges(name);
  // Prefixing before shortening: a cut only removes characters at the end, so it cannot turn the
  // name back into a reserved one, while the prefix could push a name over the length limit.
  name = guardReserved(name);
  name = shorten(name);
  return name === '' ? FALLBACK_FILE_NAME : name;
}

/**
 * Never returns a name with a path separator, control, bidi or invisible formatting character, a
 * Windows-reserved device name, a leading or trailing dot or space, or more than 120 bytes of
 * UTF-8; the result is NFC. Applying it twice gives the same result as once.
 */
export function sanitizeFileName(name: string): string {
  return sanitizeOnce(typeof name === 'string' ? name : '');
}
