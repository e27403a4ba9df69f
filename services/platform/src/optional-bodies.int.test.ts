import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jtc2020Definition, seedFunderRegistry } from '@permed/calls-service';
import type { App } from '@permed/http';
import { createTestContext, type TestContext, type TestUser } from '@permed/testing';
import { buildPlatform } from './app.ts';

// An action whose body has only optional fields (publish, withdraw, submit a review, ...) is sent
// without a body by most clients: Fastify handed the validator `null` and the answer was
// 400 "expected object, received null".

let ctx: TestContext;
let app: App;
let office: TestUser;
let admin: TestUser;

beforeAll(async () => {
  ctx = await createTestContext({ now: '2019-12-01T10:00:00Z' });
  await seedFunderRegistry(ctx.db.db);
  app = await buildPlatform(ctx.config, ctx.deps);
  office = await ctx.user([{ role: 'call-office', scopeType: 'global', scopeId: '*' }], 'office');
  admin = await ctx.user([{ role: 'admin', scopeType: 'global', scopeId: '*' }], 'admin');
});
afterAll(async () => {
  await app.close();
  await ctx.close();
});

async function draftCall(slug: string) {
  const created = await app.inject({
    method: 'POST',
    url: '/api/calls',
    headers: office.auth,
    payload: { ...jtc2020Definition(), slug },
  });
  expect(created.statusCode, created.body).toBe(201);
}

describe('POST …/publish', () => {
  it('publishes with no body at all, with the default reason', async () => {
    await draftCall('no-body-call');
    const res = await app.inject({
      method: 'POST',
      url: '/api/calls/no-body-call/publish',
      headers: office.auth,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ version: 1 });
    const log = (await app.inject('/api/calls/no-body-call/versions')).json();
    expect(log).toEqual([expect.objectContaining({ version: 1, reason: 'First publication' })]);
  });

  it('publishes with {} and still refuses a body that is not an object', async () => {
    await draftCall('empty-body-call');
    const res = await app.inject({
      method: 'POST',
      url: '/api/calls/empty-body-call/publish',
      headers: office.auth,
      payload: {},
    });
    expect(res.statusCode, res.body).toBe(200);
    await draftCall('array-body-call');
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/calls/array-body-call/publish',
      headers: office.auth,
      payload: [],
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ in: 'body', path: '' }] });
  });
});

describe('every route whose body is optional', () => {
  type Parameter = { in: string; name: string; schema?: { format?: string } };
  type Operation = {
    operationId: string;
    parameters?: Parameter[];
    requestBody?: { required?: boolean };
  };

  /** The operations the served document marks with an optional body (the same test the app applies). */
  async function optionalBodyRoutes() {
    const doc = (await app.inject('/docs/json')).json<{
      paths: Record<string, Record<string, Operation>>;
    }>();
    const out: { method: string; url: string; operationId: string }[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (op.requestBody?.required !== false) continue;
        // Any value its parameter schema accepts: the route must get as far as reading the body.
        const url = path.replace(/\{(\w+)\}/g, (_, name: string) => {
          const p = op.parameters?.find((x) => x.in === 'path' && x.name === name);
          return p?.schema?.format === 'uuid' ? randomUUID() : 'no-such-thing';
        });
        out.push({ method: method.toUpperCase(), url, operationId: op.operationId });
      }
    }
    return out;
  }

  it('accepts no body and {} (never a 400 about the body)', async () => {
    const routes = await optionalBodyRoutes();
    expect(routes.map((r) => r.operationId)).toEqual(
      expect.arrayContaining(['publishCall', 'withdrawProposal', 'submitReview', 'recordRecommendation']),
    );
    for (const route of routes) {
      for (const payload of [undefined, {}]) {
        const res = await app.inject({
          method: route.method as 'POST',
          url: route.url,
          headers: admin.auth,
          ...(payload ? { payload } : {}),
        });
        const bodyProblems = res.statusCode === 400 ? (res.json().errors ?? [{ in: 'body' }]) : [];
        expect(
          bodyProblems.filter((e: { in?: string }) => e.in === 'body'),
          `${route.operationId} with ${payload ? '{}' : 'no body'}: ${res.body}`,
        ).toEqual([]);
        expect(res.statusCode, `${route.operationId}: ${res.body}`).toBeLessThan(500);
      }
    }
  });
});
