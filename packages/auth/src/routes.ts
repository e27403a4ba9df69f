import rateLimit from '@fastify/rate-limit';
import { z } from 'zod';
import {
  AppError,
  authenticated,
  publicAccess,
  type FastifyPluginAsyncZod,
  type Principal,
} from '@permed/http';
import { ianaZone } from '@permed/domain';
import { login, logout, refresh, updateProfile, type AuthDeps, type IssuedTokens } from './sessions.ts';

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

const meResponse = z.object({
  id: z.uuid(),
  email: z.string(),
  displayName: z.string(),
  timeZone: z.string().nullable().describe('The IANA zone the user reads dates in; null: none chosen'),
  grants: z.array(grantSchema),
});

const meOf = (p: Principal): z.infer<typeof meResponse> => ({
  id: p.userId,
  email: p.email,
  displayName: p.displayName,
  timeZone: p.timeZone ?? null,
  grants: p.grants,
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
          operationId: 'login',
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
          operationId: 'refreshSession',
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
        schema: {
          operationId: 'logout',
          tags: ['auth'],
          summary: 'Revoke the current session',
          response: { 204: z.null().describe('The session is revoked') },
        },
      },
      async (request, reply) => {
        await logout(deps, request.principal!, request.id);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/me',
      {
        config: { access: authenticated },
        schema: {
          operationId: 'getMe',
          tags: ['auth'],
          summary: 'The signed-in user, its roles and its settings',
          response: { 200: meResponse },
        },
      },
      async (request) => meOf(request.principal!),
    );

    app.patch(
      '/me',
      {
        config: { access: authenticated },
        schema: {
          operationId: 'updateMe',
          tags: ['auth'],
          summary: "Change the signed-in user's own settings",
          description:
            '`timeZone`: the IANA zone the user reads dates in (e.g. "Europe/Madrid"); views that show a deadline in "your zone" use it when the request names none. null clears it.',
          body: z.object({ timeZone: ianaZone.nullable() }).strict(),
          response: { 200: meResponse },
        },
      },
      async (request) => {
        const { timeZone } = await updateProfile(deps, request.principal!, request.body, request.id);
        return meOf({ ...request.principal!, timeZone });
      },
    );
  };
}
