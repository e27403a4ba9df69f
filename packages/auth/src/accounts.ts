import { randomBytes } from 'node:crypto';
import { and, desc, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import { enqueueOutbox, recordAudit, schema, type Actor, type DbOrTx } from '@permed/db';
import { AppError, type Principal } from '@permed/http';
import {
  alreadyRegisteredMail,
  passwordChangedMail,
  passwordResetMail,
  verificationMail,
  type AccountMail,
  type MailLanguage,
} from './account-mails.ts';
import { clearSignInAttempts, takeSignInAttempt, THROTTLE_QUIET_RESET_MS } from './login-throttle.ts';
import { assertStrongPassword } from './password-policy.ts';
import { hashPassword, verifyPassword } from './password.ts';
import type { AuthDeps } from './sessions.ts';
import { hashToken } from './tokens.ts';
import { findUserByEmail, normaliseEmail, setPassword } from './users.ts';

const { users, accountTokens, auditEvents, loginThrottles } = schema;

export const VERIFY_EMAIL_TTL_MS = 48 * 3600_000;
export const RESET_PASSWORD_TTL_MS = 3600_000;
/** At most one reset or "already registered" mail per account in this time, against mail-bombing. */
export const ACCOUNT_MAIL_COOLDOWN_MS = 60_000;

export type Language = 'en' | 'de' | 'fr';

export interface RequestMeta {
  ip?: string | undefined;
  requestId?: string | undefined;
}

/** Audits an act on one account, with the request's id and the caller's IP. */
export async function auditAccount(
  db: DbOrTx,
  entry: {
    actor: Actor;
    action: string;
    userId: string;
    meta: RequestMeta;
    at: Date;
    details?: Record<string, unknown>;
  },
): Promise<void> {
  await recordAudit(db, {
    actor: entry.actor,
    action: entry.action,
    targetType: 'user',
    targetId: entry.userId,
    requestId: entry.meta.requestId ?? null,
    details: { ip: entry.meta.ip ?? null, ...entry.details },
    at: entry.at,
  });
}

const anonymous = { userId: null, label: 'anonymous' };

export function publicBase(config: AuthDeps['config']): string {
  return (config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`).replace(/\/$/, '');
}

async function sendMail(tx: DbOrTx, mail: AccountMail, at: Date): Promise<void> {
  await enqueueOutbox(tx, { kind: 'mail', payload: { ...mail }, at });
}

/** Tells the owner that the password changed, so a change they did not make does not go unseen. */
async function mailPasswordChanged(
  tx: DbOrTx,
  config: AuthDeps['config'],
  user: Pick<typeof users.$inferSelect, 'email' | 'displayName' | 'language'>,
  how: 'reset' | 'change',
  now: Date,
): Promise<void> {
  await sendMail(
    tx,
    passwordChangedMail({
      to: user.email,
      name: user.displayName,
      base: publicBase(config),
      at: now,
      how,
      language: user.language,
    }),
    now,
  );
}

/** Issues a fresh e-mail verification link and mails it to the address being confirmed. */
async function mailVerificationLink(
  tx: DbOrTx,
  args: { userId: string; to: string; name: string; base: string; language: MailLanguage | null; now: Date },
): Promise<void> {
  const link = await issueToken(tx, {
    userId: args.userId,
    purpose: 'verify-email',
    now: args.now,
    ttlMs: VERIFY_EMAIL_TTL_MS,
  });
  await sendMail(
    tx,
    verificationMail({ to: args.to, name: args.name, base: args.base, ...link, language: args.language }),
    args.now,
  );
}

/** A fresh single-use token: the caller gets the token, the database keeps its SHA-256. */
async function issueToken(
  tx: DbOrTx,
  args: { userId: string; purpose: 'verify-email' | 'reset-password'; now: Date; ttlMs: number },
): Promise<{ token: string; expiresAt: Date }> {
  // An older link of the same purpose stops working: only the latest mail counts.
  await tx
    .update(accountTokens)
    .set({ usedAt: args.now })
    .where(
      and(
        eq(accountTokens.userId, args.userId),
        eq(accountTokens.purpose, args.purpose),
        isNull(accountTokens.usedAt),
      ),
    );
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(args.now.getTime() + args.ttlMs);
  await tx.insert(accountTokens).values({
    userId: args.userId,
    purpose: args.purpose,
    tokenHash: hashToken(token),
    createdAt: args.now,
    expiresAt,
  });
  return { token, expiresAt };
}

/**
 * Uses a token once: one statement marks it used only if it is unused and unexpired, so two
 * requests with the same link cannot both succeed. Null for any token that does not qualify.
 */
async function consumeToken(
  tx: DbOrTx,
  token: string,
  purpose: 'verify-email' | 'reset-password',
  now: Date,
): Promise<{ userId: string } | null> {
  const [row] = await tx
    .update(accountTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(accountTokens.tokenHash, hashToken(token)),
        eq(accountTokens.purpose, purpose),
        isNull(accountTokens.usedAt),
        gt(accountTokens.expiresAt, now),
      ),
    )
    .returning({ userId: accountTokens.userId });
  return row ?? null;
}

const linkInvalid = () =>
  new AppError('LINK_INVALID', 'The link is unknown, has expired or was already used; ask for a new one', {
    errors: [{ in: 'body', path: '/token', message: 'unknown, expired or used' }],
  });

/** True when a mail of this audit action went to the account within the cooldown. */
async function mailedRecently(db: DbOrTx, userId: string, action: string, now: Date): Promise<boolean> {
  const [last] = await db
    .select({ at: auditEvents.occurredAt })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.targetType, 'user'),
        eq(auditEvents.targetId, userId),
        eq(auditEvents.action, action),
      ),
    )
    .orderBy(desc(auditEvents.id))
    .limit(1);
  return !!last && now.getTime() - last.at.getTime() < ACCOUNT_MAIL_COOLDOWN_MS;
}

/**
 * Self sign-up. The answer is the same whether or not the e-mail has an account, and so is the work
 * (the password is checked and hashed either way); only the mail differs:
 * - a new e-mail gets an unverified account and a verification link;
 * - an e-mail with an unverified account: the newest sign-up's name and password replace the old
 *   ones and a fresh link is sent (older links stop working), so a stranger who signed up first
 *   with someone else's address holds nothing once the owner signs up;
 * - an e-mail with a verified (or disabled) account: nothing changes, the owner is told that
 *   someone tried to register.
 */
export async function signUp(
  deps: AuthDeps,
  input: { email: string; displayName: string; password: string; language?: Language | undefined },
  meta: RequestMeta,
): Promise<void> {
  const { db, config, clock } = deps;
  const email = normaliseEmail(input.email);
  assertStrongPassword(input.password, { email, name: input.displayName });
  const passwordHash = await hashPassword(input.password, config.PASSWORD_HASH_LOG_N);
  const base = publicBase(config);
  await db.transaction(async (tx) => {
    const now = clock.now();
    const [created] = await tx
      .insert(users)
      .values({
        email,
        displayName: input.displayName,
        passwordHash,
        language: input.language ?? null,
        emailVerifiedAt: null,
        createdAt: now,
      })
      .onConflictDoNothing()
      .returning({ id: users.id });
    if (created) {
      await mailVerificationLink(tx, {
        userId: created.id,
        to: email,
        name: input.displayName,
        base,
        language: input.language ?? null,
        now,
      });
      await auditAccount(tx, {
        actor: { userId: created.id, label: email },
        action: 'user.signed_up',
        userId: created.id,
        meta,
        at: now,
      });
      return;
    }
    const existing = (await findUserByEmail(tx, email))!;
    if (!existing.emailVerifiedAt && !existing.disabledAt) {
      await tx
        .update(users)
        .set({ displayName: input.displayName, passwordHash, language: input.language ?? existing.language })
        .where(eq(users.id, existing.id));
      await mailVerificationLink(tx, {
        userId: existing.id,
        to: email,
        name: input.displayName,
        base,
        language: input.language ?? existing.language,
        now,
      });
      await auditAccount(tx, {
        actor: { userId: existing.id, label: email },
        action: 'user.signed_up_again',
        userId: existing.id,
        meta,
        at: now,
      });
      return;
    }
    const quiet = await mailedRecently(tx, existing.id, 'user.sign_up_of_existing', now);
    if (!quiet)
      await sendMail(
        tx,
        alreadyRegisteredMail({ to: email, name: existing.displayName, base, language: existing.language }),
        now,
      );
    await auditAccount(tx, {
      actor: anonymous,
      action: quiet ? 'user.sign_up_of_existing_unmailed' : 'user.sign_up_of_existing',
      userId: existing.id,
      meta,
      at: now,
    });
  });
}

/** The link in the verification mail: marks the address as the person's. */
export async function verifyEmail(
  deps: AuthDeps,
  token: string,
  meta: RequestMeta,
): Promise<{ email: string }> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const used = await consumeToken(tx, token, 'verify-email', now);
    if (!used) throw linkInvalid();
    const [user] = await tx
      .update(users)
      .set({ emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, ${now.toISOString()}::timestamptz)` })
      .where(eq(users.id, used.userId))
      .returning({ id: users.id, email: users.email });
    await auditAccount(tx, {
      actor: { userId: user!.id, label: user!.email },
      action: 'user.email_verified',
      userId: user!.id,
      meta,
      at: now,
    });
    return { email: user!.email };
  });
}

