// Hostile text on every route of the platform: NUL, unpaired surrogates, overlong and invalid UTF-8
// in URLs, and 100 kB values, in path params, the query and JSON bodies. The routes are the
// platform's own: its OpenAPI document, built from the mounted services, lists every route but
// /health and /ready (hidden; no params or body). They are sent with real principals in a world in its eligibility check (test/authz/world.ts), so that most requests get
// past the access check into validation and the handlers. Every answer must be below 500 and a
// problem+json when it is an error; text PostgreSQL cannot store must never be accepted, and where
// the edge refuses it the field is named (issue 15, item 3).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createWorld, type World } from '../authz/world.ts';
import type { Role } from '../authz/matrix-types.ts';
import { fromSchema } from './json-schema-arbitrary.ts';

type Schema = Record<string, unknown>;
interface Operation {
  method: string;
  path: string;
  op: Schema;
}
interface FieldProblem {
  in: string;
  path: string;
  code?: string;
}

let world: World;
let doc: Schema;
const tally = { requests: 0, operations: 0, byStatus: {} as Record<string, number> };
let started = 0;

beforeAll(async () => {
  started = Date.now();
  world = await createWorld();
  await world.advanceTo('eligibility');
  doc = (await world.app.inject('/docs/json')).json();
}, 120_000);
afterAll(async () => {
  console.log(
    `[hostile-text] ${tally.requests} requests over ${tally.operations} operations in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
      `statuses ${JSON.stringify(tally.byStatus)}`,
  );
  await world?.close();
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

/** Real values for path params, so that the other params of a request lead somewhere. */
function realParam(name: string): string {
  const r = world.refs as unknown as Record<string, string>;
  const known: Record<string, string | undefined> = {
    slug: r.slug,
    id: r.A,
    proposalId: r.A,
    funderId: 'vr',
    partnerId: 'karolinska',
    kind: 'proposal',
    version: '1',
    seq: '1',
  };
  return known[name] ?? 'x';
}

// ---- hostile values ----
const HUNDRED_KB = 100 * 1024;
/** Raw (already percent-encoded) URL values; `decoded` says what the server sees after decoding. */
const urlValue = fc.constantFrom(
  { raw: '%00', storable: false },
  { raw: 'a%00b', storable: false },
  { raw: '%ED%A0%80', storable: true }, // a surrogate in UTF-8 form: invalid UTF-8
  { raw: '%ED%BF%BFx', storable: true },
  { raw: '%C0%AE%C0%AE', storable: true }, // overlong "..": invalid UTF-8
  { raw: '%C0%80', storable: true }, // overlong NUL
  { raw: '%E0%80%AF', storable: true }, // overlong "/"
  { raw: '%F0%80%80%AF', storable: true },
  { raw: '%FF%FE', storable: true },
  { raw: 'x'.repeat(HUNDRED_KB), storable: true },
  { raw: '%C3%A9'.repeat(HUNDRED_KB / 6), storable: true },
);
/** JSON string values a hostile client sends. */
const bodyString = fc.oneof(
  fc.constantFrom(
    { value: 'a\u0000@b.org', storable: false },
    { value: '\u0000', storable: false },
    { value: '\ud800', storable: false },
    { value: 'x\udfffy', storable: false },
    { value: '\udbff\u0000', storable: false },
    { value: 'x'.repeat(HUNDRED_KB), storable: true },
    { value: `${'é'.repeat(HUNDRED_KB / 2)}\u0000`, storable: false },
  ),
  fc
    .tuple(
      fc.string({ maxLength: 6 }),
      fc.constantFrom('\u0000', '\ud800', '\udc00'),
      fc.string({ maxLength: 6 }),
    )
    .map((parts) => ({ value: parts.join(''), storable: false })),
);

/** JSON pointers of the string leaves of a value. */
function stringLeaves(value: unknown, path: string[] = [], out: string[][] = []): string[][] {
  if (typeof value === 'string') out.push(path);
  else if (Array.isArray(value)) value.forEach((v, i) => stringLeaves(v, [...path, String(i)], out));
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) stringLeaves(v, [...path, k], out);
  return out;
}
const toPointer = (path: string[]) =>
  path.map((p) => `/${p.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');

/** The body with `text` put in place of one of its strings (chosen by `pick`), or under a new key. */
function plant(body: unknown, text: string, pick: number): { body: unknown; pointer: string } {
  const leaves = stringLeaves(body);
  if (leaves.length > 0) {
    const path = leaves[pick % leaves.length]!;
    if (path.length === 0) return { body: text, pointer: '' };
    const copy = structuredClone(body) as Record<string, unknown>;
    let node: Record<string, unknown> = copy;
    for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
    node[path.at(-1)!] = text;
    return { body: copy, pointer: toPointer(path) };
  }
  const base = body !== null && typeof body === 'object' && !Array.isArray(body) ? body : {};
  return { body: { ...base, note: text }, pointer: '/note' };
}

const principals: Role[] = [
  'admin',
  'admin',
  'coordinator',
  'funderOfPartner',
  'callOffice',
  'reviewerAssigned',
  'anonymous',
];

describe('hostile text on every route', () => {
  it('never answers 5xx, answers errors as problem+json, and never accepts text PostgreSQL cannot store', async () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(80);
    tally.operations = ops.length;
    for (const { method, path, op } of ops) {
      const parameters = (op.parameters as Schema[] | undefined) ?? [];
      const pathParams = parameters.filter((p) => p.in === 'path').map((p) => String(p.name));
      const queryParams = parameters.filter((p) => p.in === 'query').map((p) => String(p.name));
      const bodySchema = (op.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined)
        ?.content?.['application/json']?.schema;
      const hasBody = method !== 'GET' && method !== 'DELETE';
      const where = fc.constantFrom(
        ...(pathParams.length ? (['path'] as const) : []),
        'query' as const,
        ...(hasBody ? (['body', 'body'] as const) : []),
      );

      await fc.assert(
        fc.asyncProperty(
          where,
          fc.nat(),
          urlValue,
          bodyString,
          fromSchema(bodySchema, doc),
          // Signing out would end the session the rest of the run uses: logout is sent anonymously.
          fc.constantFrom(...(path.endsWith('/logout') ? (['anonymous'] as Role[]) : principals)),
          async (place, pick, inUrl, inBody, generated, role) => {
            const params = Object.fromEntries(pathParams.map((n) => [n, encodeURIComponent(realParam(n))]));
            const query: string[] = [];
            let body: unknown = hasBody ? generated : undefined;
            let expected: FieldProblem | null = null;
            let storable = true;
            if (place === 'path') {
              const name = pathParams[pick % pathParams.length]!;
              params[name] = inUrl.raw;
              storable = inUrl.storable;
              expected = { in: 'params', path: `/${name}` };
            } else if (place === 'query') {
              const name = queryParams.length ? queryParams[pick % queryParams.length]! : 'q';
              query.push(`${name}=${inUrl.raw}`);
              storable = inUrl.storable;
              expected = { in: 'query', path: `/${name}` };
            } else {
              const planted = plant(generated, inBody.value, pick);
              body = planted.body;
              storable = inBody.storable;
              expected = { in: 'body', path: planted.pointer };
            }
            const url =
              path.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? 'x') +
              (query.length ? `?${query.join('&')}` : '');
            const res = await world.send(role, {
              method,
              url,
              ...(hasBody ? { payload: JSON.stringify(body) ?? 'null' } : {}),
              headers: hasBody ? { 'content-type': 'application/json' } : {},
            });
            tally.requests += 1;
            tally.byStatus[res.statusCode] = (tally.byStatus[res.statusCode] ?? 0) + 1;
            const context = `${method} ${url.slice(0, 200)} as ${role} (${place}) → ${res.statusCode} ${res.body.slice(0, 300)}`;
            expect(res.statusCode, context).toBeLessThan(500);
            if (!storable)
              expect(
                res.statusCode,
                `accepted text PostgreSQL cannot store: ${context}`,
              ).toBeGreaterThanOrEqual(400);
            if (res.statusCode < 400) return;
            const problem = res.json() as { status?: number; code?: string; errors?: FieldProblem[] };
            expect(String(res.headers['content-type']), context).toContain('application/problem+json');
            expect(problem.status, context).toBe(res.statusCode);
            expect(problem.code, context).toMatch(/^[A-Z][A-Z_]+$/);
            // Past the access check, unstorable text is refused by the edge with the field's path.
            if (!storable && problem.code === 'VALIDATION_FAILED') {
              expect(problem.errors, context).toContainEqual(
                expect.objectContaining({
                  ...expected,
                  code: expect.stringMatching(/^(NUL_CHARACTER|UNPAIRED_SURROGATE)$/),
                }),
              );
            }
          },
        ),
        { numRuns: 12, seed: 20_261_208, endOnFailure: true },
      );
    }
  }, 180_000);
});

describe('the probes of issue 15 that answered 500', () => {
  const send = (role: Role, method: string, url: string, payload?: unknown) =>
    world.send(role, {
      method,
      url,
      ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
      headers: payload === undefined ? {} : { 'content-type': 'application/json' },
    });
  const fieldsOf = (body: string) =>
    (JSON.parse(body) as { errors: FieldProblem[] }).errors.map((e) => `${e.in} ${e.path} ${e.code ?? ''}`);

  it('are refused with 400 VALIDATION_FAILED naming the field', async () => {
    const { slug, A } = world.refs as unknown as Record<string, string>;
    const cases: Array<[Role, string, string, unknown, string]> = [
      ['anonymous', 'GET', '/api/calls/a%00b', undefined, 'params /slug NUL_CHARACTER'],
      ['anonymous', 'GET', '/api/calls/?state=%00', undefined, 'query /state NUL_CHARACTER'],
      [
        'anonymous',
        'POST',
        '/api/auth/login',
        { email: 'a\u0000@b.org', password: 'correct horse battery staple' },
        'body /email NUL_CHARACTER',
      ],
      [
        'funderOfPartner',
        'GET',
        `/api/eligibility/calls/${slug}/funders/vr/partners/${A}/a%00b/verdicts`,
        undefined,
        'params /partnerId NUL_CHARACTER',
      ],
      [
        'funderOfPartner',
        'PUT',
        `/api/eligibility/calls/${slug}/funders/vr/partners/${A}/karolinska/verdict`,
        { verdict: 'not-eligible', reasonCode: 'OTHER', note: 'see \ud800' },
        'body /note UNPAIRED_SURROGATE',
      ],
      ['coordinator', 'PATCH', `/api/proposals/${A}`, { title: 'T\u0000', keywords: ['ok', '\udfff'] }, ''],
    ];
    for (const [role, method, url, payload, field] of cases) {
      const res = await send(role, method, url, payload);
      expect(res.statusCode, `${method} ${url} → ${res.body}`).toBe(400);
      expect(String(res.headers['content-type'])).toContain('application/problem+json');
      const fields = fieldsOf(res.body);
      if (field) expect(fields).toContain(field);
      else
        expect(fields.sort()).toEqual(['body /keywords/1 UNPAIRED_SURROGATE', 'body /title NUL_CHARACTER']);
    }
  });
});
