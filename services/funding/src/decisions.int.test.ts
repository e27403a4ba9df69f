import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { canonicalHash, schema } from '@permed/db';
import type { App } from '@permed/http';
import { seedFunderRegistry } from '@permed/calls-service';
import { createTestContext, type TestContext, type TestUser } from '@permed/testing';
import { buildFundingApp } from './test-support/funding-app.ts';
import { createFundingCall, type FundingCall } from './test-support/funding-fixture.ts';
import { EUR, PLN, scenario } from './test-support/scenario.ts';
import { pendingDecisionsOfCall } from './pending-decisions.ts';

let ctx: TestContext;
let app: App;
let office: TestUser;
let bmbf: TestUser;
let isciii: TestUser;
let ncbr: TestUser;
let anr: TestUser;
let call: FundingCall;

const problemType = 'application/problem+json; charset=utf-8';
const id = (acronym: string) => call.proposalIds.get(acronym)!;
const decide = (who: TestUser, acronym: string, partnerId: string, payload: Record<string, unknown>) =>
  app.inject({
    method: 'PUT',
    url: `/api/funding/calls/${call.slug}/decisions/${id(acronym)}/${partnerId}`,
    headers: who.auth,
    payload,
  });
const recommend = (payload: Record<string, unknown> = {}) =>
  app.inject({
    method: 'POST',
    url: `/api/funding/calls/${call.slug}/recommendation`,
    headers: office.auth,
    payload,
  });

async function stateOf(subjectId: string): Promise<string | undefined> {
  const [row] = await ctx.db.db
    .select({ state: schema.workflowInstances.state })
    .from(schema.workflowInstances)
    .where(eq(schema.workflowInstances.subjectId, subjectId));
  return row?.state;
}

beforeAll(async () => {
  ctx = await createTestContext({ now: '2020-10-01T08:00:00Z' });
  await seedFunderRegistry(ctx.db.db);
  app = await buildFundingApp(ctx);
  call = await createFundingCall(
    ctx.deps,
    scenario('funding-decisions', { contactEmails: { bmbf: 'jtc@bmbf.example', anr: 'jtc@anr.example' } }),
  );
  office = await ctx.user([{ role: 'call-office', scopeType: 'call', scopeId: call.callId }], 'office');
  bmbf = await ctx.user([{ role: 'funder', scopeType: 'funder', scopeId: 'bmbf' }], 'bmbf');
  isciii = await ctx.user([{ role: 'funder', scopeType: 'funder', scopeId: 'isciii' }], 'isciii');
  ncbr = await ctx.user([{ role: 'funder', scopeType: 'funder', scopeId: 'ncbr' }], 'ncbr');
  anr = await ctx.user([{ role: 'funder', scopeType: 'funder', scopeId: 'anr' }], 'anr');
});
afterAll(async () => {
  await app?.close();
  await ctx?.close();
});

