import { formatAmount } from '@permed/allocation';
import { buildCallReport } from '@permed/documents';
import type { Money } from '@permed/domain';
import type { CallStatistics } from './call-statistics.ts';
import { decimalAmount, toCsv } from './csv.ts';

export const statisticsTables = ['summary', 'funders', 'countries'] as const;
export type StatisticsTable = (typeof statisticsTables)[number];

/** Headline figures, in the order a report reads them. */
export function keyFigures(s: CallStatistics): [string, number | string][] {
  const money = (m: Money) => formatAmount(m);
  return [
    ['Pre-proposals submitted', s.proposals.preProposals],
    ['Eligible proposals', s.proposals.eligible],
    ['Invited to the full stage', s.proposals.invited],
    ['Full proposals submitted', s.proposals.fullProposals],
    ['Ranked', s.proposals.ranked],
    ['Recommended for funding', s.proposals.recommended],
    ['Funded', s.proposals.funded],
    ['Research groups in full proposals', s.researchGroups.fullProposals],
    ['Countries in full proposals', s.countries.fullProposals],
    ['Participating funders', s.funders.participating],
    ['Funders asked in full proposals', s.funders.askedInFullProposals],
    ['Committed (reporting currency)', money(s.totals.committedReporting)],
    ['Requested in full proposals', money(s.totals.requestedReporting)],
    ['Granted nationally', money(s.totals.grantedReporting)],
  ];
}

const amountCells = (m: Money | null) => (m ? [decimalAmount(m.amountMinor, m.currency)] : ['']);

/** The statistics as CSV, one table at a time (amounts as exact decimals in their own currency). */
export function statisticsCsv(s: CallStatistics, table: StatisticsTable): string {
  if (table === 'summary') return toCsv(['figure', 'value'], keyFigures(s));
  if (table === 'countries') {
    return toCsv(
      ['country', 'partners', 'coordinators', 'funded_partners'],
      s.byCountry.map((c) => [c.country, c.partners, c.coordinators, c.fundedPartners]),
    );
  }
  const rc = s.call.reportingCurrency.toLowerCase();
  return toCsv(
    [
      'funder_id',
      'acronym',
      'country',
      'currency',
      'partners',
      'funded_partners',
      'committed',
      'requested',
      'recommended',
      'granted',
      `committed_${rc}`,
      `requested_${rc}`,
      `granted_${rc}`,
    ],
    s.byFunder.map((f) => [
      f.funderId,
      f.acronym,
      f.country,
      f.currency,
      f.partners,
      f.fundedPartners,
      ...amountCells(f.committed),
      ...amountCells(f.requested),
      ...amountCells(f.recommended),
      ...amountCells(f.granted),
      ...amountCells(f.committedReporting),
      ...amountCells(f.requestedReporting),
      ...amountCells(f.grantedReporting),
    ]),
  );
}

/**
 * The call report PDF: key figures, the requested-vs-committed chart per funder in the reporting
 * currency, and the tables per funder and per country. Funders nobody asked and that commit nothing
 * are left out of the chart (a 32-bar chart of zeros helps nobody).
 */
export async function callReportPdf(s: CallStatistics, generatedAt: Date, zone: string): Promise<Uint8Array> {
  const m = (x: Money | null) => (x ? formatAmount(x) : '–');
  return buildCallReport({
    call: { title: s.call.title, reference: s.call.slug },
    generatedAt: generatedAt.toISOString(),
    zone,
    keyFigures: keyFigures(s),
    chart: {
      title: `Requested and committed budget per funder (${s.call.reportingCurrency})`,
      currency: s.call.reportingCurrency,
      funders: s.byFunder
        .filter(
          (f) => (f.requestedReporting?.amountMinor ?? 0) > 0 || (f.committedReporting?.amountMinor ?? 0) > 0,
        )
        .map((f) => ({
          label: f.acronym,
          requestedMinor: f.requestedReporting?.amountMinor ?? 0,
          committedMinor: f.committedReporting?.amountMinor ?? 0,
        })),
    },
    tables: [
      {
        title: 'Budget per funder',
        note: 'Amounts in each funder’s own currency; requested = full proposals, granted = national decisions.',
        columns: [
          { header: 'Funder', width: 1.2 },
          { header: 'Partners', align: 'right', width: 0.7 },
          { header: 'Committed', align: 'right', width: 1.6 },
          { header: 'Requested', align: 'right', width: 1.6 },
          { header: 'Granted', align: 'right', width: 1.6 },
        ],
        rows: s.byFunder.map((f) => [f.acronym, f.partners, m(f.committed), m(f.requested), m(f.granted)]),
      },
      {
        title: 'Partners per country',
        columns: [
          { header: 'Country' },
          { header: 'Partners', align: 'right' },
          { header: 'Coordinators', align: 'right' },
          { header: 'Funded partners', align: 'right' },
        ],
        rows: s.byCountry.map((c) => [c.country, c.partners, c.coordinators, c.fundedPartners]),
      },
    ],
  });
}
