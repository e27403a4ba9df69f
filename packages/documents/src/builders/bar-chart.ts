import { type RGB, rgb } from 'pdf-lib';
import { type PdfWriter, colours } from './pdf-writer.ts';

export interface BarChartSeries {
  readonly label: string;
  readonly colour: RGB;
}

export interface BarChartSpec {
  readonly title: string;
  readonly series: readonly BarChartSeries[];
  /** One row per category (e.g. a funder), one value per series, in the same unit. */
  readonly categories: readonly { readonly label: string; readonly values: readonly number[] }[];
  readonly formatValue: (value: number) => string;
  /** Axis caption, e.g. "EUR". */
  readonly unit: string;
}

export const seriesColours = {
  first: rgb(0.55, 0.68, 0.82),
  second: rgb(0.05, 0.3, 0.5),
} as const;

/** A round step (1, 2 or 5 times a power of ten) giving about `ticks` intervals up to `max`. */
export function niceStep(max: number, ticks = 5): number {
  if (!(max > 0)) return 1;
  const rough = max / ticks;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= rough);
  return step ?? 10 * power;
}

const TITLE = 22;
const LEGEND = 18;
const AXIS = 26;
const BAR = 7;
const BAR_GAP = 2;
const GROUP_PAD = 5;

/**
 * A horizontal grouped bar chart drawn with pdf-lib's vector operations: a bar per series for
 * each category, value axis with round ticks and grid lines, category labels, a legend. Rows go
 * down the page, so 35 funders stay readable; a chart longer than the page continues on the next
 * one with its axis and legend repeated.
 */
export function drawBarChart(writer: PdfWriter, spec: BarChartSpec): void {
  const regular = writer.font('regular');
  const labelSize = 8;
  const groupHeight = spec.series.length * BAR + (spec.series.length - 1) * BAR_GAP + 2 * GROUP_PAD;
  const maxValue = Math.max(0, ...spec.categories.flatMap((category) => category.values));
  const step = niceStep(maxValue);
  const axisMax = Math.max(step, Math.ceil(maxValue / step) * step);
  const longestLabel = Math.max(
    0,
    ...spec.categories.map((category) =>
      regular.widthOfTextAtSize(writer.lines(category.label, 'regular', labelSize, 1e6)[0] ?? '', labelSize),
    ),
  );
  const labelWidth = Math.min(140, longestLabel + 10);
  const plotLeft = writer.left + labelWidth;
  // Room on the right for the value printed after the longest bar.
  const plotWidth = writer.width - labelWidth - 48;
  const xOf = (value: number): number => plotLeft + (Math.max(0, value) / axisMax) * plotWidth;

  let first = true;
  let index = 0;
  do {
    const fixed = TITLE + LEGEND + AXIS;
    let rows = Math.floor((writer.remaining - fixed) / groupHeight);
    if (rows < Math.min(3, spec.categories.length - index)) {
      writer.newPage();
      rows = Math.floor((writer.remaining - fixed) / groupHeight);
    }
    rows = Math.max(1, Math.min(rows, spec.categories.length - index));
    const chunk = spec.categories.slice(index, index + rows);
    const top = writer.take(fixed + Math.max(1, chunk.length) * groupHeight + 10);
    const page = writer.page;

    writer.drawLine(first ? spec.title : `${spec.title} (continued)`, writer.left, top - 12, {
      font: 'bold',
      size: 11,
      colour: colours.accent,
    });
    let legendX = plotLeft;
    for (const series of spec.series) {
      page.drawRectangle({ x: legendX, y: top - TITLE - 9, width: 9, height: 9, color: series.colour });
      writer.drawLine(series.label, legendX + 13, top - TITLE - 8, { size: labelSize });
      legendX += 13 + regular.widthOfTextAtSize(series.label, labelSize) + 18;
    }

    const plotTop = top - TITLE - LEGEND;
    const plotBottom = plotTop - chunk.length * groupHeight;
    for (let tick = 0; tick <= axisMax + step / 2; tick += step) {
      const x = xOf(tick);
      page.drawLine({
        start: { x, y: plotBottom },
        end: { x, y: plotTop },
        thickness: 0.4,
        color: colours.rule,
      });
      page.drawLine({
        start: { x, y: plotBottom },
        end: { x, y: plotBottom - 3 },
        thickness: 0.6,
        color: colours.muted,
      });
      const text = spec.formatValue(tick);
      const width = regular.widthOfTextAtSize(text, 7);
      writer.drawLine(text, x - width / 2, plotBottom - 11, { size: 7, colour: colours.muted });
    }
    writer.drawLine(
      spec.unit,
      plotLeft + plotWidth - regular.widthOfTextAtSize(spec.unit, 7),
      plotBottom - 21,
      {
        size: 7,
        colour: colours.muted,
      },
    );
    page.drawLine({
      start: { x: plotLeft, y: plotBottom },
      end: { x: plotLeft, y: plotTop },
      thickness: 0.8,
      color: colours.text,
    });
    page.drawLine({
      start: { x: plotLeft, y: plotBottom },
      end: { x: plotLeft + plotWidth, y: plotBottom },
      thickness: 0.8,
      color: colours.text,
    });

    chunk.forEach((category, row) => {
      const groupTop = plotTop - row * groupHeight;
      const label = writer.lines(category.label, 'regular', labelSize, labelWidth - 10)[0] ?? '';
      const labelX = plotLeft - 6 - regular.widthOfTextAtSize(label, labelSize);
      writer.drawLine(label, labelX, groupTop - groupHeight / 2 - labelSize / 3, { size: labelSize });
      spec.series.forEach((series, seriesIndex) => {
        const value = category.values[seriesIndex] ?? 0;
        const barTop = groupTop - GROUP_PAD - seriesIndex * (BAR + BAR_GAP);
        const width = xOf(value) - plotLeft;
        if (width > 0) {
          page.drawRectangle({ x: plotLeft, y: barTop - BAR, width, height: BAR, color: series.colour });
        }
        writer.drawLine(spec.formatValue(value), plotLeft + width + 3, barTop - BAR + 1, {
          size: 6,
          colour: colours.muted,
        });
      });
    });

    index += chunk.length;
    first = false;
  } while (index < spec.categories.length);
  writer.space(8);
}
