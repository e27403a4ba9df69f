import { stringify } from 'csv-stringify/sync';
import { minorUnitDigits } from '@permed/domain';
import type { FunderWorkspace } from './funder-workspace.ts';

/** An integer amount of minor units as an exact decimal string in major units ("290000.00"), no float. */
export function decimalAmount(amountMinor: number, currency: string): string {
  const digits = minorUnitDigits(currency);
  if (digits === 0) return String(amountMinor);
  const s = String(amountMinor).padStart(digits + 1, '0');
  return `${s.slice(0, -digits)}.${s.slice(-digits)}`;
}

/**
 * Spreadsheets run a cell that starts with = + - @ (or a tab / carriage return) as a formula: text
 * typed by applicants (organisation and PI names) is prefixed with an apostrophe so that it stays text.
 */
export function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export const partnersCsvColumns = [
  'proposal_acronym',
  'proposal_id',
  'proposal_state',
  'proposal_outcome',
  'partner_id',
  'coordinator',
  'organisation',
  'country',
  'region',
  'organisation_type',
  'pi_name',
  'pi_email',
  'currency',
  'requested',
  'automatic_errors',
  'automatic_warnings',
  'verdict',
  'reason_code',
  'note',
  'verdict_recorded_at',
  'verdict_recorded_by',
] as const;

/**
 * The funder's own partners as CSV (RFC 4180 quoting by csv-stringify, CRLF line ends, UTF-8 with a
 * byte-order mark so that spreadsheet programs read accents right). Amounts are exact decimals in the
 * funder's currency for the call.
 */
export function partnersCsv(ws: FunderWorkspace): string {
  const text = (v: string | null | undefined) => neutraliseFormula(v ?? '');
  const records = ws.partners.map((row) => [
    text(row.acronym),
    row.proposalId,
    row.proposalState ?? '',
    row.proposalOutcome,
    row.partner.id,
    row.partner.coordinator ? 'yes' : 'no',
    text(row.partner.organisation.name),
    row.partner.organisation.country,
    row.partner.organisation.region ?? '',
    row.partner.organisation.type,
    text(row.partner.pi.name),
    text(row.partner.pi.email),
    row.partner.budget.currency,
    decimalAmount(row.partner.requestedMinor, row.partner.budget.currency),
    String(row.automatic.errorCount),
    String(row.automatic.warningCount),
    row.verdict?.verdict ?? 'pending',
    row.verdict?.reasonCode ?? '',
    text(row.verdict?.note),
    row.verdict?.recordedAt ?? '',
    text(row.verdict?.recordedBy),
  ]);
  return stringify([[...partnersCsvColumns], ...records], {
    bom: true,
    record_delimiter: 'windows',
    quoted_match: /^\s|\s$/,
  });
}
