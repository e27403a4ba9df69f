import { type PDFFont, PDFDocument, type PDFPage, type RGB, rgb } from 'pdf-lib';
import { type FontRole, type Fonts, embedFonts, printable, widthOfText } from './fonts.ts';
import { wrapText } from './wrap-text.ts';

export const A4: [number, number] = [595.28, 841.89];
const MARGIN = { left: 56, right: 56, top: 72, bottom: 64 } as const;

export const colours = {
  text: rgb(0.12, 0.13, 0.15),
  muted: rgb(0.38, 0.4, 0.44),
  accent: rgb(0.05, 0.3, 0.5),
  rule: rgb(0.78, 0.8, 0.83),
  band: rgb(0.93, 0.95, 0.97),
} as const;

export interface TextStyle {
  readonly font?: FontRole;
  readonly size?: number;
  readonly colour?: RGB;
  readonly indent?: number;
  readonly gapAfter?: number;
}

export interface DocumentInfo {
  readonly title: string;
  readonly subject: string;
  readonly keywords?: readonly string[];
  /** An ISO instant taken from the data (never the clock), so the same data gives the same bytes. */
  readonly createdAt: string;
  /** Top of every page, e.g. the call's title. */
  readonly runningHeader: string;
  /** Bottom left of every page, e.g. "Submission receipt · MYPROJ v3". */
  readonly footer: string;
}

export interface TableColumn {
  readonly header: string;
  /** Relative width; the columns share the text width in proportion. */
  readonly width: number;
  readonly align?: 'left' | 'right';
  readonly font?: FontRole;
}

export interface TableSpec {
  readonly columns: readonly TableColumn[];
  readonly rows: readonly (readonly string[])[];
  readonly size?: number;
}

export const AUTHOR = 'PerMed Calls';

const lineHeight = (size: number): number => size * 1.38;

/**
 * A flowing A4 writer over pdf-lib: text that wraps, headings kept with what follows, tables whose
 * header repeats on each page, and a header and "Page n of m" footer added at the end, once the
 * page count is known.
 */
export class PdfWriter {
  readonly document: PDFDocument;
  readonly fonts: Fonts;
  readonly info: DocumentInfo;
  #page: PDFPage;
  #y: number;

  static async create(info: DocumentInfo): Promise<PdfWriter> {
    // updateMetadata: false keeps pdf-lib from stamping the current time and its own name.
    const document = await PDFDocument.create({ updateMetadata: false });
    return new PdfWriter(document, await embedFonts(document), info);
  }

  private constructor(document: PDFDocument, fonts: Fonts, info: DocumentInfo) {
    this.document = document;
    this.fonts = fonts;
    this.info = info;
    this.#page = document.addPage(A4);
    this.#y = A4[1] - MARGIN.top;
  }

  get page(): PDFPage {
    return this.#page;
  }

  get y(): number {
    return this.#y;
  }

  get left(): number {
    return MARGIN.left;
  }

  get width(): number {
    return A4[0] - MARGIN.left - MARGIN.right;
  }

  /** Height left on the current page. */
  get remaining(): number {
    return this.#y - MARGIN.bottom;
  }

  /** Height of an empty page's text area. */
  get pageHeight(): number {
    return A4[1] - MARGIN.top - MARGIN.bottom;
  }

  newPage(): void {
    this.#page = this.document.addPage(A4);
    this.#y = A4[1] - MARGIN.top;
  }

  /** Starts a new page unless `height` still fits on this one. */
  ensure(height: number): void {
    if (height > this.remaining) this.newPage();
  }

  /** Moves down by `height` and returns the top of the space taken, for drawings. */
  take(height: number): number {
    this.ensure(height);
    const top = this.#y;
    this.#y -= height;
    return top;
  }

  space(height: number): void {
    this.#y = Math.max(MARGIN.bottom, this.#y - height);
  }

  font(role: FontRole = 'regular'): PDFFont {
    return this.fonts[role];
  }

