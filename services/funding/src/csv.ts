import { stringify } from 'csv-stringify/sync';
import { minorUnitDigits } from '@permed/domain';

export type CsvCell = string | number | boolean | null | undefined;

/**
 * A cell a spreadsheet would read as a formula (=, +, -, @, tab, carriage return first) is prefixed
 * with a quote: proposal titles and reasons are typed by outsiders and end up in Excel (OWASP CSV
 * injection). Numbers are written as numbers and never touched.
 */
function neutralise(cell: CsvCell): CsvCell {
  return typeof cell === 'string' && /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/** RFC 4180 CSV with a header row, CRLF line ends. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return stringify([[...header], ...rows.map((r) => r.map(neutralise))], {
    record_delimiter: 'windows',
    cast: { boolean: (b) => (b ? 'true' : 'false') },
  });
}

/** Exact decimal text of integer minor units, e.g. 12345 EUR → "123.45" (no float in between). */
export function decimalAmount(amountMinor: number, currency: string): string {
  const digits = minorUnitDigits(currency);
  if (digits === 0) return String(amountMinor);
  const s = String(amountMinor).padStart(digits + 1, '0');
  return `${s.slice(0, -digits)}.${s.slice(-digits)}`;
}
