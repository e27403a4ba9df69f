import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
import type { Config } from '@permed/config';
import { recordAudit, schema, type Db } from '@permed/db';
import type { Clock } from '@permed/domain';
import { AppError, type Authenticator, type Grant, type Principal } from '@permed/http';
import { clearSignInAttempts, takeSignInAttempt, type ThrottleKey } from './login-throttle.ts';
import { verifyPassword } from './password.ts';
import {
  hashToken,
  newRefreshToken,
  readDeviceToken,
  signAccessToken,
  signDeviceToken,
  signingKey,
  verifyAccessToken,
  type AccessClaims,
} from './tokens.ts';
import { findUserByEmail, normaliseEmail } from './users.ts';

const { sessions, users } = schema;

export interface AuthDeps {
  db: Db;
  config: Config;
  clock: Clock;
}

export interface IssuedTokens {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  sessionExpiresAt: Date;
  user: { id: string; email: string; displayName: string };
  /** Sign-in only: proof for later sign-ins that this client knew the password (see login-throttle.ts). */
  deviceToken?: string;
}

// Verifying against a fixed hash when the e-mail is unknown keeps the response time the same,
// so timing does not reveal which e-mails have accounts.
let dummyHash: Promise<string> | null = null;
async function dummy(logN: number): Promise<string> {
  const { hashPassword } = await import('./password.ts');
  dummyHash ??= hashPassword('not-a-real-password-for-timing', logN);
  return dummyHash;
}

export async function login(
  deps: AuthDeps,
  args: {
    email: string;
    password: string;
    deviceToken?: string | undefined;
    userAgent?: string | undefined;
    ip?: string | undefined;
    requestId?: string;
  },
): Promise<IssuedTokens> {
  const { db, config, clock } = deps;
  const email = normaliseEmail(args.email);
  const user = await findUserByEmail(db, email);
  const device = args.deviceToken
    ? await readDeviceToken(args.deviceToken, signingKey(config.AUTH_SECRET), clock.now())
    : null;
  // A device token counts only for the account it was issued to; for any other e-mail (existing
  // or not) it is ignored, so it reveals nothing either.
  const knownDevice = device && user && device.userId === user.id ? device : null;
  const accountKey: ThrottleKey = { kind: 'account', email };
  const gate = await takeSignInAttempt(
    db,
    knownDevice ? { kind: 'device', id: knownDevice.id } : accountKey,
    clock.now(),
  );
  if (!gate.allowed) {
    await recordAudit(db, {
      actor: { userId: user?.id ?? null, label: args.email.slice(0, 254) },
      action: 'auth.login_throttled',
      targetType: 'user',
      targetId: user?.id ?? null,
      requestId: args.requestId ?? null,
      details: { ip: args.ip ?? null, retryAfterSeconds: gate.retryAfterSeconds },
      at: clock.now(),
    });
    // The same words whether or not the e-mail has an account.
    throw new AppError(
      'RATE_LIMITED',
      `Too many sign-in attempts for this e-mail address; retry in ${gate.retryAfterSeconds} s, or reset the password by e-mail`,
      { headers: { 'retry-after': String(gate.retryAfterSeconds) } },
    );
  }
  const ok = user?.passwordHash
    ? await verifyPassword(args.password, user.passwordHash)
    : (await verifyPassword(args.password, await dummy(config.PASSWORD_HASH_LOG_N)), false);
  if (!user || !ok || user.disabledAt) {
    await recordAudit(db, {
      actor: { userId: user?.id ?? null, label: args.email.slice(0, 254) },
      action: 'auth.login_failed',
      targetType: 'user',
      targetId: user?.id ?? null,
      requestId: args.requestId ?? null,
      details: {
        ip: args.ip ?? null,
        reason: !user ? 'unknown-email' : user.disabledAt ? 'disabled' : 'wrong-password',
      },
      at: clock.now(),
    });
    throw new AppError('INVALID_CREDENTIALS');
  }
  await clearSignInAttempts(
    db,
    knownDevice ? [accountKey, { kind: 'device', id: knownDevice.id }] : [accountKey],
  );
  if (!user.emailVerifiedAt) {
    // Only someone who knows the password learns that the account waits for verification.
    await recordAudit(db, {
      actor: { userId: user.id, label: user.email },
      action: 'auth.login_unverified',
      targetType: 'user',
      targetId: user.id,
      requestId: args.requestId ?? null,
      details: { ip: args.ip ?? null },
      at: clock.now(),
    });
    throw new AppError(
      'EMAIL_NOT_VERIFIED',
      'Confirm your e-mail address with the link we sent you; signing up again sends a new link',
    );
  }
  const now = clock.now();
  const refreshToken = newRefreshToken();
  const sessionExpiresAt = new Date(now.getTime() + config.SESSION_TTL_SECONDS * 1000);
  const [session] = await db
    .insert(sessions)
    .values({
      userId: user.id,
      refreshTokenHash: hashToken(refreshToken),
      createdAt: now,
      expiresAt: sessionExpiresAt,
      userAgent: args.userAgent?.slice(0, 300) ?? null,
      ip: args.ip ?? null,
    })
    .returning({ id: sessions.id });
  const access = await signAccessToken(
    { userId: user.id, sessionId: session!.id },
    signingKey(config.AUTH_SECRET),
    now,
    config.ACCESS_TOKEN_TTL_SECONDS,
  );
  await recordAudit(db, {
    actor: { userId: user.id, label: user.email },
    action: 'auth.login',
    targetType: 'session',
    targetId: session!.id,
    requestId: args.requestId ?? null,
    details: { ip: args.ip ?? null },
    at: now,
  });
  return {
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt,
    refreshToken,
    sessionExpiresAt,
    user: { id: user.id, email: user.email, displayName: user.displayName },
    deviceToken: await signDeviceToken(user.id, signingKey(config.AUTH_SECRET), now),
  };
}

