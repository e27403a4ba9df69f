// Factories for builder inputs (real-looking names from PL, HU, TR), overridable per test.
import { type CallReportInput } from '../builders/build-call-report.ts';
import { type FundingLetterInput } from '../builders/build-funding-letter.ts';
import { type OutcomeLetterInput } from '../builders/build-outcome-letter.ts';
import { type SubmissionReceiptInput } from '../builders/build-submission-receipt.ts';

export const hex = (char: string): string => char.repeat(64);

export function receiptInput(overrides: Partial<SubmissionReceiptInput> = {}): SubmissionReceiptInput {
  return {
    callTitle: 'EP PerMed Joint Transnational Call 2024',
    stage: 'Pre-proposal',
    proposalAcronym: 'PGX-GUIDE',
    proposalTitle: 'Pharmacogenomic guidance for anticoagulation in Łódź, Győr and Ağrı',
    proposalId: 'JTC2024-0042',
    version: 3,
    submittedAtUtc: '2024-03-05T15:59:58Z',
    zone: 'Europe/Brussels',
    sha256: hex('a'),
    documents: [
      { name: 'pre-proposal-Wróbel.pdf', sha256: hex('b'), bytes: 1_843_211, pages: 12 },
      { name: 'letters-of-support.pdf', sha256: hex('c'), bytes: 321_004, pages: 3 },
    ],
    coordinator: {
      name: 'Łukasz Wróbel',
      organisation: 'Uniwersytet Medyczny w Łodzi',
      email: 'l.wrobel@example.org',
    },
    ...overrides,
  };
}

export function outcomeInput(overrides: Partial<OutcomeLetterInput> = {}): OutcomeLetterInput {
  return {
    call: { title: 'ERA PerMed JTC2020', stage: 'Full proposal' },
    proposal: { id: 'JTC2020-017', acronym: 'ŞIFA-PM', title: 'Polygenic risk in paediatric epilepsy' },
    recipient: { name: 'Gökhan Öztürk', organisation: 'Hacettepe Üniversitesi' },
    issuedAt: '2020-10-12T09:00:00Z',
    zone: 'Europe/Madrid',
    outcome: 'recommended-for-funding',
    scores: {
      criteria: [
        { id: 'excellence', label: 'Excellence', score: 4.5, max: 5 },
        { id: 'impact', label: 'Impact', score: 4, max: 5 },
        { id: 'implementation', label: 'Quality and efficiency of the implementation', score: 3.5, max: 5 },
      ],
      total: { score: 12, max: 15 },
      threshold: 10,
    },
    rank: { position: 3, of: 27 },
    panelSummary: 'The panel found the clinical validation plan convincing.',
    reviews: [
      {
        label: 'Reviewer 1',
        comments: [
          { criterionId: 'excellence', text: 'Novel combination of genomic and clinical data.' },
          { criterionId: 'impact', text: 'Clear route to clinical guidelines.' },
        ],
      },
      {
        label: 'Reviewer 2',
        comments: [{ criterionId: 'implementation', text: 'Work package 3 is understaffed.' }],
        overall: 'Fundable.',
      },
    ],
    ...overrides,
  };
}

export function fundingInput(overrides: Partial<FundingLetterInput> = {}): FundingLetterInput {
  return {
    funder: { acronym: 'NKFIH', name: 'Nemzeti Kutatási, Fejlesztési és Innovációs Hivatal', country: 'HU' },
    partner: { organisation: 'Semmelweis Egyetem', principalInvestigator: 'Kovács Erzsébet', country: 'HU' },
    call: { title: 'EP PerMed JTC2024' },
    proposal: {
      id: 'JTC2024-0042',
      acronym: 'PGX-GUIDE',
      title: 'Pharmacogenomic guidance for anticoagulation',
    },
    decision: 'funded',
    amount: { amountMinor: 123_456_789, currency: 'EUR' },
    decidedAt: '2024-10-20T10:00:00Z',
    reference: 'NKFIH-2024-PM-7',
    conditions: ['Ethics approval must be presented before the project starts.'],
    contact: { name: 'Nagy Anna', email: 'anna.nagy@example.org' },
    ...overrides,
  };
}

export const FUNDERS = ['BMBF', 'ISCIII', 'VR', 'ANR', 'NKFIH', 'NCBR', 'TÜBİTAK', 'FRRB', 'ZonMw', 'FWF'];

export function reportInput(overrides: Partial<CallReportInput> = {}): CallReportInput {
  return {
    call: { title: 'EP PerMed Joint Transnational Call 2024', reference: 'JTC2024' },
    generatedAt: '2024-06-01T12:00:00Z',
    keyFigures: [
      ['Pre-proposals submitted', 312],
      ['Eligible pre-proposals', 283],
    ],
    chart: {
      currency: 'EUR',
      funders: FUNDERS.map((label, index) => ({
        label,
        requestedMinor: (index + 1) * 60_000_000,
        committedMinor: (10 - index) * 40_000_000,
      })),
    },
    tables: [
      {
        title: 'Partners per country',
        columns: [
          { header: 'Country' },
          { header: 'Partners', align: 'right' },
          { header: 'Coordinators', align: 'right' },
        ],
        rows: Array.from({ length: 120 }, (_, index) => [`Country ${index}`, index * 3, index % 7]),
      },
    ],
    ...overrides,
  };
}
