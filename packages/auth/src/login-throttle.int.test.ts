// The per-account sign-in throttle, through the sign-in route on a real database: it holds against
// many client addresses at once, answers the same for an e-mail without an account, grows its
// backoff, and never keeps the owner out (device token, a correct password).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { schema } from '@permed/db';
import { createHttpApp, type App } from '@permed/http';
import type { TestContext, TestUser } from '@permed/testing';
import fc from 'fast-check';
import { takeSignInAttempt, THROTTLE_FREE_ATTEMPTS, THROTTLE_LOCK_MAX_MS } from './login-throttle.ts';
import { authRoutes } from './routes.ts';
import { clientAddresses, startAuthApp } from './test-support/auth-app.ts';

let ctx: TestContext;
let app: App;

beforeAll(async () => {
  ({ ctx, app } = await startAuthApp({ AUTH_RATE_LIMIT_PER_MINUTE: 20 }));
});
afterAll(async () => {
  await app.close();
  await ctx.close();
});

const fresh = clientAddresses(1);

const signIn = (email: string, password: string, remoteAddress = fresh(), deviceToken?: string) =>
  app.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress,
    payload: { email, password, ...(deviceToken ? { deviceToken } : {}) },
  });

const failuresAudited = async (userId: string) =>
  (
    await ctx.db.db
      .select()
      .from(schema.auditEvents)
      .where(and(eq(schema.auditEvents.targetId, userId), eq(schema.auditEvents.action, 'auth.login_failed')))
  ).length;

