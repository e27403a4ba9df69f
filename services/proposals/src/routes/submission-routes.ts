import { z } from 'zod';
import {
  AppError,
  anyOf,
  contentDisposition,
  type FastifyPluginAsyncZod,
  idempotencyKeyHeader,
} from '@permed/http';
import type { ProposalsContext } from '../deps.ts';
import { receiptOf } from '../receipt.ts';
import { ensureReceiptPdf } from '../receipt-pdf.ts';
import { readVersion } from '../read-proposal.ts';
import { resolveProposalAccess } from '../proposal-access.ts';
import { listVersions } from '../proposal-store.ts';
import { submitProposal } from '../submit-proposal.ts';
import { withdrawProposal } from '../withdraw-proposal.ts';
import { problems, proposalIdParams, receiptView, seqParams } from './route-schemas.ts';

const tags = ['proposals: submission'];

export function submissionRoutes(ctx: ProposalsContext): FastifyPluginAsyncZod {
  return async (app) => {
    const publicBase = () =>
      `${ctx.config.PUBLIC_URL ?? `http://${ctx.config.HOST}:${ctx.config.PORT}`}${app.prefix}`;

    app.post(
      '/:id/submit',
      {
        config: { access: anyOf('applicant') },
        schema: {
          operationId: 'submitProposal',
          tags,
          summary: 'Submit the draft as a new immutable version (coordinator); returns the receipt',
          description:
            'The deadline is decided by the server clock inside the transaction that stores the version: late gives 409 DEADLINE_PASSED with `serverTime` and the `deadline` (instant, zone, local time), also once the call has moved the proposal on (eligibility check and later); a withdrawn proposal gives 409 INVALID_TRANSITION. Blocking validation errors give 422 SUBMISSION_BLOCKED. Every submission before the deadline is a new version; the last one counts. Send an `Idempotency-Key` header (1–128 of A–Z a–z 0–9 . _ : -) to make a retry return the same receipt (200, `Idempotent-Replayed: true`) instead of a new version. The PDF receipt is built after commit and downloadable from `receiptPdf`.',
          params: proposalIdParams,
          headers: z.looseObject({ ...idempotencyKeyHeader }),
          response: { 200: receiptView, 201: receiptView, ...problems(400, 401, 403, 404, 409, 422) },
        },
      },
      async (request, reply) => {
        // Node joins repeated headers into one string; the use case refuses anything malformed.
        const header: unknown = request.headers['idempotency-key'];
        const { receipt, replayed } = await submitProposal(ctx, request.principal!, request.params.id, {
          idempotencyKey: typeof header === 'string' ? header : null,
          linkBase: app.prefix,
          publicBase: publicBase(),
        });
        if (replayed) void reply.header('idempotent-replayed', 'true');
        return reply
          .code(replayed ? 200 : 201)
          .header('location', `${app.prefix}/${receipt.proposalId}/versions/${receipt.version}`)
          .send(receipt);
      },
    );

    app.post(
      '/:id/withdraw',
      {
        config: { access: anyOf('applicant') },
        schema: {
          operationId: 'withdrawProposal',
          tags,
          summary: 'Withdraw the proposal (coordinator); possible from every open state',
          params: proposalIdParams,
          body: z
            .object({ reason: z.string().trim().min(1).max(2000).optional() })
            .strict()
            .nullish(),
          response: {
            200: z.object({ from: z.string(), to: z.string() }),
            ...problems(400, 401, 403, 404, 409),
          },
        },
      },
      async (request) => withdrawProposal(ctx, request.principal!, request.params.id, request.body?.reason),
    );

    app.get(
      '/:id/versions',
      {
        config: { access: anyOf('applicant', 'call-office') },
        schema: {
          operationId: 'listProposalVersions',
          tags,
          summary: 'The submitted versions, oldest first, as receipts',
          params: proposalIdParams,
          response: { 200: z.array(receiptView), ...problems(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const access = await resolveProposalAccess(ctx.db, request.principal!, request.params.id);
        const versions = await listVersions(ctx.db, request.params.id);
        const out = [];
        for (const v of versions) {
          const call = await ctx.calls.version(ctx.db, access.proposal.callId, v.callVersion);
          out.push(receiptOf(v, { slug: call.slug, zone: call.definition.zone }, { base: app.prefix }));
        }
        return out;
      },
    );

    app.get(
      '/:id/versions/:seq',
      {
        config: { access: anyOf('applicant', 'call-office') },
        schema: {
          operationId: 'getProposalVersion',
          tags,
          summary: 'One submitted version: the canonical document, its documents and hashes (immutable)',
          params: seqParams,
          response: {
            200: z.object({
              proposalId: z.string(),
              seq: z.number(),
              stage: z.string(),
              callVersion: z.number(),
              submittedAt: z.string(),
              contentHash: z.string(),
              document: z.record(z.string(), z.unknown()),
              documents: z.array(z.record(z.string(), z.unknown())),
            }),
            ...problems(400, 401, 403, 404),
          },
        },
      },
      async (request, reply) => {
        const v = await readVersion(ctx, request.principal!, request.params.id, request.params.seq);
        // Immutable, but confidential: the platform marks it no-store like every non-public answer.
        void reply.header('etag', `"${v.contentHash}"`);
        return {
          proposalId: v.proposalId,
          seq: v.seq,
          stage: v.stage,
          callVersion: v.callVersion,
          submittedAt: v.submittedAt.toISOString(),
          contentHash: v.contentHash,
          document: v.document,
          documents: v.documents,
        };
      },
    );

    app.get(
      '/:id/versions/:seq/receipt.pdf',
      {
        config: { access: anyOf('applicant', 'call-office') },
        schema: {
          operationId: 'downloadReceiptPdf',
          produces: ['application/pdf'],
          tags,
          summary: 'The PDF receipt of a version',
          description:
            'Built after commit by the outbox (kind receipt-pdf). If the outbox has not run yet, the first download builds it (same bytes: the builder is deterministic) and stores it.',
          params: seqParams,
          response: problems(400, 401, 403, 404),
        },
      },
      async (request, reply) => {
        const v = await readVersion(ctx, request.principal!, request.params.id, request.params.seq);
        const stored = await ensureReceiptPdf(ctx, v.proposalId, v.seq);
        if (!stored) throw new AppError('NOT_FOUND');
        const acronym = (v.document as { acronym?: string }).acronym ?? 'proposal';
        return reply
          .type('application/pdf')
          .header('content-length', stored.bytes)
          .header('etag', `"${stored.sha256}"`)
          .header('content-disposition', contentDisposition('inline', `receipt-${acronym}-v${v.seq}.pdf`))
          .send(ctx.blobs.stream(stored.sha256));
      },
    );
  };
}
