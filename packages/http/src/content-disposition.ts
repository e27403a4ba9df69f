import { create } from 'content-disposition';

/**
 * A Content-Disposition header (RFC 6266) for a file name that may hold any Unicode: the name in
 * `filename*` (RFC 8187/5987, UTF-8, percent-encoded by jshttp's content-disposition, which also
 * encodes the `'()*` that encodeURIComponent leaves), and an ASCII `filename` for old clients in
 * which accents are dropped and anything else outside printable ASCII, quotes, backslashes and `%`
 * (some clients percent-decode it) become "_". A lone surrogate cannot be encoded: it becomes U+FFFD.
 */
export function contentDisposition(kind: 'attachment' | 'inline', name: string): string {
  const wellFormed = name.toWellFormed();
  const fallback = wellFormed
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return create(wellFormed, { type: kind, fallback });
}