  /** Wrapped lines of `text` as they will be drawn, unsupported characters replaced. */
  lines(text: string, role: FontRole, size: number, width: number): string[] {
    const font = this.font(role);
    // Line breaks are the author's and survive; every other control character goes.
    const drawable = text
      .split(/\r\n|\r|\n/)
      .map((paragraph) => printable(paragraph, font))
      .join('\n');
    return wrapText(drawable, (line) => widthOfText(font, line, size), width);
  }

  drawLine(text: string, x: number, baseline: number, style: TextStyle = {}): void {
    const font = this.font(style.font);
    this.#page.drawText(printable(text, font), {
      x,
      y: baseline,
      font,
      size: style.size ?? 10,
      color: style.colour ?? colours.text,
    });
  }

  paragraph(text: string, style: TextStyle = {}): void {
    const size = style.size ?? 10;
    const indent = style.indent ?? 0;
    const height = lineHeight(size);
    for (const line of this.lines(text, style.font ?? 'regular', size, this.width - indent)) {
      this.ensure(height);
      this.#y -= height;
      if (line !== '') this.drawLine(line, this.left + indent, this.#y + height - size, style);
    }
    this.space(style.gapAfter ?? size * 0.6);
  }

  title(text: string, subtitle?: string): void {
    this.paragraph(text, { font: 'bold', size: 18, colour: colours.accent, gapAfter: 4 });
    if (subtitle !== undefined) this.paragraph(subtitle, { size: 11, colour: colours.muted, gapAfter: 14 });
  }

  /** A heading never ends a page: it moves on with room for a few lines of what follows. */
  heading(text: string): void {
    const size = 12.5;
    const lines = this.lines(text, 'bold', size, this.width).length;
    this.ensure(lines * lineHeight(size) + 3 * lineHeight(10) + 8);
    this.space(6);
    this.paragraph(text, { font: 'bold', size, colour: colours.accent, gapAfter: 4 });
  }

  /** Label / value rows, e.g. "Proposal ID: ...". */
  keyValues(
    rows: readonly (readonly [string, string])[],
    options: { labelWidth?: number; valueFont?: FontRole } = {},
  ): void {
    const labelWidth = options.labelWidth ?? 150;
    const size = 10;
    const height = lineHeight(size);
    for (const [label, value] of rows) {
      const labelLines = this.lines(label, 'bold', 9, labelWidth - 8);
      const valueLines = this.lines(value, options.valueFont ?? 'regular', size, this.width - labelWidth);
      const rowLines = Math.max(labelLines.length, valueLines.length);
      this.ensure(Math.min(rowLines * height, this.pageHeight));
      const top = this.#y;
      labelLines.forEach((line, index) => {
        this.drawLine(line, this.left, top - (index + 1) * height + (height - size), {
          font: 'bold',
          size: 9,
          colour: colours.muted,
        });
      });
      valueLines.forEach((line, index) => {
        const baseline = top - (index + 1) * height + (height - size);
        if (baseline < MARGIN.bottom) return;
        this.drawLine(line, this.left + labelWidth, baseline, { font: options.valueFont ?? 'regular', size });
      });
      this.#y = Math.max(MARGIN.bottom, top - rowLines * height - 3);
    }
    this.space(8);
  }

  rule(): void {
    this.ensure(10);
    this.#y -= 5;
    this.#page.drawLine({
      start: { x: this.left, y: this.#y },
      end: { x: this.left + this.width, y: this.#y },
      thickness: 0.6,
      color: colours.rule,
    });
    this.#y -= 5;
  }

  /** A table that continues over pages, repeating its header row; cells wrap. */
  table(spec: TableSpec): void {
    const size = spec.size ?? 9;
    const pad = 4;
    const height = lineHeight(size);
    const total = spec.columns.reduce((sum, column) => sum + column.width, 0);
    const widths = spec.columns.map((column) => (column.width / total) * this.width);
    const cellLines = (cells: readonly string[], header: boolean): string[][] =>
      spec.columns.map((column, index) =>
        this.lines(
          cells[index] ?? '',
          header ? 'bold' : (column.font ?? 'regular'),
          size,
          widths[index]! - 2 * pad,
        ),
      );
    const headerLines = cellLines(
      spec.columns.map((column) => column.header),
      true,
    );
    const headerHeight = Math.max(...headerLines.map((lines) => lines.length)) * height + 2 * pad;

    const drawRow = (lines: string[][], rowHeight: number, header: boolean, shaded: boolean): void => {
      const top = this.#y;
      if (header || shaded) {
        this.#page.drawRectangle({
          x: this.left,
          y: top - rowHeight,
          width: this.width,
          height: rowHeight,
          color: header ? colours.band : rgb(0.975, 0.98, 0.985),
        });
      }
      let x = this.left;
      spec.columns.forEach((column, index) => {
        const role: FontRole = header ? 'bold' : (column.font ?? 'regular');
        const font = this.font(role);
        lines[index]!.forEach((line, lineIndex) => {
          const baseline = top - pad - (lineIndex + 1) * height + (height - size);
          const textWidth = font.widthOfTextAtSize(line, size);
          const lineX = column.align === 'right' ? x + widths[index]! - pad - textWidth : x + pad;
          this.drawLine(line, lineX, baseline, {
            font: role,
            size,
            colour: header ? colours.accent : colours.text,
          });
        });
        x += widths[index]!;
      });
      this.#y = top - rowHeight;
      this.#page.drawLine({
        start: { x: this.left, y: this.#y },
        end: { x: this.left + this.width, y: this.#y },
        thickness: header ? 0.8 : 0.4,
        color: colours.rule,
      });
    };

    const maxRowHeight = this.pageHeight - headerHeight;
    this.ensure(headerHeight + height + 2 * pad);
    drawRow(headerLines, headerHeight, true, false);
    spec.rows.forEach((cells, rowIndex) => {
      let lines = cellLines(cells, false);
      const maxLines = Math.floor((maxRowHeight - 2 * pad) / height);
      // A cell taller than a page is cut rather than looping over pages forever.
      lines = lines.map((cell) => (cell.length > maxLines ? [...cell.slice(0, maxLines - 1), '…'] : cell));
      const rowHeight = Math.max(1, ...lines.map((cell) => cell.length)) * height + 2 * pad;
      if (rowHeight > this.remaining) {
        this.newPage();
        drawRow(headerLines, headerHeight, true, false);
      }
      drawRow(lines, rowHeight, false, rowIndex % 2 === 1);
    });
    this.space(12);
  }

  /** Adds running header and footer to every page, sets the metadata and serialises. */
  async save(): Promise<Uint8Array> {
    const pages = this.document.getPages();
    pages.forEach((page, index) => {
      const previous = this.#page;
      this.#page = page;
      const header = this.lines(this.info.runningHeader, 'regular', 8, this.width)[0] ?? '';
      this.drawLine(header, this.left, A4[1] - 40, { size: 8, colour: colours.muted });
      page.drawLine({
        start: { x: this.left, y: A4[1] - 46 },
        end: { x: this.left + this.width, y: A4[1] - 46 },
        thickness: 0.5,
        color: colours.rule,
      });
      const footer = this.lines(`${AUTHOR} · ${this.info.footer}`, 'regular', 8, this.width - 90)[0] ?? '';
      this.drawLine(footer, this.left, 36, { size: 8, colour: colours.muted });
      const pageLabel = `Page ${index + 1} of ${pages.length}`;
      const labelWidth = this.font().widthOfTextAtSize(pageLabel, 8);
      this.drawLine(pageLabel, this.left + this.width - labelWidth, 36, { size: 8, colour: colours.muted });
      this.#page = previous;
    });
    const created = new Date(this.info.createdAt);
    this.document.setTitle(this.info.title, { showInWindowTitleBar: true });
    this.document.setAuthor(AUTHOR);
    this.document.setSubject(this.info.subject);
    this.document.setKeywords([...(this.info.keywords ?? [])]);
    this.document.setCreator(AUTHOR);
    this.document.setProducer(`${AUTHOR} (pdf-lib)`);
    this.document.setLanguage('en');
    this.document.setCreationDate(created);
    this.document.setModificationDate(created);
    return this.document.save();
  }
}
