import { z } from 'zod';
import { anyOf, type FastifyPluginAsyncZod } from '@permed/http';
import { proposalsContext, type ProposalsDeps } from './deps.ts';
import { draftRoutes } from './routes/draft-routes.ts';
import { stageRoutes } from './routes/stage-routes.ts';
import { submissionRoutes } from './routes/submission-routes.ts';
import { teamRoutes } from './routes/team-routes.ts';
import { uploadRoutes } from './routes/upload-routes.ts';

const serviceRoles = ['applicant'] as const;

/**
 * The consortium workspace: drafts with per-section versions, team and invitations, PDF uploads,
 * validation with the eligibility pre-check, submission with receipts, full stage, rebuttal.
 * Extra deps (review source, blob store, PDF inspector) are optional; see ProposalsExtras.
 */
export function proposalsService(deps: ProposalsDeps): FastifyPluginAsyncZod {
  const ctx = proposalsContext(deps);
  return async (app) => {
    app.get(
      '/access',
      {
        config: { access: anyOf(...serviceRoles) },
        schema: {
          operationId: 'getProposalsAccess',
          tags: ['proposals'],
          summary: 'The roles and scopes the signed-in user holds in this service',
          response: {
            200: z.object({
              service: z.literal('proposals'),
              grants: z.array(z.object({ role: z.string(), scopeType: z.string(), scopeId: z.string() })),
            }),
          },
        },
      },
      async (request) => ({
        service: 'proposals' as const,
        grants: request
          .principal!.grants.filter(
            (g) => g.role === 'admin' || (serviceRoles as readonly string[]).includes(g.role),
          )
          .map(({ role, scopeType, scopeId }) => ({ role, scopeType, scopeId })),
      }),
    );
    await app.register(draftRoutes(ctx));
    await app.register(uploadRoutes(ctx));
    await app.register(submissionRoutes(ctx));
    await app.register(teamRoutes(ctx));
    await app.register(stageRoutes(ctx));
  };
}
