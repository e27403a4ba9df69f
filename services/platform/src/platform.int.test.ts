import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { schema } from '@permed/db';
import { createTestContext, type TestContext, type TestUser } from '@permed/testing';
import { createHttpApp, type App } from '@permed/http';
import { buildPlatform } from './app.ts';

let ctx: TestContext;
let app: App;
let office: TestUser;
let funder: TestUser;

beforeAll(async () => {
  ctx = await createTestContext({ config: { AUTH_RATE_LIMIT_PER_MINUTE: 5, BODY_LIMIT_BYTES: 2048 } });
  app = await buildPlatform(ctx.config, ctx.deps);
  office = await ctx.user([{ role: 'call-office', scopeType: 'global', scopeId: '*' }], 'office');
  funder = await ctx.user([{ role: 'funder', scopeType: 'funder', scopeId: 'bmbf' }], 'funder');
});
afterAll(async () => {
  await app.close();
  await ctx.close();
});

const problemType = 'application/problem+json; charset=utf-8';
let client = 0;
/** Each call from its own address, so the sign-in rate limit only bites in the test about it. */
const from = () => `10.0.${Math.floor(++client / 250)}.${client % 250}`;

describe('plumbing', () => {
  it('answers /health and /ready', async () => {
    expect((await app.inject('/health')).json()).toEqual({ status: 'ok' });
    const ready = await app.inject('/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready' });
  });

  it('serves the OpenAPI 3.1 document and its UI at /docs', async () => {
    const ui = await app.inject('/docs/');
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toContain('text/html');
    const doc = (await app.inject('/docs/json')).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/auth/login',
        '/api/auth/sign-up',
        '/api/auth/password-reset',
        '/api/auth/me/export',
        '/api/calls/{slug}/draft',
      ]),
    );
  });

  it('gives every response a request id, echoing a sane given one', async () => {
    const own = await app.inject({ url: '/health', headers: { 'x-request-id': 'trace-123' } });
    expect(own.headers['x-request-id']).toBe('trace-123');
    const hostile = await app.inject({ url: '/health', headers: { 'x-request-id': '<script>' } });
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an unknown route with a 404 problem', async () => {
    const res = await app.inject('/api/nowhere?x=1');
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toBe(problemType);
    expect(res.json()).toMatchObject({
      type: 'https://permed-calls.org/problems/route-not-found',
      status: 404,
      code: 'ROUTE_NOT_FOUND',
      instance: '/api/nowhere',
    });
  });

  it('locates malformed JSON', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: from(),
      headers: { 'content-type': 'application/json' },
      payload: '{\n  "email": "a@b.c",\n  "password" "x"\n}',
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe(problemType);
    const body = res.json();
    expect(body.code).toBe('MALFORMED_JSON');
    expect(body.line).toBe(3);
    expect(body.column).toBeGreaterThan(1);
    expect(body).not.toHaveProperty('stack');
  });

  it('refuses __proto__ keys instead of dropping them', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: from(),
      headers: { 'content-type': 'application/json' },
      payload: '{"email":"a@b.c","password":"x","__proto__":{"admin":true}}',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].code).toBe('FORBIDDEN_KEY');
  });

  it('names the field path of a schema violation', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: from(),
      payload: { email: 'a@b.c', password: 5 },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ in: 'body', path: '/password' }],
    });
  });

  it('rejects unknown fields rather than dropping them', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: from(),
      payload: { email: 'a@b.c', password: 'x', role: 'admin' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([
      { in: 'body', path: '/role', message: 'Unknown field', code: 'unrecognized_keys' },
    ]);
  });

  it('answers a body over the limit with 413', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: from(),
      payload: { email: 'a@b.c', password: 'x'.repeat(5000) },
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses to start with a route that declares no access rule', async () => {
    const bare = await createHttpApp(ctx.config, { name: 'x', docs: false });
    expect(() => bare.get('/open', async () => 'hi')).toThrow(/declares no access rule/);
    await bare.close();
  });
});