/**
 * Sends a reset link if the e-mail has an enabled account; the answer is the same either way. An
 * account gets at most one reset mail a minute, so the route cannot be used to flood an inbox.
 */
export async function requestPasswordReset(
  deps: AuthDeps,
  rawEmail: string,
  meta: RequestMeta,
): Promise<void> {
  const { db, config, clock } = deps;
  const email = normaliseEmail(rawEmail);
  await db.transaction(async (tx) => {
    const now = clock.now();
    const user = await findUserByEmail(tx, email);
    if (!user || user.disabledAt) return;
    if (await mailedRecently(tx, user.id, 'user.password_reset_requested', now)) return;
    const link = await issueToken(tx, {
      userId: user.id,
      purpose: 'reset-password',
      now,
      ttlMs: RESET_PASSWORD_TTL_MS,
    });
    await sendMail(
      tx,
      passwordResetMail({
        to: user.email,
        name: user.displayName,
        base: publicBase(config),
        ...link,
        language: user.language,
      }),
      now,
    );
    await auditAccount(tx, {
      actor: anonymous,
      action: 'user.password_reset_requested',
      userId: user.id,
      meta,
      at: now,
    });
  });
}

/**
 * The link in the reset mail, with the new password: sets it, ends every session, clears the
 * sign-in throttle and, since the link proves the mailbox, verifies an unverified address. A weak
 * password is refused before the link is used, so the person can try again with the same link.
 */
