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

/** An error answer (application/problem+json, RFC 9457); loose so that extension members pass. */
export const problemResponse = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string().optional(),
    errors: z
      .array(
        z.looseObject({
          in: z.string().optional(),
          path: z.string(),
          message: z.string(),
          code: z.string().optional(),
        }),
      )
      .optional(),
  })
  .describe('application/problem+json (RFC 9457) with a stable `code`');

const tokensResponse = z.object({
  accessToken: z.string(),
  accessTokenExpiresAt: z.iso.datetime(),
  refreshToken: z.string(),
  sessionExpiresAt: z.iso.datetime(),
  user: z.object({ id: z.uuid(), email: z.string(), displayName: z.string() }),
  deviceToken: z
    .string()
    .optional()
    .describe(
      'Sign-in only. Keep it and send it with later sign-ins from this client: a throttle that strangers cause on the account then does not apply to you.',
    ),
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
          tags: ['auth'],
          summary: 'Sign in with e-mail and password',
          description:
            'After 5 attempts for one e-mail address (from any client address) further attempts are refused with 429 RATE_LIMITED and Retry-After for 30 s, doubling with each failure after it up to 15 minutes, whether or not the address has an account. A client that signed in before sends its `deviceToken` and is counted on its own; a password reset clears the count.',
          body: z
            .object({
              email: z.string().min(3).max(254),
              password: z.string().min(1).max(1024),
              deviceToken: z.string().max(2000).optional(),
            })
            .strict(),
          response: { 200: tokensResponse, 429: problemResponse },
        },
      },
      async (request) =>
        toResponse(
          await login(deps, {
            email: request.body.email,
            password: request.body.password,
            deviceToken: request.body.deviceToken,
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
          summary: 'The signed-in user, its roles and its settings',
          security: [{ bearerAuth: [] }],
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
          tags: ['auth'],
          summary: "Change the signed-in user's own settings",
          description:
            '`timeZone`: the IANA zone the user reads dates in (e.g. "Europe/Madrid"); views that show a deadline in "your zone" use it when the request names none. null clears it.',
          security: [{ bearerAuth: [] }],
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
