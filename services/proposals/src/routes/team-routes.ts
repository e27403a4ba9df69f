import { z } from 'zod';
import { partnerId } from '@permed/domain';
import { anyOf, authenticated, type FastifyPluginAsyncZod } from '@permed/http';
import { acceptInvitation } from '../accept-invitation.ts';
import type { ProposalsContext } from '../deps.ts';
import { inviteMember, type InvitationRow } from '../invite-member.ts';
import { listInvitations, listMembers, removeMember, revokeInvitation } from '../manage-team.ts';
import { problems, proposalIdParams } from './route-schemas.ts';

const tags = ['proposals: team'];

const invitationView = z.object({
  id: z.string(),
  email: z.string(),
  role: z.enum(['editor', 'viewer']),
  partnerId: z.string().nullable(),
  status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
  expiresAt: z.string(),
  createdAt: z.string(),
});

function invitationOf(row: InvitationRow, now: Date): z.infer<typeof invitationView> {
  const status = row.acceptedAt
    ? 'accepted'
    : row.revokedAt
      ? 'revoked'
      : row.expiresAt.getTime() <= now.getTime()
        ? 'expired'
        : 'pending';
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    partnerId: row.partnerId,
    status,
    expiresAt: row.expiresAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
  };
}

export function teamRoutes(ctx: ProposalsContext): FastifyPluginAsyncZod {
  return async (app) => {
    const publicBase = () =>
      `${ctx.config.PUBLIC_URL ?? `http://${ctx.config.HOST}:${ctx.config.PORT}`}${app.prefix}`;

    app.post(
      '/:id/invitations',
      {
        config: { access: anyOf('applicant') },
        schema: {
          operationId: 'inviteMember',
          tags,
          summary:
            'Invite someone by e-mail as editor (optionally of one partner section) or viewer (coordinator)',
          description:
            'The single-use token goes only into the e-mail (sent through the outbox); it expires after 14 days. A new invitation to the same address withdraws the pending one.',
          params: proposalIdParams,
          body: z
            .object({
              email: z.email().max(254),
              role: z.enum(['editor', 'viewer']),
              partnerId: partnerId.optional().describe('Ties an editor to this partner section'),
            })
            .strict(),
          response: { 201: invitationView, ...problems(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        const row = await inviteMember(ctx, request.principal!, request.params.id, request.body, {
          publicBase: publicBase(),
          // The web page of the link (services/web, /proposal-invitation) is served at the root.
          webBase: (ctx.config.PUBLIC_URL ?? `http://${ctx.config.HOST}:${ctx.config.PORT}`).replace(
            /\/$/,
            '',
          ),
        });
        return reply.code(201).send(invitationOf(row, ctx.clock.now()));
      },
    );

    app.get(
      '/:id/invitations',
      {
        config: { access: anyOf('applicant') },
        schema: {
          operationId: 'listInvitations',
          tags,
          summary: 'Invitations of this proposal and their status (coordinator)',
          params: proposalIdParams,
          response: { 200: z.array(invitationView), ...problems(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const now = ctx.clock.now();
        return (await listInvitations(ctx, request.principal!, request.params.id)).map((r) =>
          invitationOf(r, now),
        );
      },
    );

    app.delete(
      '/:id/invitations/:invitationId',
      {
        config: { access: anyOf('applicant') },
        schema: {
          operationId: 'withdrawInvitation',
          tags,
          summary: 'Withdraw a pending invitation (coordinator)',
          params: z.object({ id: z.uuid(), invitationId: z.uuid() }).strict(),
          response: { 204: z.null(), ...problems(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        await revokeInvitation(ctx, request.principal!, request.params.id, request.params.invitationId);
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/invitations/accept',
      {
        config: { access: authenticated },
        schema: {
          operationId: 'acceptInvitation',
          tags,
          summary: 'Accept an invitation with the token from the e-mail (signed in)',
          body: z.object({ token: z.string().min(20).max(200) }).strict(),
          response: {
            200: z.object({
              proposalId: z.string(),
              role: z.enum(['editor', 'viewer']),
              partnerId: z.string().nullable(),
            }),
            ...problems(400, 401, 404, 409, 410),
          },
        },
      },
      async (request) => acceptInvitation(ctx, request.principal!, request.body.token),
    );

    app.get(
      '/:id/members',
      {
        config: { access: anyOf('applicant', 'call-office') },
        schema: {
          operationId: 'listMembers',
          tags,
          summary: 'The team: members with their role and partner section',
          params: proposalIdParams,
          response: {
            200: z.array(
              z.object({
                userId: z.string(),
                email: z.string(),
                displayName: z.string(),
                role: z.string(),
                partnerId: z.string().nullable(),
                addedAt: z.string(),
              }),
            ),
            ...problems(400, 401, 403, 404),
          },
        },
      },
      async (request) =>
        (await listMembers(ctx, request.principal!, request.params.id)).map((m) => ({
          ...m,
          addedAt: m.addedAt.toISOString(),
        })),
    );

    app.delete(
      '/:id/members/:userId',
      {
        config: { access: anyOf('applicant') },
        schema: {
          operationId: 'removeMember',
          tags,
          summary: 'Remove a member (coordinator); their access ends at their next request',
          params: z.object({ id: z.uuid(), userId: z.uuid() }).strict(),
          response: { 204: z.null(), ...problems(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        await removeMember(ctx, request.principal!, request.params.id, request.params.userId);
        return reply.code(204).send(null);
      },
    );
  };
}
