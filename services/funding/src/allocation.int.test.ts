import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allocate, type AllocationInput } from '@permed/allocation';
import { budgetTotalMinor } from '@permed/domain';
import type { App } from '@permed/http';
import { funderRegistry } from '@permed/rules';
import { seedFunderRegistry } from '@permed/calls-service';
import { createTestContext, type TestContext, type TestUser } from '@permed/testing';
import { buildPlatform } from '../../platform/src/app.ts';
import { buildFundingApp } from './test-support/funding-app.ts';
import { createFundingCall, type FundingCall } from './test-support/funding-fixture.ts';
import { EUR, PLN, scenario } from './test-support/scenario.ts';

let ctx: TestContext;
let app: App;
let office: TestUser;
let funder: TestUser;
let otherOffice: TestUser;
let call: FundingCall;
let tied: FundingCall;

const problemType = 'application/problem+json; charset=utf-8';

/** The allocation input written from the test's own data, independently of the service's code. */
function expectedInput(c: FundingCall, commitments: Record<string, number> = {}): AllocationInput {
  const def = c.definition;
  return {
    reportingCurrency: 'EUR',
    mode: def.funding.mode,
    ties: 'fund-most',
    fundableCategories: ['A', 'B'],
    exchangeRates: def.exchangeRates!.map((r) => ({ currency: r.currency, perReportingUnit: r.rate })),
    funders: def.funders.map((f) => ({
      funderId: f.funderId,
      acronym: funderRegistry.find((r) => r.id === f.funderId)?.acronym ?? f.funderId.toUpperCase(),
      commitment: { ...f.commitment, amountMinor: commitments[f.funderId] ?? f.commitment.amountMinor },
    })),
    ranking: c.entries.map((e) => ({
      proposalId: e.proposalId,
      acronym: e.acronym,
      rank: e.position,
      score: e.total,
      category: e.category,
      partners: c.documents.get(e.acronym)!.partners.map((p) => ({
        partnerId: p.id,
        funderId: p.funderId,
        requested: { amountMinor: budgetTotalMinor(p.budget), currency: p.budget.currency },
      })),
    })),
  };
}

beforeAll(async () => {
  ctx = await createTestContext({ now: '2020-10-01T08:00:00Z' });
  await seedFunderRegistry(ctx.db.db);
  app = await buildFundingApp(ctx);
  call = await createFundingCall(ctx.deps, scenario('funding-allocation'));
  // Four proposals, three tied on 12.0 at the threshold: BMBF can pay T1 and then either the
  // expensive T2 or both cheap T3 and T4.
  tied = await createFundingCall(ctx.deps, {
    slug: 'funding-ties',
    commitments: { bmbf: EUR(300_000) },
    proposals: [
      { acronym: 'T1', total: 13, partners: [{ id: 't1', funderId: 'bmbf', requestMinor: EUR(100_000) }] },
      { acronym: 'T2', total: 12, partners: [{ id: 't2', funderId: 'bmbf', requestMinor: EUR(150_000) }] },
      { acronym: 'T3', total: 12, partners: [{ id: 't3', funderId: 'bmbf', requestMinor: EUR(90_000) }] },
      { acronym: 'T4', total: 12, partners: [{ id: 't4', funderId: 'bmbf', requestMinor: EUR(90_000) }] },
    ],
  });
  office = await ctx.user([{ role: 'call-office', scopeType: 'call', scopeId: call.callId }], 'office');
  otherOffice = await ctx.user(
    [{ role: 'call-office', scopeType: 'call', scopeId: tied.callId }],
    'other-office',
  );
  funder = await ctx.user([{ role: 'funder', scopeType: 'funder', scopeId: 'bmbf' }], 'bmbf');
});
afterAll(async () => {
  await app?.close();
  await ctx?.close();
});

