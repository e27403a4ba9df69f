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

export async function embedFonts(document: PDFDocument): Promise<Fonts> {
  const bytes = await loadFontBytes();
  document.registerFontkit(fontkit);
  const [regular, bold, mono] = await Promise.all([
    document.embedFont(bytes.regular, { subset: true }),
    document.embedFont(bytes.bold, { subset: true }),
    document.embedFont(bytes.mono, { subset: true }),
  ]);
  return { regular, bold, mono };
}

const characterSets = new WeakMap<PDFFont, ReadonlySet<number>>();

function characterSet(font: PDFFont): ReadonlySet<number> {
  let set = characterSets.get(font);
  if (set === undefined) {
    set = new Set(font.getCharacterSet());
    characterSets.set(font, set);
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
