import rateLimit from '@fastify/rate-limit';
import { z } from 'zod';
import {
  AppError,
  authenticated,
  publicAccess,
  type FastifyPluginAsyncZod,
  type Principal,
} from '@permed/http';
import type { FastifyRequest } from 'fastify';
import { ianaZone, orcid } from '@permed/domain';
import { changePassword, requestPasswordReset, resetPassword, signUp, verifyEmail } from './accounts.ts';
import { exportPersonalData, readProfile, updateProfile, type Profile } from './profile.ts';
import { login, logout, refresh, type AuthDeps, type IssuedTokens } from './sessions.ts';

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

const language = z.enum(['en', 'de', 'fr']).describe('Language of pages and e-mails');
const displayName = z.string().trim().min(1).max(200).describe('The name shown to others');
const linkToken = z.string().min(20).max(100).describe('The token from the link in the e-mail');

const meResponse = z.object({
  id: z.uuid(),
  email: z.string(),
  displayName: z.string(),
  orcid: z.string().nullable().describe('ORCID iD, e.g. 0000-0002-1825-0097; null: none given'),
  timeZone: z.string().nullable().describe('The IANA zone the user reads dates in; null: none chosen'),
  language: language.nullable().describe("null: none chosen (pages follow the browser's)"),
  emailVerified: z.boolean(),
  createdAt: z.iso.datetime(),
  grants: z.array(grantSchema),
});

const meOf = (p: Principal, profile: Profile): z.infer<typeof meResponse> => ({
  id: p.userId,
  email: profile.email,
  displayName: profile.displayName,
  orcid: profile.orcid,
  timeZone: profile.timeZone,
  language: profile.language,
  emailVerified: profile.emailVerified,
  createdAt: profile.createdAt.toISOString(),
  grants: p.grants,
});

const pendingResponse = z.object({
  status: z.literal('mail-sent'),
  message: z.string().describe('The same words whether or not the address has an account'),
});

const rows = z.array(z.looseObject({}));
const exportResponse = z
  .looseObject({
    format: z.literal('permed-calls/personal-data/v1'),
    exportedAt: z.iso.datetime(),
    user: z.looseObject({ id: z.uuid(), email: z.string() }),
    sessions: rows,
    roles: rows,
    proposals: z.looseObject({
      coordinated: rows,
      memberships: rows,
      principalInvestigatorOf: rows,
      invitations: rows,
    }),
    reviewerRecords: rows,
    auditEventsAsActor: rows,
  })
  .describe('Personal data export; dates are ISO 8601 instants');

const meta = (request: FastifyRequest) => ({ ip: request.ip, requestId: request.id });

const toResponse = (t: IssuedTokens) => ({
  ...t,
  accessTokenExpiresAt: t.accessTokenExpiresAt.toISOString(),
  sessionExpiresAt: t.sessionExpiresAt.toISOString(),
});

