import { ianaZone } from '@permed/domain';
import { z } from 'zod';
import { timestamp } from './timestamp.ts';
import { formatBytes, formatInstant } from './format.ts';
import { PdfWriter } from './pdf-writer.ts';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lower-case hex SHA-256');
const text = z.string().trim().min(1);

export const submissionReceiptInput = z
  .object({
    callTitle: text,
    /** e.g. "Pre-proposal" or "Full proposal". */
    stage: text.optional(),
    proposalAcronym: text,
    proposalTitle: text,
    proposalId: text,
    version: z.number().int().positive(),
    submittedAtUtc: timestamp,
    /** The same instant as announced in the call's zone; computed from `zone` when left out. */
    submittedAtCallZone: text.optional(),
    zone: ianaZone,
    /** Fingerprint of the whole submission (e.g. of its manifest), as stored. */
    sha256: sha256Hex,
    documents: z.array(
      z.object({
        name: text,
        sha256: sha256Hex,
        bytes: z.number().int().nonnegative(),
        pages: z.number().int().nonnegative(),
      }),
    ),
    coordinator: z.object({
      name: text,
      organisation: text,
      email: z.string().trim().min(3).optional(),
    }),
  })
  .strict();
export type SubmissionReceiptInput = z.input<typeof submissionReceiptInput>;

/**
 * The receipt a consortium gets when it submits: what was received (each file with its
 * fingerprint), which version, and when, by the platform's clock in UTC and in the call's zone.
 */
export async function buildSubmissionReceipt(input: SubmissionReceiptInput): Promise<Uint8Array> {
  const data = submissionReceiptInput.parse(input);
  const zoned = data.submittedAtCallZone ?? formatInstant(data.submittedAtUtc, data.zone);
  const writer = await PdfWriter.create({
    title: `Submission receipt – ${data.proposalAcronym} version ${data.version}`,
    subject: `Receipt for the submission of proposal ${data.proposalAcronym} to ${data.callTitle}`,
    keywords: ['submission receipt', data.proposalAcronym, data.proposalId],
    createdAt: data.submittedAtUtc,
    runningHeader: data.callTitle,
    footer: `Submission receipt · ${data.proposalAcronym} v${data.version}`,
  });

  writer.title('Submission receipt', data.callTitle);
  writer.keyValues([
    ['Proposal', `${data.proposalAcronym} – ${data.proposalTitle}`],
    ['Proposal ID', data.proposalId],
    ...(data.stage === undefined ? [] : ([['Stage', data.stage]] as [string, string][])),
    ['Version', String(data.version)],
    ['Received (UTC)', formatInstant(data.submittedAtUtc, 'UTC')],
    [`Received (${data.zone})`, zoned],
    [
      'Coordinator',
      [data.coordinator.name, data.coordinator.organisation, data.coordinator.email]
        .filter(Boolean)
        .join(', '),
    ],
  ]);
  writer.keyValues([['Submission fingerprint (SHA-256)', data.sha256]], { valueFont: 'mono' });

  writer.heading(`Documents received (${data.documents.length})`);
  if (data.documents.length === 0) {
    writer.paragraph('No document was attached to this submission.', { size: 10 });
  } else {
    writer.table({
      columns: [
        { header: 'File', width: 30 },
        { header: 'Pages', width: 8, align: 'right' },
        { header: 'Size', width: 11, align: 'right' },
        { header: 'SHA-256', width: 51, font: 'mono' },
      ],
      rows: data.documents.map((document) => [
        document.name,
        String(document.pages),
        formatBytes(document.bytes),
        document.sha256,
      ]),
      size: 8,
    });
  }

  writer.heading('What this receipt means');
  writer.paragraph(
    `The call office received version ${data.version} of this proposal at the time shown above, ` +
      'as recorded by the platform’s clock when the submission was committed. Every version submitted ' +
      'before the deadline is kept; only the last one submitted before the deadline is checked and evaluated.',
  );
  writer.paragraph(
    'The SHA-256 fingerprints identify the received files exactly: a file with the same fingerprint is ' +
      'byte for byte the file that was received. Keep this receipt with your records.',
  );
  return writer.save();
}
