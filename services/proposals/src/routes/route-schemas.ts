import { z } from 'zod';
import { partner, partnerId as partnerIdSchema } from '@permed/domain';

/** Problem documents (RFC 9457) are rendered by the platform's error handler. */
const problem = z.unknown().describe('application/problem+json');
export const problems = (...statuses: number[]): Record<number, typeof problem> =>
  Object.fromEntries(statuses.map((s) => [s, problem]));

export const proposalIdParams = z.object({ id: z.uuid() }).strict();
export const partnerParams = z.object({ id: z.uuid(), partnerId: partnerIdSchema }).strict();
export const seqParams = z
  .object({ id: z.uuid(), seq: z.coerce.number().int().min(1).max(1_000_000) })
  .strict();

export const headerView = z.object({
  acronym: z.string(),
  title: z.string(),
  abstract: z.string(),
  keywords: z.array(z.string()),
  modules: z.array(z.string()),
  durationMonths: z.number().nullable(),
  version: z.number().describe('ETag of the header'),
});

export const partnerView = partner.extend({ version: z.number().describe('ETag of this section') });

export const documentView = z.object({
  kind: z.string(),
  fileName: z.string(),
  sha256: z.string(),
  bytes: z.number(),
  pages: z.number(),
  pdfVersion: z.string(),
  uploadedAt: z.string(),
});

export const proposalView = z.object({
  id: z.string(),
  call: z.object({ slug: z.string(), title: z.string(), version: z.number(), zone: z.string() }),
  stage: z.enum(['pre-proposal', 'full-proposal']),
  state: z.string(),
  allowedEvents: z
    .array(z.string())
    .describe(
      'What you may send now (SUBMIT, SUBMIT_FULL, WITHDRAW, OPEN_FULL_PROPOSAL, by your role); never what the scheduler or the call office fires',
    ),
  you: z.object({ role: z.string(), partnerId: z.string().nullable() }),
  header: headerView,
  partners: z.array(partnerView),
  documents: z.array(documentView),
  versions: z.array(
    z.object({ seq: z.number(), stage: z.string(), submittedAt: z.string(), contentHash: z.string() }),
  ),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const receiptView = z.object({
  proposalId: z.string(),
  acronym: z.string(),
  title: z.string(),
  stage: z.string(),
  version: z.number(),
  callSlug: z.string(),
  callVersion: z.number(),
  submittedAt: z.string().describe('Server time of the submission, UTC'),
  submittedAtCallZone: z.string().describe("The same instant in the call's zone"),
  zone: z.string(),
  contentHash: z.string().describe('SHA-256 of the canonical (RFC 8785) { document, documents }'),
  documents: z.array(
    z.object({
      kind: z.string(),
      name: z.string(),
      sha256: z.string(),
      bytes: z.number(),
      pages: z.number(),
    }),
  ),
  receiptPdf: z.string(),
});

export const problemView = z.object({
  level: z.enum(['error', 'warning']),
  code: z.string(),
  path: z.string(),
  message: z.string(),
  ruleId: z.string().optional(),
  funderId: z.string().optional(),
  partnerIds: z.array(z.string()).optional(),
});
