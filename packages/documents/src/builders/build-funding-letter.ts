import { countryCode, money } from '@permed/domain';
import { z } from 'zod';
import { timestamp } from './timestamp.ts';
import { formatDate, formatMoney } from './format.ts';
import { PdfWriter } from './pdf-writer.ts';

const text = z.string().trim().min(1);

export const fundingDecisions = ['funded', 'funded-reduced', 'not-funded'] as const;
export const fundingDecision = z.enum(fundingDecisions);
export type FundingDecision = z.infer<typeof fundingDecision>;

export const fundingLetterInput = z
  .object({
    funder: z.object({ acronym: text, name: text, country: countryCode }),
    partner: z.object({ organisation: text, principalInvestigator: text, country: countryCode.optional() }),
    call: z.object({ title: text }),
    proposal: z.object({ id: text, acronym: text, title: text }),
    decision: fundingDecision,
    /** The amount granted, in the funder's currency; zero when not funded. */
    amount: money,
    /** What the partner asked for, shown when the grant is reduced. */
    requested: money.optional(),
    decidedAt: timestamp,
    zone: z.string().default('UTC'),
    /** The funder's own file number for the national grant. */
    reference: text.optional(),
    conditions: z.array(text).default([]),
    contact: z.object({ name: text, email: text.optional() }).optional(),
  })
  .strict()
  .superRefine((data, ctx) => {
    if (data.decision === 'not-funded' && data.amount.amountMinor !== 0) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be zero when the decision is not-funded',
        path: ['amount'],
      });
    }
    if (data.decision !== 'not-funded' && data.amount.amountMinor === 0) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be more than zero when the partner is funded',
        path: ['amount'],
      });
    }
    if (data.requested !== undefined && data.requested.currency !== data.amount.currency) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be in the same currency as amount',
        path: ['requested'],
      });
    }
  });
export type FundingLetterInput = z.input<typeof fundingLetterInput>;

/**
 * A funder's national funding decision for one partner of a recommended project: funded,
 * funded with a reduced budget, or not funded, with the amount in the funder's currency.
 */
export async function buildFundingLetter(input: FundingLetterInput): Promise<Uint8Array> {
  const data = fundingLetterInput.parse(input);
  const writer = await PdfWriter.create({
    title: `Funding decision – ${data.proposal.acronym} – ${data.partner.organisation}`,
    subject: `National funding decision of ${data.funder.acronym} for ${data.partner.organisation} in ${data.proposal.acronym}`,
    keywords: ['funding decision', data.funder.acronym, data.proposal.acronym, data.proposal.id],
    createdAt: data.decidedAt,
    runningHeader: `${data.funder.name} (${data.funder.acronym}) · ${data.call.title}`,
    footer: `Funding decision · ${data.proposal.acronym} · ${data.funder.acronym}`,
  });

  writer.paragraph(formatDate(data.decidedAt, data.zone), { size: 10, gapAfter: 10 });
  writer.paragraph(`${data.partner.principalInvestigator}\n${data.partner.organisation}`, { gapAfter: 14 });
  writer.title('National funding decision', `${data.proposal.acronym} – ${data.proposal.title}`);
  writer.paragraph(`Dear ${data.partner.principalInvestigator},`, { gapAfter: 8 });

  const granted = formatMoney(data.amount);
  if (data.decision === 'not-funded') {
    writer.paragraph(`${data.funder.name} does not fund your participation in ${data.proposal.acronym}.`, {
      font: 'bold',
      size: 11,
    });
    writer.paragraph(
      'This national decision follows the recommendation of the Call Steering Committee and the national rules and budget of the funding organisation.',
    );
  } else {
    writer.paragraph(
      `${data.funder.name} funds your participation in ${data.proposal.acronym} with ${granted}.`,
      {
        font: 'bold',
        size: 11,
      },
    );
    if (data.decision === 'funded-reduced') {
      writer.paragraph(
        data.requested === undefined
          ? 'The amount granted is lower than the amount requested.'
          : `The amount granted is lower than the ${formatMoney(data.requested)} requested.`,
      );
    }
    writer.paragraph(
      'The grant is awarded under the national rules of the funding organisation, which will send the grant agreement separately.',
    );
  }

  writer.keyValues([
    ['Call', data.call.title],
    ['Proposal', `${data.proposal.acronym} (${data.proposal.id})`],
    ['Funding organisation', `${data.funder.name} (${data.funder.acronym}), ${data.funder.country}`],
    ['Partner', [data.partner.organisation, data.partner.country].filter(Boolean).join(', ')],
    ['Principal investigator', data.partner.principalInvestigator],
    [
      'Decision',
      { funded: 'Funded', 'funded-reduced': 'Funded, reduced budget', 'not-funded': 'Not funded' }[
        data.decision
      ],
    ],
    ['Amount granted', granted],
    ...(data.requested === undefined
      ? []
      : ([['Amount requested', formatMoney(data.requested)]] as [string, string][])),
    ...(data.reference === undefined ? [] : ([['Reference', data.reference]] as [string, string][])),
  ]);

  if (data.conditions.length > 0) {
    writer.heading('Conditions');
    data.conditions.forEach((condition, index) =>
      writer.paragraph(`${index + 1}. ${condition}`, { indent: 6 }),
    );
  }
  if (data.contact !== undefined) {
    writer.paragraph(
      `Questions: ${data.contact.name}${data.contact.email === undefined ? '' : `, ${data.contact.email}`}`,
    );
  }
  writer.paragraph(`Yours sincerely,\n${data.funder.name}`);
  return writer.save();
}