/** Exchanges a refresh token for a new access token and rotates the refresh token. */
export async function refresh(deps: AuthDeps, refreshToken: string): Promise<IssuedTokens> {
  const { db, config, clock } = deps;
  const now = clock.now();
  const next = newRefreshToken();
  // One statement rotates the token only if it is current, unexpired and unrevoked: two racing
  // refreshes with the same token cannot both succeed.
  const [session] = await db
    .update(sessions)
    .set({ refreshTokenHash: hashToken(next) })
    .where(
      and(
        eq(sessions.refreshTokenHash, hashToken(refreshToken)),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, now),
      ),
    )
    .returning({ id: sessions.id, userId: sessions.userId, expiresAt: sessions.expiresAt });
  if (!session)
    throw new AppError('SESSION_REVOKED', 'The refresh token is unknown, used, expired or revoked');
  const [user] = await db.select().from(users).where(eq(users.id, session.userId));
  if (!user || user.disabledAt) throw new AppError('SESSION_REVOKED');
  const access = await signAccessToken(
    { userId: user.id, sessionId: session.id },
    signingKey(config.AUTH_SECRET),
    now,
    config.ACCESS_TOKEN_TTL_SECONDS,
  );
  return {
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt,
    refreshToken: next,
    sessionExpiresAt: session.expiresAt,
    user: { id: user.id, email: user.email, displayName: user.displayName },
  };
}

export async function logout(deps: AuthDeps, principal: Principal, requestId?: string): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    await tx
      .update(sessions)
      .set({ revokedAt: now })
      .where(and(eq(sessions.id, principal.sessionId), isNull(sessions.revokedAt)));
    await recordAudit(tx, {
      actor: { userId: principal.userId, label: principal.email },
      action: 'auth.logout',
      targetType: 'session',
      targetId: principal.sessionId,
      requestId: requestId ?? null,
      at: now,
    });
  });
}

/** How many verified access tokens an authenticator remembers (a few MB at most). */
const VERIFIED_TOKENS_MAX = 10_000;

