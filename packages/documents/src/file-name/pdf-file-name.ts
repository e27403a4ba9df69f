import { FALLBACK_FILE_NAME, MAX_FILE_NAME_BYTES, sanitizeFileName } from './sanitize-file-name.ts';

const PDF = '.pdf';

// What a person's system takes for a type extension: a letter, then up to nine letters or digits
// (".html", ".exe", ".docx", ".mp4"). ".2" in "draft v1.2" is a version, not a type, and is kept.
const TYPE_EXTENSION = /\.\p{L}[\p{L}\p{N}]{0,9}$/u;

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** At most `maxBytes` of UTF-8, cut between grapheme clusters. */
function cut(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let out = '';
  let used = 0;
  for (const { segment } of graphemes.segment(text)) {
    const size = Buffer.byteLength(segment);
    if (used + size > maxBytes) break;
    out += segment;
    used += size;
  }
  return out;
}

/**
 * The name a stored upload is offered under. The content was inspected and is a PDF, so the name
 * says so whatever the client sent: the person's base name is kept and its type extension, if it
 * has one, is replaced by ".pdf" — "x.html" → "x.pdf", "invoice\u202Efdp.exe" (shown as
 * "invoiceexe.pdf") → "invoicefdp.pdf". Replacing rather than appending (not "invoicefdp.exe.pdf"):
 * a name that still reads ".exe" (or ".html") invites the wrong trust however it ends, and the
 * original name stays in the audit row. Everything `sanitizeFileName` guarantees holds too: no
 * control, bidi or invisible formatting character, no path separator, no reserved device name, at
 * most 120 bytes of UTF-8. Always ends in ".pdf" (lower case); applying it twice changes nothing.
 */
export function pdfFileName(name: string): string {
  const clean = sanitizeFileName(name);
  const base = clean.replace(TYPE_EXTENSION, '').replace(/[\s.]+$/u, '');
  if (base === '') return FALLBACK_FILE_NAME;
  // Sanitised once more: cutting or the new extension must not break its guarantees (a trailing
  // space before ".pdf", a name over the limit, "CON" whose guard was on the old extension).
  const candidate = sanitizeFileName(
    `${cut(base, MAX_FILE_NAME_BYTES - PDF.length).replace(/[\s.]+$/u, '')}${PDF}`,
  );
  return candidate.toLowerCase().endsWith(PDF) ? candidate.slice(0, -PDF.length) + PDF : FALLBACK_FILE_NAME;
}
