import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp, type App } from '@permed/http';
import { createTestContext, type TestContext, type TestUser } from '@permed/testing';
import { amendCall } from '../../calls/src/manage-calls.ts';
import { jtc2020Definition } from '@permed/calls-service';
import { CallProjectionCache } from './call-context.ts';
import { eligibilityService } from './plugin.ts';
import { actorFor, publishTestCall, type TestCall } from './testing/factory.ts';

const sample = (name: string): Record<string, unknown> =>
  JSON.parse(
    readFileSync(new URL(`../../../packages/rules/samples/proposal-${name}.json`, import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
// A sample proposal as mutable JSON, for breaking it on purpose.
interface Doc extends Record<string, unknown> {
  partners: Array<{
    id: string;
    funderId: string | null;
    coordinator: boolean;
    organisation: Record<string, unknown>;
    budget: Record<string, unknown>;
  }>;
}
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

let ctx: TestContext;
let app: App;
let cache: CallProjectionCache;
let call: TestCall;
let applicant: TestUser;

beforeAll(async () => {
  ctx = await createTestContext({ now: '2020-01-10T10:00:00Z' });
  cache = new CallProjectionCache();
  app = await createHttpApp(ctx.config, {
    name: 'pre-check test',
    authenticator: ctx.deps.authenticator,
  });
  await app.register(eligibilityService(ctx.deps, { cache }), { prefix: '/api/eligibility' });
  call = await publishTestCall(ctx);
  applicant = await ctx.user([], 'applicant');
});
afterAll(async () => {
  await app.close();
  await ctx.close();
});

const preCheck = (payload: unknown, slug = call.slug, headers = applicant.auth) =>
  app.inject({
    method: 'POST',
    url: `/api/eligibility/calls/${slug}/pre-check`,
    headers,
    payload: payload as object,
  });

describe('POST /calls/:slug/pre-check', () => {
  it('finds the eligible sample eligible, with its advisory warnings explained', async () => {
    const res = await preCheck(sample('eligible'));
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      eligible: true,
      stage: 'pre-proposal',
      callVersion: 1,
      call: { slug: call.slug, version: 1 },
    });
    expect(body.findings.length).toBeGreaterThan(0);
    for (const f of body.findings) {
      expect(f.level).toBe('warning');
      expect(f).toEqual(
        expect.objectContaining({
          ruleId: expect.any(String),
          funderId: expect.any(String),
          partnerIds: expect.any(Array),
          facts: expect.any(Object),
          message: expect.any(String),
        }),
      );
    }
  });

  it('explains why the ineligible sample is not eligible: rule, level, funder, partners, facts, source', async () => {
    const res = await preCheck(sample('ineligible'));
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.eligible).toBe(false);
    const cap = body.findings.find((f: { ruleId: string }) => f.ruleId === 'bmbf-max-request-per-partner');
    expect(cap).toMatchObject({
      level: 'error',
      funderId: 'bmbf',
      partnerIds: ['heidelberg'],
      facts: expect.objectContaining({ currency: 'EUR' }),
    });
    expect(cap.message).toContain('BMBF');
    const coverage = body.findings.find((f: { ruleId: string }) => f.ruleId === 'jtc2020-module-coverage');
    expect(coverage.source.url).toMatch(/^https?:\/\//);
  });

  it('takes the stage from the body', async () => {
    const res = await preCheck({ ...sample('eligible'), stage: 'full-proposal' });
    expect(res.statusCode).toBe(200);
    expect(res.json().stage).toBe('full-proposal');
  });

  it('needs a signed-in user', async () => {
    const res = await preCheck(sample('eligible'), call.slug, {} as never);
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('UNAUTHENTICATED');
  });

  it('answers 404 for a call that does not exist', async () => {
    const res = await preCheck(sample('eligible'), 'no-such-call');
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('NOT_FOUND');
  });

  describe('bad input is a 400 problem with the path of each problem, never a stack trace', () => {
    const cases: Array<[string, (d: Doc) => void, string]> = [
      ['an unknown funder', (d) => (d.partners[1]!.funderId = 'no-such-funder'), '/partners/1/funderId'],
      [
        'a country code that does not exist',
        (d) => (d.partners[1]!.organisation.country = 'XX'),
        '/partners/1/organisation/country',
      ],
      [
        'a currency that does not exist',
        (d) => (d.partners[0]!.budget.currency = 'EUX'),
        '/partners/0/budget/currency',
      ],
      [
        'a budget in another currency than its funder',
        (d) => (d.partners[0]!.budget.currency = 'USD'),
        '/partners/0/budget/currency',
      ],
      ['a negative amount', (d) => (d.partners[2]!.budget.travel = -1), '/partners/2/budget/travel'],
      ['a fractional amount', (d) => (d.partners[2]!.budget.travel = 10.5), '/partners/2/budget/travel'],
      ['duplicate partner ids', (d) => (d.partners[2]!.id = d.partners[1]!.id), '/partners/2/id'],
      ['no coordinator', (d) => (d.partners[0]!.coordinator = false), '/partners'],
      ['an unknown field', (d) => (d.secret = 1), '/secret'],
      ['an unknown stage', (d) => (d.stage = 'final'), '/stage'],
    ];
    it.each(cases)('%s', async (_name, mutate, path) => {
      const doc = clone(sample('eligible'));
      mutate(doc as Doc);
      const res = await preCheck(doc);
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      const body = res.json();
      expect(body.code).toBe('VALIDATION_FAILED');
      expect(body.errors.map((e: { path: string }) => e.path)).toContain(path);
      expect(body.errors.every((e: { in: string }) => e.in === 'body')).toBe(true);
      expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
    });

    it('reports several problems at once', async () => {
      const doc = clone(sample('eligible')) as Doc;
      doc.partners[1]!.budget.personnel = -5;
      doc.partners[2]!.organisation.country = 'ZZ';
      const res = await preCheck(doc);
      expect(res.statusCode).toBe(400);
      expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual(
        expect.arrayContaining(['/partners/1/budget/personnel', '/partners/2/organisation/country']),
      );
    });

    it('answers malformed JSON with 400', async () => {
      const res = await app.inject({
        method: 'POST',
        url: `/api/eligibility/calls/${call.slug}/pre-check`,
        headers: { ...applicant.auth, 'content-type': 'application/json' },
        payload: '{"acronym": ',
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('MALFORMED_JSON');
    });
  });

  it('caches the projected call per version and picks up a new version at once', async () => {
    const fresh = await publishTestCall(ctx);
    const hits = cache.hits;
    const misses = cache.misses;
    expect((await preCheck(sample('eligible'), fresh.slug)).statusCode).toBe(200);
    expect(cache.misses).toBe(misses + 1);
    expect((await preCheck(sample('eligible'), fresh.slug)).statusCode).toBe(200);
    expect(cache.hits).toBe(hits + 1);

    // Version 2 drops BMBF's per-partner cap: the ineligible sample loses that finding at once.
    const def = { ...jtc2020Definition(), slug: fresh.slug };
    def.rules = def.rules!.filter((r) => r.id !== 'bmbf-max-request-per-partner');
    await amendCall({ db: ctx.db.db, clock: ctx.clock }, actorFor(fresh.office), fresh.slug, {
      definition: def,
      reason: 'BMBF lifted its cap',
      basedOnVersion: 1,
    });
    const res = await preCheck(sample('ineligible'), fresh.slug);
    expect(res.json().callVersion).toBe(2);
    expect(res.json().findings.map((f: { ruleId: string }) => f.ruleId)).not.toContain(
      'bmbf-max-request-per-partner',
    );
  });
});

describe('OpenAPI', () => {
  it('documents every route of the service with its schemas', async () => {
    const res = await app.inject('/docs/json');
    expect(res.statusCode).toBe(200);
    const paths = Object.keys(res.json<{ paths: Record<string, unknown> }>().paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/eligibility/calls/{slug}/pre-check',
        '/api/eligibility/calls/{slug}/funders/{funderId}/partners',
        '/api/eligibility/calls/{slug}/funders/{funderId}/partners.csv',
        '/api/eligibility/calls/{slug}/funders/{funderId}/budget',
        '/api/eligibility/calls/{slug}/funders/{funderId}/partners/{proposalId}/{partnerId}/verdict',
        '/api/eligibility/calls/{slug}/funders/{funderId}/done',
        '/api/eligibility/calls/{slug}/overview',
        '/api/eligibility/calls/{slug}/outcomes/apply',
      ]),
    );
  });
});