describe('before the recommendation', () => {
  it('refuses national decisions with 409 STAGE_NOT_OPEN', async () => {
    const res = await decide(bmbf, 'ALPHA', 'charite', {
      decision: 'funded',
      reason: 'National panel approved',
    });
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toBe(problemType);
    expect(res.json()).toMatchObject({ code: 'STAGE_NOT_OPEN', missing: 'recommendation' });
  });

  it('refuses a recommendation naming another ranking list than the frozen one (409), storing nothing', async () => {
    const res = await recommend({ rankingHash: 'a'.repeat(64) });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'CONFLICT', rankingHash: call.rankingHash });
    expect(await ctx.db.db.select().from(schema.fundingRecommendations)).toHaveLength(0);
  });

  it('refuses budget changes in the wrong currency with 400 and the path', async () => {
    const res = await recommend({
      budgets: [{ funderId: 'bmbf', commitment: { amountMinor: 1, currency: 'PLN' } }],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({
      path: '/budgets/0/commitment/currency',
      code: 'WRONG_CURRENCY',
    });
  });

  it('refuses a funder (403): the recommendation is the call office’s', async () => {
    const res = await app.inject({
      method: 'POST',
      url: `/api/funding/calls/${call.slug}/recommendation`,
      headers: bmbf.auth,
      payload: {},
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('POST /calls/:slug/recommendation', () => {
  let hash: string;

  it('freezes the recommendation with its own SHA-256 and moves the call and the proposals on', async () => {
    const res = await recommend({ rankingHash: call.rankingHash, note: 'CSC meeting of 1 October 2020' });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    hash = body.hash;
    expect(body.hash).toBe(canonicalHash(body.snapshot));
    expect(body.rankingHash).toBe(call.rankingHash);
    expect(body.callVersion).toBe(1);
    expect(body.snapshot).toMatchObject({
      callVersion: 1,
      rankingHash: call.rankingHash,
      settings: { mode: 'skip', ties: 'fund-most', reportingCurrency: 'EUR' },
      note: 'CSC meeting of 1 October 2020',
    });
    expect(body.snapshot.budgets).toContainEqual({
      funderId: 'bmbf',
      committedInCall: { amountMinor: EUR(500_000), currency: 'EUR' },
      commitment: { amountMinor: EUR(500_000), currency: 'EUR' },
    });
    expect(body.snapshot.allocation.fundedCount).toBe(3);

    expect(await stateOf(call.callId)).toBe('national-decisions');
    expect(await stateOf(id('ALPHA'))).toBe('recommended');
    expect(await stateOf(id('DELTA'))).toBe('recommended');
    expect(await stateOf(id('GAMMA'))).toBe('not-recommended');
    expect(await stateOf(id('ZETA'))).toBe('not-recommended');

    const [audit] = await ctx.db.db
      .select()
      .from(schema.auditEvents)
      .where(eq(schema.auditEvents.action, 'funding.recommendation_recorded'));
    expect(audit).toMatchObject({ actorUserId: office.id, targetId: call.callId });
    expect(audit!.details).toMatchObject({ hash, fundedCount: 3 });
    // BMBF and ANR have contact addresses and partners in recommended projects.
    const mails = await ctx.db.db.select().from(schema.outbox).where(eq(schema.outbox.kind, 'mail'));
    expect(mails.map((m) => m.payload.to).sort()).toEqual(['jtc@anr.example', 'jtc@bmbf.example']);
  });

  it('is stored exactly as returned: the stored snapshot hashes to the stored hash', async () => {
    const res = await app.inject({
      url: `/api/funding/calls/${call.slug}/recommendation`,
      headers: office.auth,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().hash).toBe(hash);
    expect(canonicalHash(res.json().snapshot)).toBe(hash);
  });

  it('is recorded once: a second recommendation is 409 ALREADY_EXISTS naming the frozen one', async () => {
    const res = await recommend();
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'ALREADY_EXISTS', hash });
    expect(await ctx.db.db.select().from(schema.fundingRecommendations)).toHaveLength(1);
  });
});

describe('PUT /calls/:slug/decisions/:proposalId/:partnerId', () => {
  it('records a funder’s decision on its own partner, naming the call version and the recommendation', async () => {
    const res = await decide(bmbf, 'ALPHA', 'charite', {
      decision: 'funded',
      reason: 'Approved by the BMBF panel',
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.decision).toMatchObject({
      funderId: 'bmbf',
      seq: 1,
      decision: 'funded',
      amount: { amountMinor: EUR(200_000), currency: 'EUR' },
      requested: { amountMinor: EUR(200_000), currency: 'EUR' },
      callVersion: 1,
      decidedBy: bmbf.email,
    });
    expect(body.proposal).toEqual({
      state: 'recommended',
      outcome: 'pending',
      pendingPartners: ['isciii-lab', 'lodz'],
    });
  });

  it('refuses another funder’s partner with 403, and the call office (decisions are national)', async () => {
    const res = await decide(bmbf, 'ALPHA', 'isciii-lab', {
      decision: 'funded',
      reason: 'Not ours to decide',
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('FORBIDDEN');
    expect(
      (await decide(office, 'ALPHA', 'isciii-lab', { decision: 'funded', reason: 'x'.repeat(5) })).statusCode,
    ).toBe(403);
  });

  it('refuses bad amounts with 400 and the field path', async () => {
    const cases: [Record<string, unknown>, string, string | undefined][] = [
      [
        { decision: 'funded-reduced', amount: { amountMinor: -5, currency: 'EUR' }, reason: 'cut' },
        '/amount/amountMinor',
        undefined,
      ],
      [
        {
          decision: 'funded-reduced',
          amount: { amountMinor: EUR(250_000), currency: 'EUR' },
          reason: 'more',
        },
        '/amount/amountMinor',
        'EXCEEDS_REQUEST',
      ],
      [
        { decision: 'funded-reduced', amount: { amountMinor: 100, currency: 'PLN' }, reason: 'zloty' },
        '/amount/currency',
        'WRONG_CURRENCY',
      ],
      [{ decision: 'funded-reduced', reason: 'no amount' }, '/amount', 'REQUIRED'],
      [
        { decision: 'funded', amount: { amountMinor: 1, currency: 'EUR' }, reason: 'partial' },
        '/amount/amountMinor',
        'NOT_FULL',
      ],
      [{ decision: 'maybe', reason: 'unsure' }, '/decision', undefined],
      [{ decision: 'funded', reason: 'ok', extra: 1 }, '/extra', undefined],
    ];
    for (const [payload, path, code] of cases) {
      const res = await decide(bmbf, 'ALPHA', 'charite', payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.headers['content-type']).toBe(problemType);
      const problem = res.json().errors.find((e: { path: string }) => e.path === path);
      expect(problem, JSON.stringify(res.json())).toBeDefined();
      if (code) expect(problem.code).toBe(code);
    }
  });

  it('answers 404 for an unknown proposal or partner and 400 for an id that is not a UUID', async () => {
    const unknown = await app.inject({
      method: 'PUT',
      url: `/api/funding/calls/${call.slug}/decisions/00000000-0000-4000-8000-000000000000/charite`,
      headers: bmbf.auth,
      payload: { decision: 'funded', reason: 'ghost proposal' },
    });
    expect(unknown.statusCode).toBe(404);
    expect((await decide(bmbf, 'ALPHA', 'nobody', { decision: 'funded', reason: 'ghost' })).statusCode).toBe(
      404,
    );
    const bad = await app.inject({
      method: 'PUT',
      url: `/api/funding/calls/${call.slug}/decisions/not-a-uuid/charite`,
      headers: bmbf.auth,
      payload: { decision: 'funded', reason: 'bad id' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0]).toMatchObject({ in: 'params', path: '/proposalId' });
  });

  it('refuses a decision on a proposal that is not recommended (409)', async () => {
    const res = await decide(bmbf, 'GAMMA', 'heidelberg', { decision: 'funded', reason: 'We would like to' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'CONFLICT', currentState: 'not-recommended' });
  });

  it('keeps an append-only history: a revision is a new row, audited with its actor', async () => {
    const res = await decide(bmbf, 'ALPHA', 'charite', {
      decision: 'funded-reduced',
      amount: { amountMinor: EUR(180_000), currency: 'EUR' },
      reason: 'Reduced: equipment not eligible nationally',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().decision).toMatchObject({
      seq: 2,
      amount: { amountMinor: EUR(180_000), currency: 'EUR' },
    });
    const history = await app.inject({
      url: `/api/funding/calls/${call.slug}/decisions/${id('ALPHA')}/charite`,
      headers: office.auth,
    });
    expect(history.json().history.map((h: { seq: number; decision: string }) => [h.seq, h.decision])).toEqual(
      [
        [1, 'funded'],
        [2, 'funded-reduced'],
      ],
    );
    expect(history.json().current.decision).toBe('funded-reduced');
    const audits = await ctx.db.db
      .select()
      .from(schema.auditEvents)
      .where(
        and(
          eq(schema.auditEvents.targetType, 'proposal-partner'),
          eq(schema.auditEvents.targetId, `${id('ALPHA')}/charite`),
        ),
      );
    expect(audits.map((a) => [a.action, a.actorUserId])).toEqual([
      ['funding.decision_recorded', bmbf.id],
      ['funding.decision_revised', bmbf.id],
    ]);
    expect(audits[1]!.details).toMatchObject({ callVersion: 1, previous: { decision: 'funded', seq: 1 } });
  });

  it('lets each funder read its own partners only', async () => {
    const mine = await app.inject({ url: `/api/funding/calls/${call.slug}/decisions`, headers: bmbf.auth });
    expect(mine.statusCode).toBe(200);
    const partners = mine.json().partners as { funderId: string; partnerId: string }[];
    expect(partners.map((p) => p.partnerId).sort()).toEqual(['charite', 'tum']);
    expect(new Set(partners.map((p) => p.funderId))).toEqual(new Set(['bmbf']));
    const all = await app.inject({ url: `/api/funding/calls/${call.slug}/decisions`, headers: office.auth });
    expect(all.json().partners).toHaveLength(7);
    const foreign = await app.inject({
      url: `/api/funding/calls/${call.slug}/decisions/${id('ALPHA')}/isciii-lab`,
      headers: bmbf.auth,
    });
    expect(foreign.statusCode).toBe(403);
  });

  it('counts the partners still pending for the call lifecycle’s CLOSE', async () => {
    // ALPHA: isciii-lab, lodz; BETA: tum, inserm; DELTA: valencia, krakow (pharma is own-funded).
    expect(await pendingDecisionsOfCall(ctx.db.db, call.callId)).toBe(6);
  });
});

describe('the proposal outcome follows the national decisions', () => {
  it('is funded once every funder has funded its partners (in full or reduced)', async () => {
    expect(
      (await decide(isciii, 'ALPHA', 'isciii-lab', { decision: 'funded', reason: 'Approved' })).statusCode,
    ).toBe(200);
    const last = await decide(ncbr, 'ALPHA', 'lodz', {
      decision: 'funded',
      amount: { amountMinor: PLN(400_000), currency: 'PLN' },
      reason: 'Approved',
    });
    expect(last.statusCode).toBe(200);
    expect(last.json().proposal).toEqual({ state: 'funded', outcome: 'funded', pendingPartners: [] });
    expect(await stateOf(id('ALPHA'))).toBe('funded');
    const [transition] = await ctx.db.db
      .select()
      .from(schema.workflowTransitions)
      .where(eq(schema.workflowTransitions.event, 'FUND'));
    expect(transition).toMatchObject({ fromState: 'recommended', toState: 'funded', callVersion: 1 });
    const mail = await ctx.db.db
      .select()
      .from(schema.outbox)
      .where(eq(schema.outbox.dedupeKey, `funding:outcome:${id('ALPHA')}`));
    expect(mail[0]!.payload).toMatchObject({ to: 'pi.charite@example.org' });
    expect(String(mail[0]!.payload.text)).toContain('Outcome: funded');
  });

  it('is not funded when one funder does not fund its partner, once all have decided', async () => {
    const first = await decide(anr, 'BETA', 'inserm', {
      decision: 'not-funded',
      reason: 'National budget exhausted',
    });
    expect(first.json().proposal.outcome).toBe('pending');
    expect(first.json().decision.amount).toEqual({ amountMinor: 0, currency: 'EUR' });
    const second = await decide(bmbf, 'BETA', 'tum', { decision: 'funded', reason: 'Approved' });
    expect(second.json().proposal).toMatchObject({ state: 'not-funded', outcome: 'not-funded' });
    expect(await stateOf(id('BETA'))).toBe('not-funded');
  });

  it('freezes decisions once the outcome is final; repeating the same decision is an idempotent 200', async () => {
    const change = await decide(bmbf, 'BETA', 'tum', { decision: 'not-funded', reason: 'Changed our mind' });
    expect(change.statusCode).toBe(409);
    expect(change.json()).toMatchObject({ code: 'CONFLICT', currentState: 'not-funded' });
    const same = await decide(bmbf, 'BETA', 'tum', { decision: 'funded', reason: 'Approved' });
    expect(same.statusCode).toBe(200);
    expect(same.json()).toMatchObject({ changed: false, decision: { seq: 1 } });
  });
});

describe('concurrency', () => {
  it('two funders deciding the last two partners at once: the outcome is stepped exactly once', async () => {
    // Block the audit log so that both requests are inside their transactions, each having written its
    // decision, before either can go on: without a lock on the proposal each would then see only its own
    // decision and neither would step the outcome.
    let requests: Promise<Awaited<ReturnType<typeof decide>>>[] = [];
    await ctx.db.db.transaction(async (tx) => {
      await tx.execute(sql`lock table audit_events in exclusive mode`);
      requests = [
        decide(isciii, 'DELTA', 'valencia', { decision: 'funded', reason: 'Approved' }),
        decide(ncbr, 'DELTA', 'krakow', { decision: 'funded', reason: 'Approved' }),
      ];
      await new Promise((resolve) => setTimeout(resolve, 500));
    });
    const [a, b] = (await Promise.all(requests)) as [
      Awaited<ReturnType<typeof decide>>,
      Awaited<ReturnType<typeof decide>>,
    ];
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    expect([a.json().proposal.outcome, b.json().proposal.outcome].sort()).toEqual(['funded', 'pending']);
    expect(await stateOf(id('DELTA'))).toBe('funded');
    const [instance] = await ctx.db.db
      .select({ id: schema.workflowInstances.id })
      .from(schema.workflowInstances)
      .where(eq(schema.workflowInstances.subjectId, id('DELTA')));
    const funds = await ctx.db.db
      .select()
      .from(schema.workflowTransitions)
      .where(
        and(
          eq(schema.workflowTransitions.instanceId, instance!.id),
          eq(schema.workflowTransitions.event, 'FUND'),
        ),
      );
    expect(funds).toHaveLength(1);
  });

  it('two recommendations at once: one is recorded, the other is refused with 409', async () => {
    const other = await createFundingCall(ctx.deps, scenario('funding-race'));
    const raceOffice = await ctx.user(
      [{ role: 'call-office', scopeType: 'call', scopeId: other.callId }],
      'race',
    );
    const post = () =>
      app.inject({
        method: 'POST',
        url: `/api/funding/calls/${other.slug}/recommendation`,
        headers: raceOffice.auth,
        payload: {},
      });
    const results = await Promise.all([post(), post()]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    const rows = await ctx.db.db
      .select()
      .from(schema.fundingRecommendations)
      .where(eq(schema.fundingRecommendations.callId, other.callId));
    expect(rows).toHaveLength(1);
    expect(await stateOf(other.callId)).toBe('national-decisions');
  });
});
