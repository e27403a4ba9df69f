import { type PDFName } from 'pdf-lib';

/**
 * Decodes the "#xx" escapes of a PDF name the way readers do. pdf-lib only decodes escapes with
 * upper-case hex digits, so "/J#61vaScript" arrives decoded but "/J#6fvaScript"-style lower-case
 * escapes arrive with the "#" kept; decoding again with either case closes that gap. A name that
 * really contains "#" after decoding is vanishingly rare and only makes the check stricter.
 */
export function decodeNameText(text: string): string {
  return text.replace(/#([0-9a-fA-F]{2})/g, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** The name as a reader sees it, without the leading "/". */
export function readerName(name: PDFName): string {
  return decodeNameText(name.decodeText());
}
