const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

type Measure = (line: string) => number;

/**
 * Breaks text into lines no wider than `maxWidth` (as `measure` says), at spaces, keeping the
 * author's line breaks. A word wider than a whole line (a URL, a hash) is broken between
 * characters, never inside a grapheme cluster. Runs of spaces collapse to one.
 *
 * Measuring with a real font shapes the text (OpenType substitution), which is what made a
 * receipt cost ~100 ms when every candidate line was measured whole. So a paragraph is first
 * wrapped with widths added up per grapheme (each grapheme measured once), and every line that
 * gives is measured whole once; only if one of them is then too wide — a ligature or a contextual
 * form made the sum wrong — is the paragraph wrapped again measuring each candidate whole.
 */
export function wrapText(text: string, measure: Measure, maxWidth: number): string[] {
  const widths = new Map<string, number>();
  const graphemeWidth = (grapheme: string): number => {
    let width = widths.get(grapheme);
    if (width === undefined) {
      width = measure(grapheme);
      widths.set(grapheme, width);
    }
    return width;
  };
  const lines: string[] = [];
  for (const paragraph of text.split(/\r\n|\r|\n/)) {
    const words = paragraph.split(/[ \t]+/).filter((word) => word !== '');
    const estimated = wrapBySums(words, graphemeWidth, maxWidth);
    const fits = estimated.every((line) => line === '' || measure(line) <= maxWidth || isOneGrapheme(line));
    lines.push(...(fits ? estimated : wrapByMeasuring(words, measure, maxWidth)));
  }
  return lines;
}

function isOneGrapheme(line: string): boolean {
  const iterator = graphemes.segment(line)[Symbol.iterator]();
  iterator.next();
  return iterator.next().done === true;
}

/** Greedy wrapping where a line's width is the sum of its graphemes' widths. */
function wrapBySums(words: readonly string[], graphemeWidth: Measure, maxWidth: number): string[] {
  const lines: string[] = [];
  const space = graphemeWidth(' ');
  let line = '';
  let lineWidth = 0;
  for (const word of words) {
    const parts = [...graphemes.segment(word)].map(({ segment }) => segment);
    const wordWidth = parts.reduce((sum, part) => sum + graphemeWidth(part), 0);
    if (line !== '' && lineWidth + space + wordWidth <= maxWidth) {
      line = `${line} ${word}`;
      lineWidth += space + wordWidth;
      continue;
    }
    if (line === '' && wordWidth <= maxWidth) {
      line = word;
      lineWidth = wordWidth;
      continue;
    }
    if (line !== '') lines.push(line);
    line = '';
    lineWidth = 0;
    if (wordWidth <= maxWidth) {
      line = word;
      lineWidth = wordWidth;
      continue;
    }
    for (const part of parts) {
      const partWidth = graphemeWidth(part);
      if (line !== '' && lineWidth + partWidth > maxWidth) {
        lines.push(line);
        line = part;
        lineWidth = partWidth;
      } else {
        line += part;
        lineWidth += partWidth;
      }
    }
  }
  lines.push(line);
  return lines;
}

/** The same greedy wrapping, measuring every candidate line whole: exact for any measure. */
function wrapByMeasuring(words: readonly string[], measure: Measure, maxWidth: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (measure(candidate) <= maxWidth) {
      line = candidate;
      continue;
    }
    if (line !== '') lines.push(line);
    line = '';
    if (measure(word) <= maxWidth) {
      line = word;
      continue;
    }
    for (const { segment } of graphemes.segment(word)) {
      if (line !== '' && measure(line + segment) > maxWidth) {
        lines.push(line);
        line = segment;
      } else {
        line += segment;
      }
    }
  }
  lines.push(line);
  return lines;
}
