import { z } from 'zod';
import { timestamp } from './timestamp.ts';
import { formatDate, formatScore } from './format.ts';
import { PdfWriter } from './pdf-writer.ts';

const text = z.string().trim().min(1);

export const evaluationOutcomes = [
  'invited-to-full-proposal',
  'not-invited-to-full-proposal',
  'recommended-for-funding',
  'fundable-if-budget-allows',
  'not-recommended-for-funding',
] as const;
export const evaluationOutcome = z.enum(evaluationOutcomes);
export type EvaluationOutcome = z.infer<typeof evaluationOutcome>;

const OUTCOME_TEXT: Record<EvaluationOutcome, { headline: string; body: string }> = {
  'invited-to-full-proposal': {
    headline: 'Your consortium is invited to submit a full proposal.',
    body: 'The pre-proposal was evaluated and selected for the full-proposal stage. The invitation and the full-proposal deadline are in the platform.',
  },
  'not-invited-to-full-proposal': {
    headline: 'Your consortium is not invited to submit a full proposal.',
    body: 'The pre-proposal was evaluated but not selected for the full-proposal stage.',
  },
  'recommended-for-funding': {
    headline: 'The proposal is recommended for funding.',
    body: 'The Call Steering Committee recommends the proposal for funding. Each partner’s funding organisation now takes its national funding decision and will contact the partner it funds.',
  },
  'fundable-if-budget-allows': {
    headline: 'The proposal is fundable if budget becomes available.',
    body: 'The proposal is of fundable quality, but the committed national budgets do not cover it at its rank. It may still be funded if budget becomes available.',
  },
  'not-recommended-for-funding': {
    headline: 'The proposal is not recommended for funding.',
    body: 'After evaluation and ranking by the peer-review panel, the proposal is not recommended for funding in this call.',
  },
};

export const outcomeLetterInput = z
  .object({
    call: z.object({ title: text, stage: text.optional(), office: text.default('Joint Call Secretariat') }),
    proposal: z.object({ id: text, acronym: text, title: text }),
    recipient: z.object({ name: text, organisation: text }),
    issuedAt: timestamp,
    /** Zone the letter is dated in (the call office's). */
    zone: z.string().default('UTC'),
    outcome: evaluationOutcome,
    /** Anything the call office adds to the standard wording. */
    note: text.optional(),
    scores: z.object({
      criteria: z
        .array(
          z.object({
            id: text,
            label: text,
            score: z.number().min(0),
            max: z.number().positive(),
            weight: z.number().positive().optional(),
          }),
        )
        .min(1),
      total: z.object({ score: z.number().min(0), max: z.number().positive() }),
      threshold: z.number().min(0).optional(),
    }),
    rank: z.object({ position: z.number().int().positive(), of: z.number().int().positive() }).optional(),
    /** The panel's consensus summary, if the call writes one. */
    panelSummary: text.optional(),
    /** Reviews, already anonymised: labels such as "Reviewer 1", never names. */
    reviews: z.array(
      z.object({
        label: text,
        comments: z.array(z.object({ criterionId: text, text: text })),
        overall: text.optional(),
      }),
    ),
  })
  .strict()
  .superRefine((data, ctx) => {
    const ids = new Set(data.scores.criteria.map((criterion) => criterion.id));
    data.reviews.forEach((review, reviewIndex) =>
      review.comments.forEach((comment, commentIndex) => {
        if (!ids.has(comment.criterionId)) {
          ctx.addIssue({
            code: 'custom',
            message: `names criterion "${comment.criterionId}", which is not among the scored criteria`,
            path: ['reviews', reviewIndex, 'comments', commentIndex, 'criterionId'],
          });
        }
      }),
    );
  });
export type OutcomeLetterInput = z.input<typeof outcomeLetterInput>;

/**
 * The evaluation outcome letter with the evaluation summary report: the decision, consolidated
 * scores per criterion and in total, the rank if given, and every reviewer's comments per criterion,
 * anonymised. Long comments wrap and flow over as many pages as they need.
 */
export async function buildOutcomeLetter(input: OutcomeLetterInput): Promise<Uint8Array> {
  const data = outcomeLetterInput.parse(input);
  const outcome = OUTCOME_TEXT[data.outcome];
  const stage = data.call.stage === undefined ? '' : ` (${data.call.stage})`;
  const writer = await PdfWriter.create({
    title: `Evaluation outcome – ${data.proposal.acronym}`,
    subject: `Evaluation outcome and summary report for ${data.proposal.acronym} in ${data.call.title}${stage}`,
    keywords: ['evaluation outcome', data.proposal.acronym, data.proposal.id],
    createdAt: data.issuedAt,
    runningHeader: `${data.call.title}${stage}`,
    footer: `Evaluation outcome · ${data.proposal.acronym}`,
  });

  writer.paragraph(formatDate(data.issuedAt, data.zone), { size: 10, gapAfter: 10 });
  writer.paragraph(`${data.recipient.name}\n${data.recipient.organisation}`, { size: 10, gapAfter: 14 });
  writer.title('Evaluation outcome', `${data.proposal.acronym} – ${data.proposal.title}`);
  writer.paragraph(`Dear ${data.recipient.name},`, { gapAfter: 8 });
  writer.paragraph(outcome.headline, { font: 'bold', size: 11 });
  writer.paragraph(outcome.body);
  if (data.note !== undefined) writer.paragraph(data.note);
  writer.keyValues([
    ['Proposal ID', data.proposal.id],
    ['Total score', `${formatScore(data.scores.total.score)} / ${formatScore(data.scores.total.max)}`],
    ...(data.scores.threshold === undefined
      ? []
      : ([['Threshold', formatScore(data.scores.threshold)]] as [string, string][])),
    ...(data.rank === undefined
      ? []
      : ([['Rank', `${data.rank.position} of ${data.rank.of}`]] as [string, string][])),
  ]);
  writer.paragraph(`Yours sincerely,\n${data.call.office}`, { gapAfter: 12 });

  writer.heading('Evaluation summary report');
  writer.table({
    columns: [
      { header: 'Criterion', width: 60 },
      { header: 'Weight', width: 12, align: 'right' },
      { header: 'Consolidated score', width: 28, align: 'right' },
    ],
    rows: [
      ...data.scores.criteria.map((criterion) => [
        criterion.label,
        criterion.weight === undefined ? '' : `×${formatScore(criterion.weight)}`,
        `${formatScore(criterion.score)} / ${formatScore(criterion.max)}`,
      ]),
      ['Total', '', `${formatScore(data.scores.total.score)} / ${formatScore(data.scores.total.max)}`],
    ],
  });
  if (data.panelSummary !== undefined) {
    writer.heading('Panel summary');
    writer.paragraph(data.panelSummary);
  }

  const labels = new Map(data.scores.criteria.map((criterion) => [criterion.id, criterion.label]));
  for (const review of data.reviews) {
    writer.heading(review.label);
    for (const criterion of data.scores.criteria) {
      const comments = review.comments.filter((comment) => comment.criterionId === criterion.id);
      if (comments.length === 0) continue;
      writer.paragraph(labels.get(criterion.id) ?? criterion.id, { font: 'bold', size: 10, gapAfter: 2 });
      for (const comment of comments) writer.paragraph(comment.text, { indent: 10 });
    }
    if (review.overall !== undefined) {
      writer.paragraph('Overall', { font: 'bold', size: 10, gapAfter: 2 });
      writer.paragraph(review.overall, { indent: 10 });
    }
  }
  return writer.save();
}
