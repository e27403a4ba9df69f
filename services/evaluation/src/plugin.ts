import { z } from 'zod';
import { anyOf, type FastifyPluginAsyncZod } from '@permed/http';
import type { ServiceDeps } from '@permed/service-kit';
import { applicantRoutes } from './routes/applicant-routes.ts';
import { officeRoutes } from './routes/office-routes.ts';
import { poolRoutes } from './routes/pool-routes.ts';
import { reviewerRoutes } from './routes/reviewer-routes.ts';

const serviceRoles = ['reviewer', 'call-office'] as const;

/**
 * The evaluation panel: reviewer pool and invitations, confidentiality, conflicts of interest,
 * assignment, reviews, anonymised release for the rebuttal, consensus, ranking and its freeze.
 */
export function evaluationService(deps: ServiceDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/access',
      {
        config: { access: anyOf(...serviceRoles) },
        schema: {
          operationId: 'getEvaluationAccess',
          tags: ['evaluation'],
          summary: 'The roles and scopes the signed-in user holds in this service',
          response: {
            200: z.object({
              service: z.literal('evaluation'),
              grants: z.array(z.object({ role: z.string(), scopeType: z.string(), scopeId: z.string() })),
            }),
          },
        },
      },
      async (request) => ({
        service: 'evaluation' as const,
        grants: request
          .principal!.grants.filter(
            (g) => g.role === 'admin' || (serviceRoles as readonly string[]).includes(g.role),
          )
          .map(({ role, scopeType, scopeId }) => ({ role, scopeType, scopeId })),
      }),
    );
    await app.register(poolRoutes(deps));
    await app.register(reviewerRoutes(deps));
    await app.register(officeRoutes(deps));
    await app.register(applicantRoutes(deps));
  };
}
