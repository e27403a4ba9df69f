import { and, eq, gt, isNull } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { Config } from '@permed/config';
import { recordAudit, schema, type Db } from '@permed/db';
import type { Clock } from '@permed/domain';
import { AppError, type Authenticator, type Principal } from '@permed/http';
import { verifyPassword } from './password.ts';
import { hashToken, newRefreshToken, signAccessToken, signingKey, verifyAccessToken } from './tokens.ts';
import { findUserByEmail, grantsOf } from './users.ts';

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
    userAgent?: string | undefined;
    ip?: string | undefined;
    requestId?: string;
  },
): Promise<IssuedTokens> {
  const { db, config, clock } = deps;
  const user = await findUserByEmail(db, args.email);
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

/** Verifies the token, then checks the session is live and loads the user's grants. */
export function createAuthenticator(deps: AuthDeps): Authenticator {
  const key = signingKey(deps.config.AUTH_SECRET);
  return {
    async authenticate(token: string): Promise<Principal> {
      const now = deps.clock.now();
      const claims = await verifyAccessToken(token, key, now);
      const [row] = await deps.db
        .select({
          revokedAt: sessions.revokedAt,
          expiresAt: sessions.expiresAt,
          email: users.email,
          displayName: users.displayName,
          disabledAt: users.disabledAt,
        })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(and(eq(sessions.id, claims.sessionId), eq(sessions.userId, claims.userId)));
      if (!row || row.revokedAt || row.expiresAt <= now || row.disabledAt) {
        throw new AppError('SESSION_REVOKED', 'Sign in again');
      }
      return {
        userId: claims.userId,
        email: row.email,
        displayName: row.displayName,
        sessionId: claims.sessionId,
        grants: await grantsOf(deps.db, claims.userId),
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
