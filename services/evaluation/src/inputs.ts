import { z } from 'zod';
import { countryCode, funderId, orcid, rorId } from '@permed/domain';
import { evaluationStages } from './evaluation-context.ts';

/** Request schemas shared by the routes and the use cases (the use cases take parsed input). */

export const stageInput = z.enum(evaluationStages).describe('pre-proposal or full-proposal');

const name = z.string().trim().min(1).max(200);

export const collaboratorInput = z
  .object({ name, email: z.email().max(254).optional(), orcid: orcid.optional() })
  .strict()
  .describe('A co-author or collaborator: a principal investigator matching them is a conflict');
export type CollaboratorInput = z.infer<typeof collaboratorInput>;

export const reviewerInput = z
  .object({
    name,
    email: z.email().max(254),
    organisation: z.object({ name: z.string().trim().min(1).max(300), rorId: rorId.optional() }).strict(),
    country: countryCode,
    expertise: z.array(z.string().trim().min(1).max(100)).max(50).default([]),
    orcid: orcid.optional(),
    employedByFunderId: funderId
      .optional()
      .describe('A funder of this call that employs the expert (conflict with the partners it funds)'),
    collaborators: z.array(collaboratorInput).max(200).default([]),
    maxLoad: z.number().int().min(0).max(200).optional().describe('A lower load the expert agreed to'),
  })
  .strict();
export type ReviewerInput = z.infer<typeof reviewerInput>;

export const scoreInput = z
  .object({
    criterionId: z.string().min(1).max(64),
    score: z.number(),
    comment: z.string().max(20_000).optional(),
  })
  .strict();
export type ScoreInput = z.infer<typeof scoreInput>;

export const scoresInput = z.array(scoreInput).max(20);

export const pairInput = z.object({ proposalId: z.uuid(), reviewerId: z.uuid() }).strict();
export type PairInput = z.infer<typeof pairInput>;
