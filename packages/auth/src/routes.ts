import rateLimit from '@fastify/rate-limit';
import { z } from 'zod';
import { AppError, authenticated, publicAccess, type FastifyPluginAsyncZod } from '@permed/http';
import { login, logout, refresh, type AuthDeps, type IssuedTokens } from './sessions.ts';

const tokensResponse = z.object({
  accessToken: z.string(),
  accessTokenExpiresAt: z.iso.datetime(),
  refreshToken: z.string(),
  sessionExpiresAt: z.iso.datetime(),
  user: z.object({ id: z.uuid(), email: z.string(), displayName: z.string() }),
});

const grantSchema = z.object({
  role: z.string(),
  scopeType: z.string(),
  scopeId: z.string(),
  subRole: z.string().nullable().optional(),
});

const toResponse = (t: IssuedTokens) => ({
  ...t,
  accessTokenExpiresAt: t.accessTokenExpiresAt.toISOString(),
  sessionExpiresAt: t.sessionExpiresAt.toISOString(),
});

/** Sign-in, token refresh, sign-out and "who am I". Rate-limited per client address. */
export function authRoutes(deps: AuthDeps): FastifyPluginAsyncZod {
  return async (app) => {
    await app.register(rateLimit, {
      global: false,
      errorResponseBuilder: (_req, context) =>
        new AppError('RATE_LIMITED', `Too many attempts; retry in ${Math.ceil(context.ttl / 1000)} s`, {
          headers: { 'retry-after': String(Math.ceil(context.ttl / 1000)) },
        }),
    });
    const limit = { max: deps.config.AUTH_RATE_LIMIT_PER_MINUTE, timeWindow: 60_000 };

    app.post(
      '/login',
      {
        config: { access: publicAccess, rateLimit: limit },
        schema: {
          tags: ['auth'],
          summary: 'Sign in with e-mail and password',
          body: z
            .object({ email: z.string().min(3).max(254), password: z.string().min(1).max(1024) })
            .strict(),
          response: { 200: tokensResponse },
        },
      },
      async (request) =>
        toResponse(
          await login(deps, {
            email: request.body.email,
            password: request.body.password,
            userAgent: request.headers['user-agent'],
            ip: request.ip,
            requestId: request.id,
          }),
        ),
    );

    app.post(
      '/refresh',
      {
        config: { access: publicAccess, rateLimit: limit },
        schema: {
          tags: ['auth'],
          summary: 'Exchange a refresh token for new tokens (the refresh token rotates)',
          body: z.object({ refreshToken: z.string().min(10).max(200) }).strict(),
          response: { 200: tokensResponse },
        },
      },
      async (request) => toResponse(await refresh(deps, request.body.refreshToken)),
    );

    app.post(
      '/logout',
      {
        config: { access: authenticated },
        schema: { tags: ['auth'], summary: 'Revoke the current session', security: [{ bearerAuth: [] }] },
      },
      async (request, reply) => {
        await logout(deps, request.principal!, request.id);
        return reply.code(204).send();
      },
    );

    app.get(
      '/me',
      {
        config: { access: authenticated },
        schema: {
          tags: ['auth'],
          summary: 'The signed-in user and its roles',
          security: [{ bearerAuth: [] }],
          response: {
            200: z.object({
              id: z.uuid(),
              email: z.string(),
              displayName: z.string(),
              grants: z.array(grantSchema),
            }),
          },
        },
      },
      async (request) => {
        const p = request.principal!;
        return { id: p.userId, email: p.email, displayName: p.displayName, grants: p.grants };
      },
    );
  };
}