describe('per-account sign-in throttle', () => {
  it('evaluates only the free attempts of 100 parallel guesses from five addresses, and the right password waits too', async () => {
    const victim = await ctx.user([], 'victim');
    const addresses = ['10.2.0.1', '10.2.0.2', '10.2.0.3', '10.2.0.4', '10.2.0.5'];
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => signIn(victim.email, `wrong-guess-${i}`, addresses[i % 5])),
    );
    const statuses = answers.map((a) => a.statusCode);
    expect(statuses.filter((s) => s === 401)).toHaveLength(THROTTLE_FREE_ATTEMPTS);
    expect(statuses.filter((s) => s === 429)).toHaveLength(100 - THROTTLE_FREE_ATTEMPTS);
    expect(await failuresAudited(victim.id)).toBe(THROTTLE_FREE_ATTEMPTS);
    const refused = answers.find((a) => a.statusCode === 429)!;
    expect(refused.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(refused.json()).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    const right = await signIn(victim.email, victim.password);
    expect(right.statusCode).toBe(429);
    ctx.clock.advance(30_000);
    expect((await signIn(victim.email, victim.password)).statusCode).toBe(200);
  });

  it('answers an e-mail without an account exactly as one with an account', async () => {
    const real = await ctx.user([], 'real');
    const trace = async (email: string) => {
      const out: string[] = [];
      for (let i = 0; i < THROTTLE_FREE_ATTEMPTS + 2; i++) {
        const res = await signIn(email, 'not-the-password');
        out.push(
          `${res.statusCode} ${res.json().code} ${res.headers['retry-after'] ?? '-'} ${res.json().detail ?? ''}`,
        );
      }
      return out;
    };
    const forReal = await trace(real.email);
    const forNobody = await trace('nobody-here@test.invalid');
    expect(forNobody).toEqual(forReal);
    expect(forReal.at(-1)).toMatch(/^429 RATE_LIMITED 30 /);
  });

  it('doubles the lock after each failure that follows a lock, and lets one attempt through after each lock', async () => {
    const email = 'backoff@test.invalid';
    for (let i = 0; i < THROTTLE_FREE_ATTEMPTS; i++) expect((await signIn(email, 'x')).statusCode).toBe(401);
    const retries: string[] = [];
    for (let round = 0; round < 4; round++) {
      const locked = await signIn(email, 'x');
      expect(locked.statusCode).toBe(429);
      const wait = Number(locked.headers['retry-after']);
      retries.push(String(wait));
      ctx.clock.advance(wait * 1000 - 1000);
      expect((await signIn(email, 'x')).statusCode).toBe(429);
      ctx.clock.advance(1000);
      expect((await signIn(email, 'x')).statusCode).toBe(401);
    }
    expect(retries).toEqual(['30', '60', '120', '240']);
  });

  it('lets the owner in from a client that signed in before, while strangers are locked out', async () => {
    const owner = await ctx.user([], 'owner');
    const first = await signIn(owner.email, owner.password);
    expect(first.statusCode).toBe(200);
    const { deviceToken } = first.json();
    expect(deviceToken).toEqual(expect.any(String));
    for (let i = 0; i <= THROTTLE_FREE_ATTEMPTS; i++) await signIn(owner.email, 'stranger-guess');
    expect((await signIn(owner.email, owner.password)).statusCode).toBe(429);

    // Another account's device token does not open this account's lock.
    const other = await ctx.user([], 'other');
    const othersDevice = (await signIn(other.email, other.password)).json().deviceToken as string;
    expect((await signIn(owner.email, owner.password, fresh(), othersDevice)).statusCode).toBe(429);
    expect((await signIn(owner.email, owner.password, fresh(), 'not-a-token')).statusCode).toBe(429);

    const back = await signIn(owner.email, owner.password, fresh(), deviceToken);
    expect(back.statusCode).toBe(200);
    // Their success clears the account's count: a sign-in without the device token works again.
    expect((await signIn(owner.email, owner.password)).statusCode).toBe(200);
  });

  it("counts a device's own failures under its own key", async () => {
    const owner = await ctx.user([], 'device-owner');
    const { deviceToken } = (await signIn(owner.email, owner.password)).json();
    for (let i = 0; i < THROTTLE_FREE_ATTEMPTS; i++)
      expect((await signIn(owner.email, 'typo-typo-typo', fresh(), deviceToken)).statusCode).toBe(401);
    expect((await signIn(owner.email, owner.password, fresh(), deviceToken)).statusCode).toBe(429);
    // The account's own key was never counted: a client without the token is not locked.
    expect((await signIn(owner.email, owner.password)).statusCode).toBe(200);
  });

  it('forgets failures after a correct password, and after an hour without attempts', async () => {
    const user: TestUser = await ctx.user([], 'forgetful');
    for (let i = 0; i < THROTTLE_FREE_ATTEMPTS - 1; i++) await signIn(user.email, 'nope');
    expect((await signIn(user.email, user.password)).statusCode).toBe(200);
    for (let i = 0; i < THROTTLE_FREE_ATTEMPTS; i++)
      expect((await signIn(user.email, 'nope')).statusCode).toBe(401);
    expect((await signIn(user.email, 'nope')).statusCode).toBe(429);
    ctx.clock.advance(60 * 60_000);
    for (let i = 0; i < THROTTLE_FREE_ATTEMPTS; i++)
      expect((await signIn(user.email, 'nope')).statusCode).toBe(401);
  });

  it('holds across instances of the platform: the count is in the database', async () => {
    const user = await ctx.user([], 'two-instances');
    const second = await createHttpApp(ctx.config, { name: 'auth-2', authenticator: ctx.deps.authenticator });
    await second.register(authRoutes(ctx.deps), { prefix: '/api/auth' });
    try {
      for (let i = 0; i < THROTTLE_FREE_ATTEMPTS; i++) await signIn(user.email, 'wrong-on-the-first');
      const elsewhere = await second.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: fresh(),
        payload: { email: user.email, password: user.password },
      });
      expect(elsewhere.statusCode).toBe(429);
    } finally {
      await second.close();
    }
  });

  it('gives a device token no power as an access token', async () => {
    const user = await ctx.user([], 'device-as-bearer');
    const { deviceToken } = (await signIn(user.email, user.password)).json();
    const res = await app.inject({
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${deviceToken}` },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('TOKEN_INVALID');
  });

  it('stores a hash of the e-mail, never the e-mail', async () => {
    const rows = await ctx.db.db.select({ key: schema.loginThrottles.key }).from(schema.loginThrottles);
    expect(rows.length).toBeGreaterThan(0);
    for (const { key } of rows) expect(key).toMatch(/^[0-9a-f]{64}$/);
  });

  it('for any timing of failed attempts: a minute sees at most one attempt more than the free ones, and Retry-After is honest', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            waitMs: fc.integer({ min: 0, max: 20 * 60_000 }),
            burst: fc.integer({ min: 1, max: 4 }),
          }),
          {
            minLength: 1,
            maxLength: 12,
          },
        ),
        async (steps) => {
          const key = { kind: 'account', email: `property-${++run}@test.invalid` } as const;
          let now = new Date('2026-03-01T00:00:00Z').getTime();
          const evaluated: number[] = [];
          for (const { waitMs, burst } of steps) {
            now += waitMs;
            for (let i = 0; i < burst; i++) {
              const gate = await takeSignInAttempt(ctx.db.db, key, new Date(now));
              if (gate.allowed) {
                evaluated.push(now);
                continue;
              }
              expect(gate.retryAfterSeconds).toBeGreaterThanOrEqual(1);
              expect(gate.retryAfterSeconds * 1000).toBeLessThanOrEqual(THROTTLE_LOCK_MAX_MS);
              // Whoever waits as told gets an attempt evaluated.
              const probe = now + gate.retryAfterSeconds * 1000;
              const after = await takeSignInAttempt(ctx.db.db, key, new Date(probe));
              expect(after.allowed).toBe(true);
              evaluated.push(probe);
              now = probe;
            }
          }
          for (const start of evaluated)
            expect(evaluated.filter((t) => t >= start && t < start + 60_000).length).toBeLessThanOrEqual(
              THROTTLE_FREE_ATTEMPTS + 1,
            );
        },
      ),
      { numRuns: 40 },
    );
  });
});