describe('GET /calls/:slug/allocation', () => {
  it('walks the frozen list: funded, fundable with a top-up (binding funder, missing amount, explanation), not considered', async () => {
    const res = await app.inject({ url: `/api/funding/calls/${call.slug}/allocation`, headers: office.auth });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.rankingList.hash).toBe(call.rankingHash);
    const byAcronym = Object.fromEntries(
      body.allocation.proposals.map((p: { acronym: string }) => [p.acronym, p]),
    );
    expect(
      Object.fromEntries(Object.entries(byAcronym).map(([k, v]) => [k, (v as { status: string }).status])),
    ).toEqual({
      ALPHA: 'funded',
      BETA: 'funded',
      GAMMA: 'fundable-with-top-up',
      DELTA: 'funded',
      EPSILON: 'fundable-with-top-up',
      ZETA: 'not-considered',
    });
    expect(byAcronym.GAMMA.shortfalls).toEqual([
      {
        funderId: 'bmbf',
        acronym: 'BMBF',
        remaining: { amountMinor: EUR(50_000), currency: 'EUR' },
        requested: { amountMinor: EUR(100_000), currency: 'EUR' },
        missing: { amountMinor: EUR(50_000), currency: 'EUR' },
        maxTopUp: null,
      },
    ]);
    expect(byAcronym.GAMMA.explanation).toContain('BMBF has EUR');
    expect(
      byAcronym.EPSILON.shortfalls.map((s: { funderId: string; missing: unknown }) => [
        s.funderId,
        s.missing,
      ]),
    ).toEqual([
      ['anr', { amountMinor: EUR(50_000), currency: 'EUR' }],
      ['ncbr', { amountMinor: PLN(100_000), currency: 'PLN' }],
    ]);
    const bmbf = body.allocation.funders.find((f: { funderId: string }) => f.funderId === 'bmbf');
    expect(bmbf).toMatchObject({
      committed: { amountMinor: EUR(500_000), currency: 'EUR' },
      allocated: { amountMinor: EUR(450_000), currency: 'EUR' },
      remaining: { amountMinor: EUR(50_000), currency: 'EUR' },
    });
    const ncbr = body.allocation.funders.find((f: { funderId: string }) => f.funderId === 'ncbr');
    // PLN 900,000 at the call's fixed 4.4373 PLN per EUR (900000 / 4.4373 = 202826.042...), rounded once.
    expect(ncbr.allocatedReporting).toEqual({ amountMinor: 20_282_604, currency: 'EUR' });
    expect(body.allocation.fundedCount).toBe(3);
  });

  it('equals allocate() on the same input, written independently by the test', async () => {
    const res = await app.inject({ url: `/api/funding/calls/${call.slug}/allocation`, headers: office.auth });
    expect(res.json().allocation).toEqual(allocate(expectedInput(call)));
  });

  it('shows how a tie at the threshold was resolved: the two cheap tied proposals instead of the expensive one', async () => {
    const res = await app.inject({
      url: `/api/funding/calls/${tied.slug}/allocation`,
      headers: otherOffice.auth,
    });
    expect(res.statusCode).toBe(200);
    const proposals = res.json().allocation.proposals as {
      acronym: string;
      status: string;
      tiedWith: string[];
    }[];
    expect(proposals.map((p) => [p.acronym, p.status])).toEqual([
      ['T1', 'funded'],
      ['T2', 'fundable-with-top-up'],
      ['T3', 'funded'],
      ['T4', 'funded'],
    ]);
    expect(proposals[1]!.tiedWith).toHaveLength(2);
    const rankOrder = await app.inject({
      url: `/api/funding/calls/${tied.slug}/allocation?ties=rank-order`,
      headers: otherOffice.auth,
    });
    // Walked in rank order, T2 takes 150k of the 200k left and neither cheap proposal fits after it.
    expect(rankOrder.json().allocation.proposals.map((p: { status: string }) => p.status)).toEqual([
      'funded',
      'funded',
      'fundable-with-top-up',
      'fundable-with-top-up',
    ]);
  });

  it('refuses a call office of another call (403), a funder (403), no token (401), an unknown call (404)', async () => {
    const other = await app.inject({
      url: `/api/funding/calls/${call.slug}/allocation`,
      headers: otherOffice.auth,
    });
    expect(other.statusCode).toBe(403);
    expect(other.headers['content-type']).toBe(problemType);
    expect(other.json().code).toBe('FORBIDDEN');
    expect(
      (await app.inject({ url: `/api/funding/calls/${call.slug}/allocation`, headers: funder.auth }))
        .statusCode,
    ).toBe(403);
    expect((await app.inject({ url: `/api/funding/calls/${call.slug}/allocation` })).statusCode).toBe(401);
    const missing = await app.inject({
      url: '/api/funding/calls/no-such-call/allocation',
      headers: office.auth,
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('NOT_FOUND');
  });

  it('answers 409 STAGE_NOT_OPEN while the ranking list is not frozen', async () => {
    const open = await createFundingCall(ctx.deps, scenario('funding-not-frozen', { freeze: false }));
    const res = await app.inject({
      url: `/api/funding/calls/${open.slug}/allocation`,
      headers: (await ctx.user([{ role: 'call-office', scopeType: 'global', scopeId: '*' }], 'global')).auth,
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'STAGE_NOT_OPEN', missing: 'ranking-list' });
  });
});

describe('POST /calls/:slug/allocation/what-if', () => {
  it('lists the proposals that change: raising BMBF by the 50k GAMMA misses funds GAMMA and un-funds DELTA', async () => {
    const res = await app.inject({
      method: 'POST',
      url: `/api/funding/calls/${call.slug}/allocation/what-if`,
      headers: office.auth,
      payload: {
        budgets: [{ funderId: 'bmbf', commitment: { amountMinor: EUR(550_000), currency: 'EUR' } }],
      },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(
      body.diff.proposals.map((p: { acronym: string; before: string; after: string }) => [
        p.acronym,
        p.before,
        p.after,
      ]),
    ).toEqual([
      ['GAMMA', 'fundable-with-top-up', 'funded'],
      ['DELTA', 'funded', 'fundable-with-top-up'],
    ]);
    expect(body.diff.fundedBefore).toBe(3);
    expect(body.diff.fundedAfter).toBe(3);
    expect(body.before.fundedCount).toBe(3);
  });

  it('refuses a budget in the wrong currency, an unknown funder and a negative amount with 400 and the path', async () => {
    const post = (budgets: unknown) =>
      app.inject({
        method: 'POST',
        url: `/api/funding/calls/${call.slug}/allocation/what-if`,
        headers: office.auth,
        payload: { budgets },
      });
    const wrong = await post([{ funderId: 'ncbr', commitment: { amountMinor: 100, currency: 'EUR' } }]);
    expect(wrong.statusCode).toBe(400);
    expect(wrong.headers['content-type']).toBe(problemType);
    expect(wrong.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ in: 'body', path: '/budgets/0/commitment/currency', code: 'WRONG_CURRENCY' }],
    });
    const unknown = await post([{ funderId: 'nih', commitment: { amountMinor: 100, currency: 'USD' } }]);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0]).toMatchObject({ path: '/budgets/0/funderId', code: 'UNKNOWN_FUNDER' });
    const negative = await post([{ funderId: 'bmbf', commitment: { amountMinor: -1, currency: 'EUR' } }]);
    expect(negative.statusCode).toBe(400);
    expect(negative.json().errors[0].path).toBe('/budgets/0/commitment/amountMinor');
    const empty = await post([]);
    expect(empty.statusCode).toBe(400);
    expect(empty.json().errors[0].path).toBe('/budgets');
  });

  it('property: the what-if allocation equals allocate() with the same budgets', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          bmbf: fc.integer({ min: 0, max: 80 }),
          isciii: fc.integer({ min: 0, max: 50 }),
          anr: fc.integer({ min: 0, max: 40 }),
          ncbr: fc.integer({ min: 0, max: 150 }),
        }),
        async (tens) => {
          // Budgets in steps of 10,000 units, so ties between needs and budgets come up often.
          const commitments = {
            bmbf: EUR(tens.bmbf * 10_000),
            isciii: EUR(tens.isciii * 10_000),
            anr: EUR(tens.anr * 10_000),
            ncbr: PLN(tens.ncbr * 10_000),
          };
          const res = await app.inject({
            method: 'POST',
            url: `/api/funding/calls/${call.slug}/allocation/what-if`,
            headers: office.auth,
            payload: {
              budgets: Object.entries(commitments).map(([funderId, amountMinor]) => ({
                funderId,
                commitment: { amountMinor, currency: funderId === 'ncbr' ? 'PLN' : 'EUR' },
              })),
            },
          });
          expect(res.statusCode).toBe(200);
          expect(res.json().after).toEqual(allocate(expectedInput(call, commitments)));
        },
      ),
      { numRuns: 12 },
    );
  });
});

