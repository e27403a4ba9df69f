import { z } from 'zod';
import { anyOf, type FastifyPluginAsyncZod } from '@permed/http';
import type { ServiceDeps } from '@permed/service-kit';

const serviceRoles = ['reviewer', 'call-office'] as const;

export function evaluationService(_deps: ServiceDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/access',
      {
        config: { access: anyOf(...serviceRoles) },
        schema: {
          tags: ['evaluation'],
          summary: 'The roles and scopes the signed-in user holds in this service',
          security: [{ bearerAuth: [] }],
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
  };
}
