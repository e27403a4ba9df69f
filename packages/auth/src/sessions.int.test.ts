// The per-request authentication: one statement for session, user and grants, and a memo of
// verified signatures. Neither may weaken what a request is checked against: revocation, session
// expiry, a disabled user and a removed grant all take effect on the next request; an expired
// token fails even when its signature was verified before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { schema } from '@permed/db';
import { AppError, type Authenticator } from '@permed/http';
import { createTestContext, type TestContext, type TestUser } from '@permed/testing';
import { createAuthenticator } from './sessions.ts';

let ctx: TestContext;
let auth: Authenticator;

beforeAll(async () => {
  ctx = await createTestContext();
  auth = createAuthenticator({ db: ctx.db.db, config: ctx.config, clock: ctx.clock });
});
afterAll(async () => {
  await ctx.close();
});

const codeOf = async (token: string): Promise<string> => {
  try {
    await auth.authenticate(token, undefined as never);
    return 'OK';
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
};

const sessionOf = async (user: TestUser) => {
  const [row] = await ctx.db.db.select().from(schema.sessions).where(eq(schema.sessions.userId, user.id));
  return row!;
};

describe('authenticate', () => {
  it('returns the user and every grant, read afresh on each request', async () => {
    const user = await ctx.user(
      [
        { role: 'funder', scopeType: 'funder', scopeId: 'bmbf' },
        { role: 'applicant', scopeType: 'proposal', scopeId: 'p-1', subRole: 'editor' },
      ],
      'grants',
    );
    const principal = await auth.authenticate(user.token, undefined as never);
    expect(principal).toMatchObject({ userId: user.id, email: user.email, displayName: 'grants' });
    expect(principal.sessionId).toBe((await sessionOf(user)).id);
    expect([...principal.grants].sort((a, b) => a.role.localeCompare(b.role))).toEqual([
      { role: 'applicant', scopeType: 'proposal', scopeId: 'p-1', subRole: 'editor' },
      { role: 'funder', scopeType: 'funder', scopeId: 'bmbf', subRole: null },
    ]);
    await ctx.db.db
      .delete(schema.roleGrants)
      .where(and(eq(schema.roleGrants.userId, user.id), eq(schema.roleGrants.role, 'funder')));
    expect((await auth.authenticate(user.token, undefined as never)).grants).toEqual([
      { role: 'applicant', scopeType: 'proposal', scopeId: 'p-1', subRole: 'editor' },
    ]);
  });

  it('gives a user without grants an empty list', async () => {
    const user = await ctx.user([], 'nobody');
    expect((await auth.authenticate(user.token, undefined as never)).grants).toEqual([]);
  });

  it('refuses at once a revoked session, a disabled user and a session past its expiry', async () => {
    const revoked = await ctx.user([], 'revoked');
    expect(await codeOf(revoked.token)).toBe('OK');
    await ctx.db.db
      .update(schema.sessions)
      .set({ revokedAt: ctx.clock.now() })
      .where(eq(schema.sessions.userId, revoked.id));
    expect(await codeOf(revoked.token)).toBe('SESSION_REVOKED');

    const disabled = await ctx.user([], 'disabled');
    expect(await codeOf(disabled.token)).toBe('OK');
    await ctx.db.db
      .update(schema.users)
      .set({ disabledAt: ctx.clock.now() })
      .where(eq(schema.users.id, disabled.id));
    expect(await codeOf(disabled.token)).toBe('SESSION_REVOKED');

    // The session ends (by the server clock) before the access token does.
    const ending = await ctx.user([], 'ending');
    const endsAt = new Date(ctx.clock.now().getTime() + 60_000);
    await ctx.db.db
      .update(schema.sessions)
      .set({ expiresAt: endsAt })
      .where(eq(schema.sessions.userId, ending.id));
    ctx.clock.set(endsAt.getTime() - 1);
    expect(await codeOf(ending.token)).toBe('OK');
    ctx.clock.set(endsAt);
    expect(await codeOf(ending.token)).toBe('SESSION_REVOKED');
  });

  it('still expires a token whose signature it has already verified, to the second', async () => {
    ctx.clock.set(new Date('2026-01-15T10:00:00Z'));
    const user = await ctx.user([], 'expiring');
    expect(await codeOf(user.token)).toBe('OK');
    const expiresAt = new Date('2026-01-15T10:00:00Z').getTime() + ctx.config.ACCESS_TOKEN_TTL_SECONDS * 1000;
    ctx.clock.set(expiresAt - 1);
    expect(await codeOf(user.token)).toBe('OK');
    ctx.clock.set(expiresAt);
    expect(await codeOf(user.token)).toBe('TOKEN_EXPIRED');
  });

  it('never takes a tampered token for the one it verified', async () => {
    const user = await ctx.user([], 'tamper');
    expect(await codeOf(user.token)).toBe('OK');
    const [header, payload, signature] = user.token.split('.');
    // A character in the middle: every one of its bits is part of the signature.
    const flipped = `${signature!.slice(0, 10)}${signature![10] === 'A' ? 'B' : 'A'}${signature!.slice(11)}`;
    expect(await codeOf(`${header}.${payload}.${flipped}`)).toBe('TOKEN_INVALID');
  });
});
