const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * Breaks text into lines no wider than `maxWidth` (as `measure` says), at spaces, keeping the
 * author's line breaks. A word wider than a whole line (a URL, a hash) is broken between
 * characters, never inside a grapheme cluster. Runs of spaces collapse to one.
 */
export function wrapText(text: string, measure: (line: string) => number, maxWidth: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\r\n|\r|\n/)) {
    const words = paragraph.split(/[ \t]+/).filter((word) => word !== '');
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
  }
  return lines;
}
