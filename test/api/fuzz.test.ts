import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { Validator } from '@seriousme/openapi-schema-validator';
import { createTestContext, type TestContext, type TestUser } from '@permed/testing';
import type { App } from '@permed/http';
import { seedDemoCalls, seedFunderRegistry } from '@permed/calls-service';
import { buildPlatform } from '@permed/platform';
import { fromSchema, hostileValue } from './json-schema-arbitrary.ts';

type Schema = Record<string, unknown>;
interface Operation {
  method: string;
  path: string;
  op: Schema;
}

let ctx: TestContext;
let app: App;
let doc: Schema;
const principals: Record<string, TestUser | null> = {};
const tally = { requests: 0, operations: 0, byStatus: {} as Record<string, number> };

beforeAll(async () => {
  ctx = await createTestContext({ now: '2026-11-22T10:00:00Z' });
  await seedFunderRegistry(ctx.db.db);
  await seedDemoCalls({ db: ctx.db.db, clock: ctx.clock });
  app = await buildPlatform({ ...ctx.config, AUTH_RATE_LIMIT_PER_MINUTE: 100_000 }, ctx.deps);
  doc = (await app.inject('/docs/json')).json();
  principals.anonymous = null;
  principals.admin = await ctx.user([{ role: 'admin', scopeType: 'global', scopeId: '*' }], 'admin');
  principals.office = await ctx.user([{ role: 'call-office', scopeType: 'global', scopeId: '*' }], 'office');
  principals.funder = await ctx.user([{ role: 'funder', scopeType: 'funder', scopeId: 'bmbf' }], 'funder');
  principals.applicant = await ctx.user([], 'applicant');
});
afterAll(async () => {
  console.log(
    `[fuzz] ${tally.requests} requests over ${tally.operations} operations; statuses ${JSON.stringify(tally.byStatus)}`,
  );
  await app.close();
  await ctx.close();
});

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });
});

function operations(): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Schema>>)) {
    for (const [method, op] of Object.entries(item)) {
      if (['get', 'post', 'put', 'patch', 'delete'].includes(method))
        out.push({ method: method.toUpperCase(), path, op });
    }
  }
  return out;
}

/** Values that exist, so that some requests reach the handlers' inner branches. */
const knownParams: Record<string, string[]> = {
  slug: ['live-demo-call', 'era-permed-jtc-2020', 'no-such-call'],
  version: ['1', '2', '0', '99999'],
  funderId: ['bmbf', 'vr', 'frqs', 'nobody'],
};

describe('API fuzzing from the OpenAPI document', () => {
  it('never answers 5xx, and every 2xx matches its declared schema and every error is problem+json', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats.default(ajv);
    const ops = operations();
    expect(ops.length).toBeGreaterThan(10);
    tally.operations = ops.length;
    for (const { method, path, op } of ops) {
      const params = ((op.parameters as Schema[] | undefined) ?? []).filter(
        (p) => p.in === 'path' || p.in === 'query',
      );
      const bodySchema = (op.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined)
        ?.content?.['application/json']?.schema;
      const paramArb = fc.record(
        Object.fromEntries(
          params.map((p) => {
            const name = String(p.name);
            const known = knownParams[name];
            const generated = fromSchema(p.schema as Schema, doc).map((v) =>
              typeof v === 'string' ? v : (JSON.stringify(v) ?? ''),
            );
            const arb = known ? fc.oneof(fc.constantFrom(...known), generated) : generated;
            return [`${String(p.in)}:${name}`, p.required ? arb : fc.option(arb, { nil: undefined })];
          }),
        ),
      );
      const bodyArb = fc.oneof(
        { arbitrary: fromSchema(bodySchema, doc).map((b) => ({ kind: 'json' as const, b })), weight: 6 },
        { arbitrary: fc.string({ maxLength: 60 }).map((b) => ({ kind: 'raw' as const, b })), weight: 1 },
        { arbitrary: hostileValue.map((b) => ({ kind: 'json' as const, b })), weight: 1 },
      );
      const who = fc.constantFrom(
        ...Object.keys(principals).filter((k) => !(path.endsWith('/logout') && k !== 'anonymous')),
      );

      await fc.assert(
        fc.asyncProperty(paramArb, bodyArb, who, async (values, body, principal) => {
          let url = path;
          const query = new URLSearchParams();
          for (const [key, value] of Object.entries(values)) {
            if (value === undefined) continue;
            const [where, name] = key.split(':') as [string, string];
            // An empty segment would route to another operation (/calls/ instead of /calls/{slug}).
            if (where === 'path') url = url.replace(`{${name}}`, encodeURIComponent(String(value)) || '-');
            else query.set(name, String(value));
          }
          url = url.replace(/\{[^}]+\}/g, 'x');
          const qs = query.toString();
          const user = principals[principal];
          const headers: Record<string, string> = user ? { ...user.auth } : {};
          const hasBody = method !== 'GET' && method !== 'DELETE';
          if (hasBody) headers['content-type'] = 'application/json';
          const res = await app.inject({
            method: method as 'GET',
            url: qs ? `${url}?${qs}` : url,
            headers,
            ...(hasBody
              ? { payload: body.kind === 'raw' ? body.b : (JSON.stringify(body.b) ?? 'null') }
              : {}),
          });
          tally.requests += 1;
          tally.byStatus[res.statusCode] = (tally.byStatus[res.statusCode] ?? 0) + 1;
          const where = `${method} ${path} as ${principal} → ${res.statusCode} ${res.body.slice(0, 300)}`;
          expect(res.statusCode, where).toBeLessThan(500);
          const type = String(res.headers['content-type'] ?? '');
          if (res.statusCode >= 400) {
            expect(type, where).toContain('application/problem+json');
            const problem = res.json();
            expect(problem.status, where).toBe(res.statusCode);
            expect(problem.code, where).toMatch(/^[A-Z_]+$/);
            return;
          }
          const declared = (
            op.responses as Record<string, { content?: Record<string, { schema?: Schema }> }> | undefined
          )?.[String(res.statusCode)]?.content?.['application/json']?.schema;
          if (declared && type.includes('application/json') && res.body.length > 0) {
            const validate = ajv.compile({
              ...declared,
              components: (doc as { components?: unknown }).components,
            });
            expect(validate(res.json()), `${where}\n${JSON.stringify(validate.errors)}`).toBe(true);
          }
        }),
        { numRuns: 30, seed: 20_201_216, endOnFailure: true },
      );
    }
  });
});