export async function resetPassword(
  deps: AuthDeps,
  input: { token: string; password: string },
  meta: RequestMeta,
): Promise<void> {
  const { db, config, clock } = deps;
  const [pending] = await db
    .select({ user: users })
    .from(accountTokens)
    .innerJoin(users, eq(users.id, accountTokens.userId))
    .where(
      and(
        eq(accountTokens.tokenHash, hashToken(input.token)),
        eq(accountTokens.purpose, 'reset-password'),
        isNull(accountTokens.usedAt),
        gt(accountTokens.expiresAt, clock.now()),
      ),
    );
  if (!pending || pending.user.disabledAt) throw linkInvalid();
  const user = pending.user;
  assertStrongPassword(input.password, { email: user.email, name: user.displayName });
  await db.transaction(async (tx) => {
    const now = clock.now();
    if (!(await consumeToken(tx, input.token, 'reset-password', now))) throw linkInvalid();
    const { sessionsRevoked } = await setPassword(tx, {
      user,
      password: input.password,
      logN: config.PASSWORD_HASH_LOG_N,
      now,
    });
    if (!user.emailVerifiedAt)
      await tx.update(users).set({ emailVerifiedAt: now }).where(eq(users.id, user.id));
    await mailPasswordChanged(tx, config, user, 'reset', now);
    await auditAccount(tx, {
      actor: { userId: user.id, label: user.email },
      action: 'user.password_reset',
      userId: user.id,
      meta,
      details: { sessionsRevoked, emailVerified: !user.emailVerifiedAt },
      at: now,
    });
  });
}

