import { z } from 'zod';
import { ianaZone, partner } from '@permed/domain';
import { anyOf, authenticated, type FastifyPluginAsyncZod, requiredIfMatchHeader } from '@permed/http';
import { ifMatchVersion } from '@permed/service-kit';
import { addPartner } from '../add-partner.ts';
import { createProposal } from '../create-proposal.ts';
import type { ProposalsContext } from '../deps.ts';
import { createProposalBody, headerPatch } from '../draft-schema.ts';
import { listMyProposals } from '../list-my-proposals.ts';
import { etag } from '../precondition.ts';
import { resolveProposalAccess } from '../proposal-access.ts';
import { findPartner } from '../proposal-store.ts';
import { partnerView as toPartnerView, readProposal, validateProposal } from '../read-proposal.ts';
import { removePartner } from '../remove-partner.ts';
import { updateHeader } from '../update-header.ts';
import { updatePartner } from '../update-partner.ts';
import {
  headerView,
  partnerParams,
  partnerView,
  problemView,
  problems,
  proposalIdParams,
  proposalView,
} from './route-schemas.ts';
import { AppError } from '@permed/http';
import { storedHeader } from '../draft-schema.ts';

const tags = ['proposals'];
const readers = anyOf('applicant', 'call-office');

export function draftRoutes(ctx: ProposalsContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/',
      {
        config: { access: authenticated },
        schema: {
          operationId: 'createProposal',
          tags,
          summary: 'Start a proposal in a call whose submission stage is open; you become its coordinator',
          description:
            'Partners are validated as in the ProposalDocument (ORCID and ROR checksums, ISO country, region and currency codes) and against the call: each funder must take part in the call and each budget be in its currency. Fields left out start empty; completeness is reported by GET /{id}/validation.',
          body: createProposalBody,
          response: { 201: proposalView, ...problems(400, 401, 404, 409) },
        },
      },
      async (request, reply) => {
        const created = await createProposal(ctx, request.principal!, request.body);
        // The creator's new grant is read on the next request; read the view as that user now would.
        const principal = {
          ...request.principal!,
          grants: [
            ...request.principal!.grants,
            {
              role: 'applicant' as const,
              scopeType: 'proposal' as const,
              scopeId: created.proposal.id,
              subRole: 'coordinator',
            },
          ],
        };
        const { view } = await readProposal(ctx, principal, created.proposal.id);
        return reply
          .code(201)
          .header('etag', etag(created.proposal.draftVersion))
          .header('location', `${app.prefix}/${created.proposal.id}`)
          .send(view);
      },
    );

    app.get(
      '/mine',
      {
        config: { access: authenticated },
        schema: {
          operationId: 'listMyProposals',
          tags,
          summary: 'The proposals you belong to, with your role, their state and the next deadline',
          description:
            "Deadlines are given in UTC, in the call's zone and in `zone`: the IANA zone the request names, else the one the user chose (`PATCH /api/auth/me`), else the call's.",
          querystring: z.object({ zone: ianaZone.optional() }).strict(),
          response: {
            200: z.object({
              serverTime: z.string(),
              proposals: z.array(
                z.object({
                  id: z.string(),
                  acronym: z.string(),
                  title: z.string(),
                  call: z.object({ slug: z.string(), title: z.string(), zone: z.string() }),
                  stage: z.string(),
                  state: z.string(),
                  role: z.string(),
                  partnerId: z.string().nullable(),
                  nextDeadline: z
                    .object({
                      label: z.string(),
                      at: z.string(),
                      callZone: z.string(),
                      inCallZone: z.string(),
                      zone: z.string(),
                      inZone: z.string(),
                    })
                    .nullable(),
                  updatedAt: z.string(),
                  changedSinceSubmission: z
                    .boolean()
                    .describe(
                      'Submitted, and the draft (header, a partner section, a document) changed after the latest submission: the changes reach the funders only if submitted again',
                    ),
                }),
              ),
            }),
            ...problems(400, 401),
          },
        },
      },
      async (request) => listMyProposals(ctx, request.principal!, request.query.zone),
    );

    app.get(
      '/:id',
      {
        config: { access: readers },
        schema: {
          operationId: 'getProposal',
          tags,
          summary:
            'The draft: header and partner sections, each with its version (ETag), documents and submitted versions',
          params: proposalIdParams,
          response: { 200: proposalView, ...problems(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        const { access, view } = await readProposal(ctx, request.principal!, request.params.id);
        void reply.header('etag', etag(access.proposal.draftVersion));
        return view;
      },
    );

    app.patch(
      '/:id',
      {
        config: { access: anyOf('applicant') },
        schema: {
          operationId: 'updateProposalHeader',
          tags,
          summary:
            'Change header fields (If-Match: the header version); coordinator or consortium-wide editor',
          params: proposalIdParams,
          headers: z.looseObject({ ...requiredIfMatchHeader }),
          body: headerPatch,
          response: { 200: headerView, ...problems(400, 401, 403, 404, 409, 412, 428) },
        },
      },
      async (request, reply) => {
        const expected = ifMatchVersion(request.headers['if-match'], true)!;
        const row = await updateHeader(ctx, request.principal!, request.params.id, expected, request.body);
        void reply.header('etag', etag(row.draftVersion));
        return { ...storedHeader(row.draft), version: row.draftVersion };
      },
    );

    app.post(
      '/:id/partners',
      {
        config: { access: anyOf('applicant') },
        schema: {
          operationId: 'addPartner',
          tags,
          summary: 'Add a partner section (coordinator or consortium-wide editor)',
          params: proposalIdParams,
          body: partner,
          response: { 201: partnerView, ...problems(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        const row = await addPartner(ctx, request.principal!, request.params.id, request.body);
        return reply
          .code(201)
          .header('etag', etag(row.version))
          .header('location', `${app.prefix}/${request.params.id}/partners/${row.partnerId}`)
          .send(toPartnerView(row));
      },
    );

    app.get(
      '/:id/partners/:partnerId',
      {
        config: { access: readers },
        schema: {
          operationId: 'getPartner',
          tags,
          summary: 'One partner section with its version (ETag)',
          params: partnerParams,
          response: { 200: partnerView, ...problems(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        await resolveProposalAccess(ctx.db, request.principal!, request.params.id);
        const row = await findPartner(ctx.db, request.params.id, request.params.partnerId);
        if (!row) throw new AppError('NOT_FOUND', `No partner ${request.params.partnerId}`);
        void reply.header('etag', etag(row.version));
        return toPartnerView(row);
      },
    );

    app.put(
      '/:id/partners/:partnerId',
      {
        config: { access: anyOf('applicant') },
        schema: {
          operationId: 'replacePartner',
          tags,
          summary:
            "Replace a partner section (If-Match: the section's version); a partner's editor only its own",
          params: partnerParams,
          headers: z.looseObject({ ...requiredIfMatchHeader }),
          body: partner,
          response: { 200: partnerView, ...problems(400, 401, 403, 404, 409, 412, 428) },
        },
      },
      async (request, reply) => {
        const expected = ifMatchVersion(request.headers['if-match'], true)!;
        const row = await updatePartner(
          ctx,
          request.principal!,
          request.params.id,
          request.params.partnerId,
          expected,
          request.body,
        );
        void reply.header('etag', etag(row.version));
        return toPartnerView(row);
      },
    );

    app.delete(
      '/:id/partners/:partnerId',
      {
        config: { access: anyOf('applicant') },
        schema: {
          operationId: 'removePartner',
          tags,
          summary:
            "Remove a partner section (If-Match: the section's version); coordinator or consortium-wide editor",
          params: partnerParams,
          headers: z.looseObject({ ...requiredIfMatchHeader }),
          response: { 204: z.null(), ...problems(400, 401, 403, 404, 409, 412, 428) },
        },
      },
      async (request, reply) => {
        const expected = ifMatchVersion(request.headers['if-match'], true)!;
        await removePartner(ctx, request.principal!, request.params.id, request.params.partnerId, expected);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/:id/validation',
      {
        config: { access: readers },
        schema: {
          operationId: 'validateProposal',
          tags,
          summary: 'What stands between the draft and a submission, and the eligibility pre-check',
          description:
            'Completeness problems (missing document, empty abstract, abstract over the call limit counted in Unicode code points, ...) and the findings of the automatic eligibility check (@permed/rules) against the current call version. Errors block submission; warnings do not.',
          params: proposalIdParams,
          response: {
            200: z.object({
              stage: z.string(),
              state: z.string(),
              callVersion: z.number(),
              serverTime: z.string(),
              blockingErrors: z.number(),
              warnings: z.number(),
              problems: z.array(problemView),
              eligibility: z.record(z.string(), z.unknown()).nullable(),
            }),
            ...problems(400, 401, 403, 404),
          },
        },
      },
      async (request) => {
        const report = await validateProposal(ctx, request.principal!, request.params.id);
        return { ...report, eligibility: report.eligibility as Record<string, unknown> | null };
      },
    );
  };
}