/**
 * Session, user and grants of a request in ONE statement, its text built once per process. The
 * liveness test is done by the database with the server clock's `now` as a parameter.
 *
 * It runs unnamed (drizzle's `prepare: false`), not as a named prepared statement: postgres.js
 * 3.4.9 then sends it in two steps (describe, execute) and never pipelines another query behind it
 * on that pooled connection. A named statement outside a transaction lets postgres.js pipeline, and
 * a BEGIN pipelined onto a busy connection can then be written without the connection being
 * reserved for its transaction (porsager/postgres#823, #1189): measured here as one
 * UNSAFE_TRANSACTION 500 per ~10,000 submits under a 200-connection rush. Make it a named statement
 * (pass a name to prepareQuery) once the driver carries that fix. Exported for the deadline-rush
 * benchmark, which times the platform's own statements without the platform around them.
 */
export const sessionLookup = new PgDialect({ casing: 'snake_case' }).sqlToQuery(
  sql`select s.revoked_at is null and s.expires_at > ${sql.placeholder('now')}::timestamptz
      and u.disabled_at is null as live,
    u.email, u.display_name as "displayName", u.time_zone as "timeZone",
    (select coalesce(json_agg(json_build_object('role', g.role, 'scopeType', g.scope_type,
       'scopeId', g.scope_id, 'subRole', g.sub_role)), '[]'::json)
     from role_grants g where g.user_id = u.id) as grants
  from sessions s join users u on u.id = s.user_id
  where s.id = ${sql.placeholder('sessionId')}::uuid and s.user_id = ${sql.placeholder('userId')}::uuid`,
);

interface SessionRow {
  live: boolean;
  email: string;
  displayName: string;
  timeZone: string | null;
  grants: Grant[];
}

/**
 * Verifies the token, then checks the session is live and loads the user's grants. Every request
 * runs this, so the database part is one statement (session, user and grants together): a revoked
 * session or a removed grant still takes effect on the very next request. Only the signature check
 * is remembered per token string: a token that verified once verifies again, and its expiry is
 * still compared with the clock on every use.
 */
export function createAuthenticator(deps: AuthDeps): Authenticator {
  const key = signingKey(deps.config.AUTH_SECRET);
  const lookup = deps.db._.session.prepareQuery(sessionLookup, undefined, undefined, false);
  const verified = new Map<string, { claims: AccessClaims; exp: number }>();

  const verify = async (token: string, now: Date): Promise<AccessClaims> => {
    const known = verified.get(token);
    // jose's rule, clock tolerance 0: expired when exp <= now in whole seconds.
    if (known && known.exp > Math.floor(now.getTime() / 1000)) return known.claims;
    const claims = await verifyAccessToken(token, key, now);
    const { exp } = decodeJwt(token);
    if (typeof exp === 'number') {
      if (verified.size >= VERIFIED_TOKENS_MAX) verified.delete(verified.keys().next().value!);
      verified.set(token, { claims, exp });
    }
    return claims;
  };

  return {
    async authenticate(token: string): Promise<Principal> {
      const now = deps.clock.now();
      const claims = await verify(token, now);
      const result: unknown = await lookup.execute({
        now: now.toISOString(),
        sessionId: claims.sessionId,
        userId: claims.userId,
      });
      // postgres.js answers with the rows; PGlite with { rows }.
      const [row] = (
        Array.isArray(result) ? result : (result as { rows: SessionRow[] }).rows
      ) as SessionRow[];
      if (!row?.live) throw new AppError('SESSION_REVOKED', 'Sign in again');
      return {
        userId: claims.userId,
        email: row.email,
        displayName: row.displayName,
        sessionId: claims.sessionId,
        grants: row.grants,
        timeZone: row.timeZone,
      };
    },
    async onDenied(request: FastifyRequest, error: AppError): Promise<void> {
      await recordAudit(deps.db, {
        actor: request.principal
          ? { userId: request.principal.userId, label: request.principal.email }
          : { userId: null, label: 'anonymous' },
        action: error.status === 401 ? 'access.unauthenticated' : 'access.denied',
        targetType: 'route',
        targetId: `${request.method} ${request.routeOptions.url ?? request.url}`,
        requestId: request.id,
        details: { code: error.code, ip: request.ip },
        at: deps.clock.now(),
      }).catch((err: unknown) => request.log.error({ err }, 'could not audit a denied access'));
    },
  };
}