/**
 * The signed-in person changes the password, giving the current one. The current password is
 * checked through the per-account throttle too, so a stolen access token cannot be used to guess
 * it; the other sessions end, this one stays.
 */
export async function changePassword(
  deps: AuthDeps,
  principal: Principal,
  input: { currentPassword: string; newPassword: string },
  meta: RequestMeta,
): Promise<{ sessionsRevoked: number }> {
  const { db, config, clock } = deps;
  const [user] = await db.select().from(users).where(eq(users.id, principal.userId));
  if (!user) throw new AppError('SESSION_REVOKED');
  const gate = await takeSignInAttempt(db, { kind: 'account', email: user.email }, clock.now());
  if (!gate.allowed)
    throw new AppError('RATE_LIMITED', `Too many wrong passwords; retry in ${gate.retryAfterSeconds} s`, {
      headers: { 'retry-after': String(gate.retryAfterSeconds) },
    });
  if (!user.passwordHash || !(await verifyPassword(input.currentPassword, user.passwordHash))) {
    await auditAccount(db, {
      actor: { userId: user.id, label: user.email },
      action: 'user.password_change_failed',
      userId: user.id,
      meta,
      at: clock.now(),
    });
    throw new AppError('VALIDATION_FAILED', 'The current password is wrong', {
      errors: [
        {
          in: 'body',
          path: '/currentPassword',
          message: 'is not your current password',
          code: 'WRONG_PASSWORD',
        },
      ],
    });
  }
  // The right password was given: forget the attempt now, so that a few refused new passwords
  // cannot lock the person out.
  await clearSignInAttempts(db, [{ kind: 'account', email: user.email }]);
  assertStrongPassword(
    input.newPassword,
    { email: user.email, name: user.displayName },
    { in: 'body', path: '/newPassword' },
  );
  return db.transaction(async (tx) => {
    const now = clock.now();
    const result = await setPassword(tx, {
      user,
      password: input.newPassword,
      logN: config.PASSWORD_HASH_LOG_N,
      now,
      keepSessionId: principal.sessionId,
      passwordField: { in: 'body', path: '/newPassword' },
    });
    await mailPasswordChanged(tx, config, user, 'change', now);
    await auditAccount(tx, {
      actor: { userId: user.id, label: user.email },
      action: 'user.password_changed',
      userId: user.id,
      meta,
      details: { sessionsRevoked: result.sessionsRevoked },
      at: now,
    });
    return result;
  });
}

/** A sign-up never verified is removed after this long (data minimisation; the address is free again). */
export const PENDING_ACCOUNT_TTL_MS = 30 * 24 * 3600_000;

/**
 * Hourly housekeeping: forgets throttle rows that an hour of quiet has reset anyway (so a spray of
 * made-up addresses does not grow the table for ever), expired links, and sign-ups never verified
 * within 30 days (their sessions, grants and links go with them by cascade; none can exist but links).
 */
export async function pruneAccountState(
  db: DbOrTx,
  now: Date,
): Promise<{ throttles: number; tokens: number; pendingAccounts: number }> {
  const quietSince = new Date(now.getTime() - THROTTLE_QUIET_RESET_MS);
  const throttles = await db
    .delete(loginThrottles)
    .where(
      and(
        lt(loginThrottles.lastAttemptAt, quietSince),
        or(isNull(loginThrottles.lockedUntil), lt(loginThrottles.lockedUntil, now)),
      ),
    )
    .returning({ key: loginThrottles.key });
  const tokens = await db
    .delete(accountTokens)
    .where(lt(accountTokens.expiresAt, now))
    .returning({ id: accountTokens.id });
  const pending = await db
    .delete(users)
    .where(
      and(
        isNull(users.emailVerifiedAt),
        lt(users.createdAt, new Date(now.getTime() - PENDING_ACCOUNT_TTL_MS)),
      ),
    )
    .returning({ id: users.id });
  return { throttles: throttles.length, tokens: tokens.length, pendingAccounts: pending.length };
}