/**
 * Accounts: sign-up with e-mail verification, sign-in, refresh, sign-out, password reset and
 * change, profile, personal-data export. The anonymous routes are rate-limited per client address;
 * sign-in is throttled per e-mail address as well (login-throttle.ts). Every route that reads or
 * changes an account acts on the caller's own account only: none takes a user id.
 */
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
          summary: 'The signed-in user, its roles and its profile',
          response: { 200: meResponse },
        },
      },
      async (request) => meOf(request.principal!, await readProfile(deps.db, request.principal!.userId)),
    );

    app.patch(
      '/me',
      {
        config: { access: authenticated },
        schema: {
          operationId: 'updateMe',
          tags: ['auth'],
          summary: "Change the signed-in user's own profile",
          description:
            'Only the fields given change; null clears an optional one. `timeZone`: the IANA zone the user reads dates in (e.g. "Europe/Madrid"); views that show a deadline in "your zone" use it when the request names none. `orcid`: an ORCID iD whose ISO 7064 MOD 11-2 check character is right. `language`: en, de or fr. Scope: the caller\'s own account only.',
          body: z
            .object({
              displayName: displayName.optional(),
              orcid: orcid.nullable().optional(),
              timeZone: ianaZone.nullable().optional(),
              language: language.nullable().optional(),
            })
            .strict(),
          response: { 200: meResponse, 400: problemResponse },
        },
      },
      async (request) => {
        const profile = await updateProfile(deps, request.principal!, request.body, meta(request));
        return meOf(request.principal!, profile);
      },
    );

    app.post(
      '/sign-up',
      {
        config: { access: publicAccess, rateLimit: limit },
        schema: {
          tags: ['auth'],
          operationId: 'signUp',
          summary: 'Create an account; a link to confirm the e-mail address is sent by e-mail',
          description:
            'The answer is 202 and the same whether or not the address has an account. A new address gets a verification link (valid 48 h, single use) at PUBLIC_URL/verify-email?token=…; an address with an unverified account gets a new link and the new name and password replace the old; an address with an account gets a "someone tried to register" mail instead. Signing in before the address is confirmed is refused with 403 EMAIL_NOT_VERIFIED. The password must pass the password policy (400 WEAK_PASSWORD with advice).',
          body: z
            .object({
              email: z.email().max(254),
              displayName,
              password: z.string().min(1).max(4096),
              language: language.optional(),
            })
            .strict(),
          response: { 202: pendingResponse, 400: problemResponse, 429: problemResponse },
        },
      },
      async (request, reply) => {
        await signUp(deps, request.body, meta(request));
        return reply.code(202).send({
          status: 'mail-sent',
          message:
            'If the address can receive mail, a message is on its way: follow the link in it to continue.',
        });
      },
    );

    app.post(
      '/verify-email',
      {
        config: { access: publicAccess, rateLimit: limit },
        schema: {
          tags: ['auth'],
          operationId: 'verifyEmail',
          summary: 'Confirm the e-mail address with the token from the verification mail',
          body: z.object({ token: linkToken }).strict(),
          response: {
            200: z.object({ email: z.string().describe('The confirmed address; sign in with it now') }),
            400: problemResponse,
          },
        },
      },
      async (request) => verifyEmail(deps, request.body.token, meta(request)),
    );

    app.post(
      '/password-reset',
      {
        config: { access: publicAccess, rateLimit: limit },
        schema: {
          tags: ['auth'],
          operationId: 'requestPasswordReset',
          summary: 'Send a password reset link by e-mail',
          description:
            'The answer is 202 and the same whether or not the address has an account. An account gets a link (valid 1 h, single use; a newer one replaces it) at PUBLIC_URL/reset-password?token=…, at most one a minute.',
          body: z.object({ email: z.string().min(3).max(254) }).strict(),
          response: { 202: pendingResponse, 429: problemResponse },
        },
      },
      async (request, reply) => {
        await requestPasswordReset(deps, request.body.email, meta(request));
        return reply.code(202).send({
          status: 'mail-sent',
          message: 'If the address has an account, a message with a link is on its way.',
        });
      },
    );

    app.post(
      '/password-reset/confirm',
      {
        config: { access: publicAccess, rateLimit: limit },
        schema: {
          tags: ['auth'],
          operationId: 'resetPassword',
          summary: 'Set a new password with the token from the reset mail',
          description:
            'Ends every session of the account, clears its sign-in throttle and confirms its e-mail address. A password refused by the policy (400 WEAK_PASSWORD) leaves the link usable.',
          body: z.object({ token: linkToken, password: z.string().min(1).max(4096) }).strict(),
          response: { 204: z.null().describe('The password is set; sign in with it'), 400: problemResponse },
        },
      },
      async (request, reply) => {
        await resetPassword(deps, request.body, meta(request));
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/me/password',
      {
        config: { access: authenticated, rateLimit: limit },
        schema: {
          tags: ['auth'],
          operationId: 'changePassword',
          summary: "Change the signed-in user's password",
          description:
            'Needs the current password (400 VALIDATION_FAILED at /currentPassword when wrong; wrong guesses count in the sign-in throttle). Every other session ends; this one stays. Scope: own account only.',
          body: z
            .object({
              currentPassword: z.string().min(1).max(1024),
              newPassword: z.string().min(1).max(4096),
            })
            .strict(),
          response: {
            200: z.object({ sessionsRevoked: z.number().int().describe('Other sessions that were ended') }),
            400: problemResponse,
            429: problemResponse,
          },
        },
      },
      async (request) => changePassword(deps, request.principal!, request.body, meta(request)),
    );

    app.get(
      '/me/export',
      {
        config: { access: authenticated },
        schema: {
          tags: ['auth'],
          operationId: 'exportMyData',
          summary: 'Everything the platform holds about the signed-in person, as JSON (GDPR art. 15 and 20)',
          description:
            'The account (no password hash), sessions (no tokens), roles, proposals coordinated or worked on, partner sections naming the person as principal investigator, invitations to the address, reviewer records, and every audit row with the person as actor. Sent as an attachment. Scope: own data only.',
          response: { 200: exportResponse },
        },
      },
      async (request, reply) => {
        const data = await exportPersonalData(deps, request.principal!, meta(request));
        return reply
          .header('content-disposition', 'attachment; filename="permed-calls-personal-data.json"')
          .send(JSON.parse(JSON.stringify(data)) as z.infer<typeof exportResponse>);
      },
    );
  };
}
