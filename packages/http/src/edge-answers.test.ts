import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '@permed/config';
import { createHttpApp, type App } from './app.ts';
import { AppError } from './errors.ts';
import type { Principal } from './access.ts';

// Issue 15, items 7 and 8: every error is problem+json with a stable code, including the ones Fastify's
// router and Node's parser produce, and every answer carries the security headers; nothing an
// authenticated user reads may be kept by a cache.

const problemType = 'application/problem+json; charset=utf-8';
/** A few of the headers helmet sets, enough to tell that it ran. */
const securityHeaders = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN',
  'strict-transport-security': expect.stringContaining('max-age='),
  'content-security-policy': expect.stringContaining("default-src 'self'"),
};
const principal: Principal = {
  userId: 'u1',
  email: 'a@b.org',
  displayName: 'A',
  sessionId: 's1',
  grants: [{ role: 'applicant', scopeType: 'proposal', scopeId: 'p1' }],
};

let app: App;
let port: number;
beforeAll(async () => {
  app = await createHttpApp(testConfig({ LOG_LEVEL: 'silent' }), {
    name: 'probe',
    docs: false,
    authenticator: {
      authenticate: async (token) => {
        if (token !== 'good') throw new AppError('TOKEN_INVALID');
        return principal;
      },
    },
  });
  app.get('/calls/:slug', { config: { access: { public: true } } }, async (request, reply) => {
    void reply.header('cache-control', 'public, max-age=60');
    return { slug: (request.params as { slug: string }).slug };
  });
  app.get('/me', { config: { access: { authenticated: true } } }, async () => ({ me: principal.userId }));
  app.get('/office', { config: { access: { roles: ['call-office'] } } }, async () => ({ ok: true }));
  app.get('/me/file.pdf', { config: { access: { authenticated: true } } }, async (_request, reply) =>
    reply.type('application/pdf').send(Buffer.from('%PDF-1.7\n')),
  );
  app.get('/me/broken', { config: { access: { authenticated: true } } }, async () => {
    throw new AppError('CONFLICT', 'no');
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await app.close();
});

/** Writes `request` on a fresh socket and reads until the server closes it. */
function raw(request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    let reply = '';
    socket.on('data', (chunk) => (reply += chunk.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => resolve(reply));
  });
}

describe('router and parser errors are problem+json', () => {
  it('answers a path that is not valid percent-encoding with 400 MALFORMED_URL', async () => {
    const res = await app.inject('/calls/%E0%A4%A');
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe(problemType);
    expect(res.headers).toMatchObject(securityHeaders);
    expect(res.json()).toMatchObject({
      type: 'https://permed-calls.org/problems/malformed-url',
      status: 400,
      code: 'MALFORMED_URL',
    });
  });

  it('answers a path parameter over the router limit with 414 URI_TOO_LONG', async () => {
    const res = await app.inject(`/calls/${'a'.repeat(101)}`);
    expect(res.statusCode).toBe(414);
    expect(res.headers['content-type']).toBe(problemType);
    expect(res.headers).toMatchObject(securityHeaders);
    expect(res.json()).toMatchObject({ status: 414, code: 'URI_TOO_LONG' });
    // At the limit it is still an ordinary parameter.
    expect((await app.inject(`/calls/${'a'.repeat(100)}`)).statusCode).toBe(200);
  });

  it('answers headers over 16 KiB with 431 HEADERS_TOO_LARGE, from the HTTP parser itself', async () => {
    const reply = await raw(`GET /calls/x HTTP/1.1\r\nHost: t\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`);
    expect(reply).toMatch(/^HTTP\/1\.1 431 /);
    expect(reply).toMatch(/\r\ncontent-type: application\/problem\+json; charset=utf-8\r\n/i);
    expect(reply).toMatch(/\r\nx-content-type-options: nosniff\r\n/i);
    const problem = JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
    expect(problem).toMatchObject({ status: 431, code: 'HEADERS_TOO_LARGE' });
  });

  it('answers bytes that are not HTTP with 400 BAD_REQUEST problem+json', async () => {
    const reply = await raw('HELLO THERE\r\n\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4))).toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('headers', () => {
  it('gives a 401 and a 403 from the access guard the security headers', async () => {
    const anonymous = await app.inject('/me');
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers).toMatchObject(securityHeaders);
    const badToken = await app.inject({ url: '/me', headers: { authorization: 'Bearer nope' } });
    expect(badToken.statusCode).toBe(401);
    expect(badToken.headers).toMatchObject(securityHeaders);
    const forbidden = await app.inject({ url: '/office', headers: { authorization: 'Bearer good' } });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.headers).toMatchObject(securityHeaders);
    expect((await app.inject('/nowhere')).headers).toMatchObject(securityHeaders);
  });

  it('gives a 503 of the load shedding the security headers', async () => {
    const small = await createHttpApp(testConfig({ LOG_LEVEL: 'silent', MAX_IN_FLIGHT: 1 }), {
      name: 'small',
      docs: false,
    });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    small.get('/hold', { config: { access: { public: true } } }, async () => {
      await held;
      return { ok: true };
    });
    const first = small.inject('/hold');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const shed = await small.inject('/hold');
    expect(shed.statusCode).toBe(503);
    expect(shed.json().code).toBe('SERVICE_UNAVAILABLE');
    expect(shed.headers).toMatchObject(securityHeaders);
    release();
    expect((await first).statusCode).toBe(200);
    await small.close();
  });

  it('marks authenticated JSON, PDFs and errors no-store; a public answer keeps its own', async () => {
    const auth = { authorization: 'Bearer good' };
    const json = await app.inject({ url: '/me', headers: auth });
    expect(json.statusCode).toBe(200);
    expect(json.headers['cache-control']).toBe('no-store');
    const pdf = await app.inject({ url: '/me/file.pdf', headers: auth });
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['cache-control']).toBe('no-store');
    const refused = await app.inject({ url: '/me/broken', headers: auth });
    expect(refused.statusCode).toBe(409);
    expect(refused.headers['cache-control']).toBe('no-store');
    expect((await app.inject('/me')).headers['cache-control']).toBe('no-store');
    const pub = await app.inject({ url: '/calls/x', headers: auth });
    expect(pub.headers['cache-control']).toBe('public, max-age=60');
  });
});
