import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { schema } from '@permed/db';
import { anyOf, publicAccess, type FastifyPluginAsyncZod } from '@permed/http';
import { actorOf } from '@permed/service-kit';
import { acceptInvitation } from '../accept-invitation.ts';
import { addReviewer } from '../add-reviewer.ts';
import { declineInvitation } from '../decline-invitation.ts';
import { requireCallContext, type UseCaseDeps } from '../evaluation-context.ts';
import { collaboratorInput, reviewerInput } from '../inputs.ts';
import { inviteReviewer } from '../invite-reviewer.ts';
import { requireOpenInvitation } from '../invitation-store.ts';
import type { ReviewerRow } from '../conflict-inputs.ts';
import { callParams, iso, officeContext, problems } from './common.ts';

const reviewerView = z.object({
  id: z.string(),
  callId: z.string(),
  name: z.string(),
  email: z.string(),
  organisation: z.object({ name: z.string(), rorId: z.string().nullable() }),
  country: z.string(),
  expertise: z.array(z.string()),
  orcid: z.string().nullable(),
  employedByFunderId: z.string().nullable(),
  collaborators: z.array(
    z.object({ name: z.string(), email: z.string().optional(), orcid: z.string().optional() }),
  ),
  maxLoad: z.number().nullable(),
  status: z.string(),
  confidentialityAccepted: z.boolean(),
  respondedAt: z.string().nullable(),
});

function toView(r: ReviewerRow, confidentialityAccepted: boolean): z.infer<typeof reviewerView> {
  return {
    id: r.id,
    callId: r.callId,
    name: r.name,
    email: r.email,
    organisation: { name: r.organisationName, rorId: r.organisationRorId },
    country: r.country,
    expertise: r.expertise,
    orcid: r.orcid,
    employedByFunderId: r.employedByFunderId,
    collaborators: r.collaborators,
    maxLoad: r.maxLoad,
    status: r.status,
    confidentialityAccepted,
    respondedAt: iso(r.respondedAt),
  };
}

const tokenField = z.string().min(20).max(200).describe('The token from the invitation e-mail');

/** The reviewer pool (call office) and the expert's answer to an invitation (public, by token). */
export function poolRoutes(deps: UseCaseDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/calls/:callId/reviewers',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'addReviewer',
          tags: ['evaluation (call office)'],
          summary: 'List an expert in the call’s reviewer pool',
          params: callParams,
          body: reviewerInput,
          response: { 201: reviewerView, ...problems },
        },
      },
      async (request, reply) => {
        const ctx = await officeContext(deps, request.principal!, request.params.callId);
        const row = await addReviewer(deps, actorOf(request.principal), ctx, request.body);
        return reply.code(201).send(toView(row, false));
      },
    );

    app.get(
      '/calls/:callId/reviewers',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'listReviewers',
          tags: ['evaluation (call office)'],
          summary: 'The reviewer pool with invitation and confidentiality status',
          params: callParams,
          response: { 200: z.array(reviewerView), ...problems },
        },
      },
      async (request) => {
        const ctx = await officeContext(deps, request.principal!, request.params.callId);
        const rows = await deps.db
          .select()
          .from(schema.reviewers)
          .where(eq(schema.reviewers.callId, ctx.callId))
          .orderBy(asc(schema.reviewers.name), asc(schema.reviewers.id));
        const accepted = await deps.db
          .select({ reviewerId: schema.confidentialityAcceptances.reviewerId })
          .from(schema.confidentialityAcceptances)
          .where(eq(schema.confidentialityAcceptances.callId, ctx.callId));
        const confidential = new Set(accepted.map((a) => a.reviewerId));
        return rows.map((r) => toView(r, confidential.has(r.id)));
      },
    );

    app.post(
      '/calls/:callId/reviewers/:reviewerId/invitations',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'inviteReviewer',
          tags: ['evaluation (call office)'],
          summary: 'E-mail the expert a single-use invitation link (a new one revokes the earlier links)',
          params: z.object({ callId: z.uuid(), reviewerId: z.uuid() }).strict(),
          response: { 201: z.object({ invitationId: z.string(), expiresAt: z.string() }), ...problems },
        },
      },
      async (request, reply) => {
        const ctx = await officeContext(deps, request.principal!, request.params.callId);
        const result = await inviteReviewer(deps, actorOf(request.principal), ctx, request.params.reviewerId);
        return reply
          .code(201)
          .send({ invitationId: result.invitationId, expiresAt: result.expiresAt.toISOString() });
      },
    );

    app.post(
      '/invitations/view',
      {
        config: { access: publicAccess },
        schema: {
          operationId: 'viewReviewerInvitation',
          tags: ['evaluation (reviewer)'],
          summary: 'What an invitation is for (the token travels in the body, never in a logged URL)',
          body: z.object({ token: tokenField }).strict(),
          response: {
            200: z.object({
              callId: z.string(),
              callTitle: z.string(),
              name: z.string(),
              email: z.string(),
              expiresAt: z.string(),
            }),
            ...problems,
            410: z.unknown(),
          },
        },
      },
      async (request) => {
        const { invitation, reviewer } = await requireOpenInvitation(
          deps.db,
          request.body.token,
          deps.clock.now(),
        );
        const ctx = await requireCallContext(deps.db, reviewer.callId);
        return {
          callId: reviewer.callId,
          callTitle: ctx.definition.title,
          name: reviewer.name,
          email: reviewer.email,
          expiresAt: invitation.expiresAt.toISOString(),
        };
      },
    );

    app.post(
      '/invitations/accept',
      {
        config: { access: publicAccess },
        schema: {
          operationId: 'acceptReviewerInvitation',
          tags: ['evaluation (reviewer)'],
          summary:
            'Accept an invitation: signed in, it joins your account; otherwise give a password to create the account',
          body: z
            .object({
              token: tokenField,
              password: z.string().min(12).max(1024).optional(),
              displayName: z.string().trim().min(1).max(200).optional(),
              collaborators: z.array(collaboratorInput).max(200).optional(),
            })
            .strict(),
          response: {
            200: z.object({
              reviewerId: z.string(),
              callId: z.string(),
              userId: z.string(),
              accountCreated: z.boolean(),
            }),
            ...problems,
            410: z.unknown(),
          },
        },
      },
      async (request) => acceptInvitation(deps, request.principal, request.body),
    );

    app.post(
      '/invitations/decline',
      {
        config: { access: publicAccess },
        schema: {
          operationId: 'declineReviewerInvitation',
          tags: ['evaluation (reviewer)'],
          summary: 'Decline an invitation',
          body: z.object({ token: tokenField, reason: z.string().max(2000).optional() }).strict(),
          response: {
            200: z.object({ reviewerId: z.string(), callId: z.string() }),
            ...problems,
            410: z.unknown(),
          },
        },
      },
      async (request) => declineInvitation(deps, request.principal, request.body),
    );
  };
}
