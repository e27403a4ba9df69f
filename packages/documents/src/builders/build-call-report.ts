import { currencyCode, minorUnits } from '@permed/domain';
import { z } from 'zod';
import { timestamp } from './timestamp.ts';
import { drawBarChart, seriesColours } from './bar-chart.ts';
import { formatCompactMoney, formatDate, majorUnits } from './format.ts';
import { PdfWriter } from './pdf-writer.ts';

const text = z.string().trim().min(1);
const cell = z.union([z.string(), z.number()]).transform((value) => String(value));

export const reportTable = z
  .object({
    title: text,
    note: text.optional(),
    columns: z
      .array(
        z.object({
          header: text,
          align: z.enum(['left', 'right']).default('left'),
          width: z.number().positive().default(1),
        }),
      )
      .min(1),
    rows: z.array(z.array(cell)),
  })
  .superRefine((table, ctx) => {
    table.rows.forEach((row, index) => {
      if (row.length !== table.columns.length) {
        ctx.addIssue({
          code: 'custom',
          message: `has ${row.length} cells for ${table.columns.length} columns`,
          path: ['rows', index],
        });
      }
    });
  });
export type ReportTable = z.input<typeof reportTable>;

export const callReportInput = z
  .object({
    call: z.object({ title: text, reference: text.optional() }),
    generatedAt: timestamp,
    zone: z.string().default('UTC'),
    /** Headline figures, e.g. ["Eligible pre-proposals", "283"]. */
    keyFigures: z.array(z.tuple([text, cell])).default([]),
    tables: z.array(reportTable).default([]),
    /**
     * Requested against committed budget per funder, converted by the caller into one currency at
     * the call's fixed exchange rates (funders commit in their own currencies).
     */
    chart: z.object({
      title: text.default('Requested and committed budget per funder'),
      currency: currencyCode,
      funders: z.array(z.object({ label: text, requestedMinor: minorUnits, committedMinor: minorUnits })),
    }),
  })
  .strict();
export type CallReportInput = z.input<typeof callReportInput>;

/**
 * The call office's statistics report: key figures, any number of tables (paginated, header
 * repeated) and a bar chart of requested against committed budget per funder.
 */
export async function buildCallReport(input: CallReportInput): Promise<Uint8Array> {
  const data = callReportInput.parse(input);
  const name =
    data.call.reference === undefined ? data.call.title : `${data.call.title} (${data.call.reference})`;
  const writer = await PdfWriter.create({
    title: `Call report – ${name}`,
    subject: `Statistics of ${name}`,
    keywords: [
      'call report',
      'statistics',
      ...(data.call.reference === undefined ? [] : [data.call.reference]),
    ],
    createdAt: data.generatedAt,
    runningHeader: name,
    footer: `Call report · ${formatDate(data.generatedAt, data.zone)}`,
  });

  writer.title('Call report', `${name} · ${formatDate(data.generatedAt, data.zone)}`);
  if (data.keyFigures.length > 0) writer.keyValues(data.keyFigures, { labelWidth: 220 });

  const currency = data.chart.currency;
  drawBarChart(writer, {
    title: data.chart.title,
    unit: currency,
    series: [
      { label: 'Requested', colour: seriesColours.first },
      { label: 'Committed', colour: seriesColours.second },
    ],
    categories: data.chart.funders.map((funder) => ({
      label: funder.label,
      values: [majorUnits(funder.requestedMinor, currency), majorUnits(funder.committedMinor, currency)],
    })),
    formatValue: (value) => formatCompactMoney(value, currency),
  });

  for (const table of data.tables) {
    writer.heading(table.title);
    if (table.note !== undefined) writer.paragraph(table.note, { size: 9 });
    writer.table({
      columns: table.columns.map((column) => ({
        header: column.header,
        align: column.align,
        width: column.width,
      })),
      rows: table.rows,
    });
  }
  return writer.save();
}