describe('GET /calls/:slug/allocation/top-up', () => {
  it('gives the smallest top-up per funder that funds everything down to a rank', async () => {
    const res = await app.inject({
      url: `/api/funding/calls/${call.slug}/allocation/top-up?rank=3`,
      headers: office.auth,
    });
    expect(res.statusCode).toBe(200);
    const { plan, note } = res.json();
    expect(note).toBeNull();
    expect(plan.throughRank).toBe(3);
    expect(plan.topUps).toEqual([
      expect.objectContaining({ funderId: 'bmbf', topUp: { amountMinor: EUR(50_000), currency: 'EUR' } }),
    ]);
    const five = await app.inject({
      url: `/api/funding/calls/${call.slug}/allocation/top-up?rank=5`,
      headers: office.auth,
    });
    const topUps = five
      .json()
      .plan.topUps.map((t: { funderId: string; topUp: { amountMinor: number } }) => [
        t.funderId,
        t.topUp.amountMinor,
      ]);
    // ANR: 150k + 100k − 200k; BMBF: 550k − 500k; ISCIII: 350k − 300k; NCBR: PLN 1.1M − 1M.
    expect(topUps).toEqual([
      ['anr', EUR(50_000)],
      ['bmbf', EUR(50_000)],
      ['isciii', EUR(50_000)],
      ['ncbr', PLN(100_000)],
    ]);
  });

  it('extends a rank inside a tie group to the whole group and says why', async () => {
    const res = await app.inject({
      url: `/api/funding/calls/${tied.slug}/allocation/top-up?rank=2`,
      headers: otherOffice.auth,
    });
    const body = res.json();
    expect(body.plan.targetRank).toBe(2);
    expect(body.plan.throughRank).toBe(4);
    expect(body.note).toContain('tied on score');
    // 100k + 150k + 90k + 90k − 300k
    expect(body.plan.topUps[0].topUp.amountMinor).toBe(EUR(130_000));
  });

  it('refuses a rank that is not a positive integer with 400 in the query', async () => {
    for (const rank of ['0', 'x', '1.5']) {
      const res = await app.inject({
        url: `/api/funding/calls/${call.slug}/allocation/top-up?rank=${rank}`,
        headers: office.auth,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0]).toMatchObject({ in: 'query', path: '/rank' });
    }
  });
});

describe('the platform', () => {
  it('mounts the funding service at /api/funding with the default (empty) evaluation source', async () => {
    const platform = await buildPlatform(ctx.config, ctx.deps);
    try {
      const res = await platform.inject({
        url: `/api/funding/calls/${call.slug}/allocation`,
        headers: office.auth,
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().allocation.fundedCount).toBe(3);
      const doc = (await platform.inject('/docs/json')).json();
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/api/funding/calls/{slug}/allocation',
          '/api/funding/calls/{slug}/allocation/what-if',
          '/api/funding/calls/{slug}/recommendation',
          '/api/funding/calls/{slug}/decisions/{proposalId}/{partnerId}',
          '/api/funding/calls/{slug}/letters/outcome.zip',
          '/api/funding/calls/{slug}/report.pdf',
        ]),
      );
    } finally {
      await platform.close();
    }
  });
});
