import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import { type PDFDocument, type PDFFont } from 'pdf-lib';

/**
 * The builders embed DejaVu Sans (shipped by the dejavu-fonts-ttf package) instead of the 14
 * standard PDF fonts: those only encode WinAnsi, which lacks "ł", "ő", "ğ", "ș", "ė" and the
 * rest of the names of Polish, Hungarian, Turkish, Romanian or Baltic partners. DejaVu covers
 * Latin, Greek and Cyrillic; only the glyphs used are embedded (subsetting), so a receipt stays
 * small. Right-to-left scripts are drawn unshaped, left to right: acceptable for the rare Hebrew
 * or Arabic name, not for running text.
 */
const FONT_FILES = {
  regular: 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf',
  bold: 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf',
  mono: 'dejavu-fonts-ttf/ttf/DejaVuSansMono.ttf',
} as const;

export type FontRole = keyof typeof FONT_FILES;
export type Fonts = Readonly<Record<FontRole, PDFFont>>;

type FontBytes = Readonly<Record<FontRole, Uint8Array>>;

// Read once per process: the font files are part of the installed package, like code.
let fontBytes: Promise<FontBytes> | undefined;

function loadFontBytes(): Promise<FontBytes> {
  const require = createRequire(import.meta.url);
  fontBytes ??= (async () => {
    const [regular, bold, mono] = await Promise.all(
      [FONT_FILES.regular, FONT_FILES.bold, FONT_FILES.mono].map((file) => readFile(require.resolve(file))),
    );
    return { regular: regular!, bold: bold!, mono: mono! };
  })();
  return fontBytes;
}

type Fontkit = Parameters<PDFDocument['registerFontkit']>[0];
type FontkitFont = Awaited<ReturnType<Fontkit['create']>>;

/**
 * fontkit with its parsed fonts kept per process. Parsing DejaVu's tables and warming fontkit's
 * glyph and layout caches took most of a receipt's ~120 ms; every document still gets its own
 * subset (pdf-lib calls font.createSubset() per embedding), so sharing the parsed font shares
 * nothing between documents but read-only font data and caches of it.
 */
const parsedFonts = new WeakMap<Uint8Array, FontkitFont>();
const sharedFontkit: Fontkit = {
  create(data, postscriptName) {
    let font = postscriptName === undefined ? parsedFonts.get(data) : undefined;
    if (font === undefined) {
      font = rememberLayouts(fontkit.create(data, postscriptName));
      if (postscriptName === undefined) parsedFonts.set(data, font);
    }
    return font;
  },
};

const LAYOUTS_KEPT = 512;
const LAYOUT_TEXT_MAX = 300;

/**
 * pdf-lib lays a line out (OpenType shaping) once to measure it and again to draw it; the last
 * few hundred layouts are kept, so a line wrapped and then drawn is shaped once. A layout is a
 * function of the font, the text and the features; pdf-lib only reads it.
 */
function rememberLayouts(font: FontkitFont): FontkitFont {
  const layout = font.layout.bind(font);
  const kept = new Map<string, ReturnType<FontkitFont['layout']>>();
  font.layout = (text, features) => {
    // Whole paragraphs are measured too (a caller wrapping at a huge width): those are not kept.
    if (features !== undefined || text.length > LAYOUT_TEXT_MAX) return layout(text, features);
    let run = kept.get(text);
    if (run === undefined) {
      run = layout(text);
      if (kept.size >= LAYOUTS_KEPT) kept.delete(kept.keys().next().value!);
      kept.set(text, run);
    }
    return run;
  };
  return font;
}

export async function embedFonts(document: PDFDocument): Promise<Fonts> {
  const bytes = await loadFontBytes();
  document.registerFontkit(sharedFontkit);
  const [regular, bold, mono] = await Promise.all([
    document.embedFont(bytes.regular, { subset: true }),
    document.embedFont(bytes.bold, { subset: true }),
    document.embedFont(bytes.mono, { subset: true }),
  ]);
  return { regular, bold, mono };
}

// Keyed by fontkit's own character set array, which is the same for every document now that the
// parsed font is shared (pdf-lib hands that array out as is).
const characterSets = new WeakMap<object, ReadonlySet<number>>();

function characterSet(font: PDFFont): ReadonlySet<number> {
  const codePoints = font.getCharacterSet();
  let set = characterSets.get(codePoints);
  if (set === undefined) {
    set = new Set(codePoints);
    characterSets.set(codePoints, set);
  }
  return set;
}

// Controls (a line break is handled by the caller), bidi controls and other invisible marks.
const UNPRINTABLE = /[\p{Cc}\u200b\u200e\u200f\u202a-\u202e\u2060-\u2069\ufeff]|\p{Cs}/gu;

/**
 * Makes text drawable with `font`: NFC, unprintable characters removed, and each character the
 * font has no glyph for replaced by its letters without accents when the font has those, else "?".
 * Never throws, whatever the input: names from any country must not break a receipt.
 */
export function printable(text: string, font: PDFFont): string {
  const supported = characterSet(font);
  let out = '';
  for (const char of text.replace(UNPRINTABLE, '').normalize('NFC')) {
    if (supported.has(char.codePointAt(0)!)) {
      out += char;
      continue;
    }
    const base = char.normalize('NFD').replace(/\p{M}/gu, '');
    out += base !== '' && [...base].every((c) => supported.has(c.codePointAt(0)!)) ? base : '?';
  }
  return out;
}

// Widths of short strings (in practice single characters, which is what wrapping measures) at
// size 1000, per parsed font and across documents: measuring shapes the text each time. Bounded,
// since the strings come from the documents' data.
const shortWidths = new WeakMap<object, Map<string, number>>();
const SHORT = 4;
const SHORT_WIDTHS_MAX = 20_000;

/** `font.widthOfTextAtSize(text, size)`, with the widths of short strings remembered. */
export function widthOfText(font: PDFFont, text: string, size: number): number {
  if (text.length > SHORT) return font.widthOfTextAtSize(text, size);
  const key = font.getCharacterSet();
  let widths = shortWidths.get(key);
  if (widths === undefined) {
    widths = new Map();
    shortWidths.set(key, widths);
  }
  let width = widths.get(text);
  if (width === undefined) {
    width = font.widthOfTextAtSize(text, 1000);
    if (widths.size < SHORT_WIDTHS_MAX) widths.set(text, width);
  }
  return (width * size) / 1000;
}