describe('authentication and authorisation', () => {
  it('signs in, reads /me, and refuses a wrong password without saying which part was wrong', async () => {
    const user = await ctx.user([], 'someone');
    const ok = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: from(),
      payload: { email: user.email.toUpperCase(), password: user.password },
    });
    expect(ok.statusCode).toBe(200);
    const tokens = ok.json();
    const me = await app.inject({
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${tokens.accessToken}` },
    });
    expect(me.json()).toMatchObject({ id: user.id, email: user.email });

    const bad = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: from(),
      payload: { email: user.email, password: 'wrong' },
    });
    const unknown = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: from(),
      payload: { email: 'nobody@x.invalid', password: 'wrong' },
    });
    expect(bad.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(bad.json().code).toBe('INVALID_CREDENTIALS');
    expect(unknown.json().code).toBe('INVALID_CREDENTIALS');
    const failures = await ctx.db.db
      .select()
      .from(schema.auditEvents)
      .where(eq(schema.auditEvents.action, 'auth.login_failed'));
    expect(failures.map((f) => f.details.reason)).toEqual(
      expect.arrayContaining(['wrong-password', 'unknown-email']),
    );
  });

  it('lets a user choose the zone it reads dates in, refusing names that are not IANA zones', async () => {
    const user = await ctx.user([], 'zone-chooser');
    const me = () => app.inject({ url: '/api/auth/me', headers: user.auth });
    const patch = (payload: unknown) =>
      app.inject({ method: 'PATCH', url: '/api/auth/me', headers: user.auth, payload: payload as object });
    expect((await me()).json()).toMatchObject({ id: user.id, timeZone: null });
    for (const [payload, path] of [
      [{ timeZone: 'Mars/Olympus' }, '/timeZone'],
      [{ timeZone: 42 }, '/timeZone'],
      // The name is part of the profile now (packages/auth accounts tests); the e-mail is not.
      [{ timeZone: 'Europe/Madrid', email: 'someone@else.org' }, '/email'],
    ] as const) {
      const refused = await patch(payload);
      expect(refused.statusCode, JSON.stringify(payload)).toBe(400);
      expect(refused.json().errors[0]).toMatchObject({ in: 'body', path });
    }
    expect((await me()).json().timeZone).toBeNull();
    const chosen = await patch({ timeZone: 'Europe/Madrid' });
    expect(chosen.statusCode, chosen.body).toBe(200);
    expect(chosen.json()).toMatchObject({ id: user.id, timeZone: 'Europe/Madrid' });
    expect((await me()).json().timeZone).toBe('Europe/Madrid');
    const audit = await ctx.db.db
      .select()
      .from(schema.auditEvents)
      .where(eq(schema.auditEvents.action, 'user.profile_changed'));
    expect(audit).toContainEqual(
      expect.objectContaining({
        actorUserId: user.id,
        targetId: user.id,
        // The names of the changed fields, not their values (the log outlives the profile).
        details: { fields: ['timeZone'] },
      }),
    );
    expect((await patch({ timeZone: null })).json().timeZone).toBeNull();
    expect((await me()).json().timeZone).toBeNull();
  });

  it('answers a missing or malformed token with 401 and audits it', async () => {
    const missing = await app.inject('/api/auth/me');
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    expect(missing.json().code).toBe('UNAUTHENTICATED');
    const garbage = await app.inject({
      url: '/api/auth/me',
      headers: { authorization: 'Bearer abc.def.ghi' },
    });
    expect(garbage.json().code).toBe('TOKEN_INVALID');
    const wrongScheme = await app.inject({
      url: '/api/auth/me',
      headers: { authorization: 'Basic Zm9vOmJhcg==' },
    });
    expect(wrongScheme.json().code).toBe('TOKEN_INVALID');
    const rows = await ctx.db.db
      .select()
      .from(schema.auditEvents)
      .where(eq(schema.auditEvents.action, 'access.unauthenticated'));
    expect(rows.length).toBeGreaterThanOrEqual(3);
  });

  it('answers the wrong role with 403 and audits the denial with its actor', async () => {
    const res = await app.inject({ url: '/api/calls/some-call/draft', headers: funder.auth });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('FORBIDDEN');
    const rows = await ctx.db.db
      .select()
      .from(schema.auditEvents)
      .where(eq(schema.auditEvents.action, 'access.denied'));
    expect(rows.some((r) => r.actorUserId === funder.id && r.targetId === 'GET /api/calls/:slug/draft')).toBe(
      true,
    );
    // The call office passes the guard and reaches the handler, which finds no such call.
    const allowed = await app.inject({ url: '/api/calls/some-call/draft', headers: office.auth });
    expect(allowed.statusCode).toBe(404);
    expect(allowed.json().code).toBe('NOT_FOUND');
  });

  it('expires access tokens after their lifetime, by the server clock', async () => {
    const user = await ctx.user([{ role: 'call-office', scopeType: 'global', scopeId: '*' }], 'expiring');
    expect((await app.inject({ url: '/api/auth/me', headers: user.auth })).statusCode).toBe(200);
    ctx.clock.advance(ctx.config.ACCESS_TOKEN_TTL_SECONDS * 1000 - 1000);
    expect((await app.inject({ url: '/api/auth/me', headers: user.auth })).statusCode).toBe(200);
    ctx.clock.advance(1000);
    const expired = await app.inject({ url: '/api/auth/me', headers: user.auth });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().code).toBe('TOKEN_EXPIRED');
  });

  it('refreshes with rotation, and a used refresh token no longer works', async () => {
    const user = await ctx.user([], 'refresher');
    const first = (
      await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: from(),
        payload: { email: user.email, password: user.password },
      })
    ).json();
    const second = await app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      remoteAddress: from(),
      payload: { refreshToken: first.refreshToken },
    });
    expect(second.statusCode).toBe(200);
    expect(second.json().refreshToken).not.toBe(first.refreshToken);
    const replay = await app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      remoteAddress: from(),
      payload: { refreshToken: first.refreshToken },
    });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('SESSION_REVOKED');
  });

  it('revokes the session at logout: the access token and refresh token stop working at once', async () => {
    const user = await ctx.user([], 'leaver');
    const tokens = (
      await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: from(),
        payload: { email: user.email, password: user.password },
      })
    ).json();
    const auth = { authorization: `Bearer ${tokens.accessToken}` };
    expect((await app.inject({ url: '/api/auth/me', headers: auth })).statusCode).toBe(200);
    const out = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: auth });
    expect(out.statusCode).toBe(204);
    const after = await app.inject({ url: '/api/auth/me', headers: auth });
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('SESSION_REVOKED');
    const refresh = await app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      remoteAddress: from(),
      payload: { refreshToken: tokens.refreshToken },
    });
    expect(refresh.statusCode).toBe(401);
  });

  it('rate-limits sign-in attempts per client', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '10.9.9.9',
        // An e-mail of its own: the per-account throttle (login-throttle.int.test.ts) counts
        // every attempt for nobody@x.invalid made by the other tests of this file.
        payload: { email: 'per-address@x.invalid', password: 'guess' },
      });
      codes.push(res.statusCode);
      if (res.statusCode === 429) {
        expect(res.json().code).toBe('RATE_LIMITED');
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      }
    }
    expect(codes.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(codes.slice(5)).toEqual([429, 429]);
  });
});

describe('overload', () => {
  it('answers 503 problem+json with Retry-After beyond the in-flight cap, and recovers', async () => {
    const small = await buildPlatform({ ...ctx.config, MAX_IN_FLIGHT: 2 }, ctx.deps);
    // A route that holds its request for a while, as a slow database would.
    small.get('/test/slow', { config: { access: { public: true } } }, async () => {
      await new Promise((r) => setTimeout(r, 150));
      return { ok: true };
    });
    await small.listen({ host: '127.0.0.1', port: 0 });
    const address = small.server.address() as { port: number };
    const url = `http://127.0.0.1:${address.port}/test/slow`;
    // One connection per request, all at once, as a crowd of browsers would.
    const { request } = await import('node:http');
    const get = () =>
      new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>(
        (resolve, reject) => {
          const req = request(url, { agent: false }, (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
          });
          req.on('error', reject);
          req.end();
        },
      );
    const responses = await Promise.all(Array.from({ length: 40 }, get));
    const shed = responses.filter((r) => r.status === 503);
    expect(shed.length).toBeGreaterThan(0);
    expect(responses.every((r) => r.status === 200 || r.status === 503)).toBe(true);
    expect(shed[0]!.headers['retry-after']).toBe('1');
    expect(shed[0]!.headers['content-type']).toContain('application/problem+json');
    expect((JSON.parse(shed[0]!.body) as { code: string }).code).toBe('SERVICE_UNAVAILABLE');
    // Once the burst is over, requests are served again.
    expect((await fetch(url)).status).toBe(200);
    await small.close();
  });
});
