import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import ICAL from 'ical.js';
import { and, eq, sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { createDb, runDueJobs, schema, verifyWorkflowChains } from '@permed/db';
import { callDefinitionInput, canonicalCallDefinition, toZonedInstant } from '@permed/domain';
import { createTestContext, type TestContext, type TestUser } from '@permed/testing';
import { requireStageOpen } from '@permed/service-kit';
import type { App } from '@permed/http';
import { buildPlatform } from '../../platform/src/app.ts';
import { callJobHandlers } from './call-jobs.ts';
import { jtc2020Definition } from './seed-calls.ts';
import { seedFunderRegistry } from './seed-calls.ts';

let ctx: TestContext;
let app: App;
let office: TestUser;
let otherOffice: TestUser;

type Def = ReturnType<typeof jtc2020Definition>;
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
let n = 0;
function definition(overrides: Partial<Def> = {}): Def {
  n += 1;
  return { ...clone(jtc2020Definition()), slug: `test-call-${n}`, ...overrides };
}

async function createDraft(def: Def, who: TestUser = office) {
  return app.inject({ method: 'POST', url: '/api/calls/', headers: who.auth, payload: def });
}

async function publish(def: Def) {
  const created = await createDraft(def);
  expect(created.statusCode).toBe(201);
  const res = await app.inject({
    method: 'POST',
    url: `/api/calls/${def.slug}/publish`,
    headers: office.auth,
    payload: {},
  });
  expect(res.statusCode).toBe(200);
  return res;
}

beforeAll(async () => {
  ctx = await createTestContext({ now: '2019-12-01T10:00:00Z' });
  await seedFunderRegistry(ctx.db.db);
  app = await buildPlatform(ctx.config, ctx.deps);
  office = await ctx.user([{ role: 'call-office', scopeType: 'global', scopeId: '*' }], 'office');
  otherOffice = await ctx.user([], 'other-office');
});
// Tests that move the clock put it back, even when they fail, so one failure does not cascade.
afterEach(() => ctx.clock.set('2019-12-01T10:00:00Z'));
afterAll(async () => {
  await app.close();
  await ctx.close();
});

describe('call definitions and versions', () => {
  it('publishes version 1, then amends to version 2 with who, when, why and a structured diff', async () => {
    const def = definition();
    await publish(def);
    const pub = await app.inject(`/api/calls/${def.slug}`);
    expect(pub.statusCode).toBe(200);
    expect(pub.json()).toMatchObject({ slug: def.slug, version: 1, state: 'pre-announced' });
    expect(pub.headers.etag).toBe('"1"');

    const amended = clone(def);
    amended.funders!.push({ funderId: 'cihr', commitment: { amountMinor: 50_000_000, currency: 'CAD' } });
    ctx.clock.advance(60_000);
    const noIfMatch = await app.inject({
      method: 'POST',
      url: `/api/calls/${def.slug}/versions`,
      headers: office.auth,
      payload: { reason: 'CIHR joins the call', definition: amended },
    });
    expect(noIfMatch.statusCode).toBe(428);
    const v2 = await app.inject({
      method: 'POST',
      url: `/api/calls/${def.slug}/versions`,
      headers: { ...office.auth, 'if-match': '"1"' },
      payload: { reason: 'CIHR joins the call', definition: amended },
    });
    expect(v2.statusCode).toBe(201);
    expect(v2.json().version).toBe(2);
    expect(v2.json().changes).toContainEqual(
      expect.objectContaining({
        op: 'add',
        path: `/funders/${def.funders!.length}`,
        after: expect.objectContaining({ funderId: 'cihr' }),
      }),
    );

    const log = (await app.inject(`/api/calls/${def.slug}/versions`)).json();
    expect(log.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(log[0]).toMatchObject({ reason: 'CIHR joins the call', publishedBy: office.email });
    expect(log[0].publishedAt).toBe(ctx.clock.now().toISOString());

    // Version 1 is still exactly what it was.
    const v1 = (await app.inject(`/api/calls/${def.slug}/versions/1`)).json();
    expect(v1.definition.funders).toHaveLength(def.funders!.length);

    const stale = await app.inject({
      method: 'POST',
      url: `/api/calls/${def.slug}/versions`,
      headers: { ...office.auth, 'if-match': '"1"' },
      payload: { reason: 'late edit on an old version', definition: amended },
    });
    expect(stale.statusCode).toBe(412);
    expect(stale.json().currentVersion).toBe(2);
  });

  it('reads a version stored before stage-change rules existed as having the defaults', async () => {
    const def = definition();
    await publish(def);
    const [call] = await ctx.db.db.select().from(schema.calls).where(eq(schema.calls.slug, def.slug));
    await ctx.db.db.execute(
      sql`update call_versions set definition = definition - 'stageChanges' where call_id = ${call!.id}`,
    );
    const amend = (definition: unknown, version: number) =>
      app.inject({
        method: 'POST',
        url: `/api/calls/${def.slug}/versions`,
        headers: { ...office.auth, 'if-match': `"${version}"` },
        payload: { reason: 'an amendment', definition },
      });
    const same = await amend(def, 1);
    expect(same.json().code).toBe('NO_CHANGE');
    const amended = clone(def);
    amended.funders!.push({ funderId: 'cihr', commitment: { amountMinor: 50_000_000, currency: 'CAD' } });
    const v2 = await amend(amended, 1);
    expect(v2.statusCode, v2.body).toBe(201);
    const paths = (v2.json().changes as { path: string }[]).map((c) => c.path);
    expect(paths).not.toContainEqual(expect.stringMatching(/^\/stageChanges/));
    expect(paths).toContain(`/funders/${def.funders!.length}`);
  });

  it('never changes a published version', async () => {
    const def = definition();
    await publish(def);
    const put = await app.inject({
      method: 'PUT',
      url: `/api/calls/${def.slug}/versions/1`,
      headers: office.auth,
      payload: {},
    });
    expect(put.statusCode).toBe(409);
    expect(put.json().code).toBe('PUBLISHED_IMMUTABLE');
    const draft = await app.inject({
      method: 'PUT',
      url: `/api/calls/${def.slug}/draft`,
      headers: { ...office.auth, 'if-match': '"1"' },
      payload: def,
    });
    expect(draft.statusCode).toBe(409);
    expect(draft.json().code).toBe('PUBLISHED_IMMUTABLE');
  });

  it('edits a draft under If-Match: a stale write gets 412 and loses nothing', async () => {
    const def = definition();
    await createDraft(def);
    const changed = { ...def, title: 'Renamed call' };
    const ok = await app.inject({
      method: 'PUT',
      url: `/api/calls/${def.slug}/draft`,
      headers: { ...office.auth, 'if-match': '"1"' },
      payload: changed,
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers.etag).toBe('"2"');
    const stale = await app.inject({
      method: 'PUT',
      url: `/api/calls/${def.slug}/draft`,
      headers: { ...office.auth, 'if-match': '"1"' },
      payload: { ...def, title: 'Lost update' },
    });
    expect(stale.statusCode).toBe(412);
    expect(stale.headers.etag).toBe('"2"');
    const read = (await app.inject({ url: `/api/calls/${def.slug}/draft`, headers: office.auth })).json();
    expect(read.definition.title).toBe('Renamed call');
  });

  it('keeps drafts private and scopes the call office to its calls', async () => {
    const def = definition();
    await createDraft(def);
    expect((await app.inject(`/api/calls/${def.slug}`)).statusCode).toBe(404);
    const foreign = await app.inject({ url: `/api/calls/${def.slug}/draft`, headers: otherOffice.auth });
    expect(foreign.statusCode).toBe(403);
    const creator = await ctx.user([], 'scoped-office');
    const [call] = await ctx.db.db.select().from(schema.calls).where(eq(schema.calls.slug, def.slug));
    const { grantRole } = await import('@permed/auth');
    await grantRole(ctx.db.db, {
      userId: creator.id,
      role: 'call-office',
      scopeType: 'call',
      scopeId: call!.id,
    });
    const fresh = await ctx.user(
      [{ role: 'call-office', scopeType: 'call', scopeId: call!.id }],
      'call-scoped',
    );
    expect((await app.inject({ url: `/api/calls/${def.slug}/draft`, headers: fresh.auth })).statusCode).toBe(
      200,
    );
    const other = definition();
    await createDraft(other);
    expect(
      (await app.inject({ url: `/api/calls/${other.slug}/draft`, headers: fresh.auth })).statusCode,
    ).toBe(403);
  });
});

describe('bad input: a code, a field path, and nothing written', () => {
  async function rejects(def: unknown, status: number, path: string) {
    const before = await ctx.db.db.select({ n: sql<number>`count(*)::int` }).from(schema.calls);
    const res = await app.inject({
      method: 'POST',
      url: '/api/calls/',
      headers: office.auth,
      payload: def as object,
    });
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
    const after = await ctx.db.db.select({ n: sql<number>`count(*)::int` }).from(schema.calls);
    expect(after[0]!.n).toBe(before[0]!.n);
  }

  it('refuses stages out of order', async () => {
    const def = definition();
    const [a, b] = [def.stages[1]!, def.stages[4]!];
    def.stages[1] = b;
    def.stages[4] = a;
    await rejects(def, 400, '/stages/4/kind');
  });

  it('refuses a stage that closes before it opens', async () => {
    const def = definition();
    def.stages[1]!.closesAt = { local: '2019-12-01T17:00', zone: 'Europe/Brussels' };
    await rejects(def, 400, '/stages/1/closesAt');
  });

  it('refuses a deadline without a zone, and an unknown zone', async () => {
    const noZone = definition();
    (noZone.stages[1]!.closesAt as { zone?: string }).zone = undefined;
    await rejects(JSON.parse(JSON.stringify(noZone)), 400, '/stages/1/closesAt/zone');
    const badZone = definition();
    badZone.stages[1]!.closesAt = { local: '2020-03-05T17:00', zone: 'Europe/Atlantis' };
    await rejects(badZone, 400, '/stages/1/closesAt/zone');
  });

  it('refuses negative and fractional budgets and unknown currencies', async () => {
    const negative = definition();
    negative.funders![0]!.commitment.amountMinor = -1;
    await rejects(negative, 400, '/funders/0/commitment/amountMinor');
    const fractional = definition();
    fractional.funders![0]!.commitment.amountMinor = 10.5;
    await rejects(fractional, 400, '/funders/0/commitment/amountMinor');
    const currency = definition();
    currency.funders![0]!.commitment.currency = 'XYZ';
    await rejects(currency, 400, '/funders/0/commitment/currency');
  });

  it('refuses an unknown funder, and a commitment in the wrong currency', async () => {
    const unknown = definition();
    unknown.funders!.push({ funderId: 'no-such-funder', commitment: { amountMinor: 100, currency: 'EUR' } });
    await rejects(unknown, 400, `/funders/${unknown.funders!.length - 1}/funderId`);
    const wrong = definition();
    const bmbf = wrong.funders!.findIndex((f) => f.funderId === 'bmbf');
    wrong.funders![bmbf]!.commitment.currency = 'USD';
    await rejects(wrong, 400, `/funders/${bmbf}/commitment/currency`);
  });

  it('refuses to publish a call with no funders, writing no version', async () => {
    const def = definition({ funders: [], rules: [], exchangeRates: [] });
    expect((await createDraft(def)).statusCode).toBe(201);
    const res = await app.inject({
      method: 'POST',
      url: `/api/calls/${def.slug}/publish`,
      headers: office.auth,
      payload: {},
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'CALL_NOT_PUBLISHABLE', errors: [{ path: '/funders' }] });
    const [call] = await ctx.db.db.select().from(schema.calls).where(eq(schema.calls.slug, def.slug));
    expect(call!.currentVersion).toBeNull();
    const versions = await ctx.db.db
      .select()
      .from(schema.callVersions)
      .where(eq(schema.callVersions.callId, call!.id));
    expect(versions).toHaveLength(0);
  });
});

describe('lifecycle', () => {
  it('answers an event the machine does not accept with 409 naming the state and the allowed events', async () => {
    const def = definition();
    await publish(def);
    const res = await app.inject({
      method: 'POST',
      url: `/api/calls/${def.slug}/events`,
      headers: office.auth,
      payload: { event: 'OPEN_REBUTTAL' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      code: 'INVALID_TRANSITION',
      currentState: 'pre-announced',
      allowedEvents: expect.any(Array),
    });
  });

  it('lets exactly one of two concurrent transitions win', async () => {
    const def = definition();
    await publish(def);
    ctx.clock.set('2020-03-06T10:00:00Z');
    await runDueJobs(ctx.db.db, () => ctx.clock.now(), callJobHandlers);
    // Tokens are judged by the server clock too: sign in again at the new time.
    const office = await ctx.user(
      [{ role: 'call-office', scopeType: 'global', scopeId: '*' }],
      'office-later',
    );
    const life = (await app.inject({ url: `/api/calls/${def.slug}/lifecycle`, headers: office.auth })).json();
    expect(life.state).toBe('eligibility-check');
    const fire = () =>
      app.inject({
        method: 'POST',
        url: `/api/calls/${def.slug}/events`,
        headers: { ...office.auth, 'if-match': `"${life.lockVersion}"` },
        payload: { event: 'CLOSE_ELIGIBILITY_CHECK' },
      });
    const results = await Promise.all([fire(), fire()]);
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes[0]).toBe(200);
    expect([409, 412]).toContain(codes[1]);
    const after = (
      await app.inject({ url: `/api/calls/${def.slug}/lifecycle`, headers: office.auth })
    ).json();
    expect(
      after.transitions.filter((t: { event: string }) => t.event === 'CLOSE_ELIGIBILITY_CHECK'),
    ).toHaveLength(1);
    ctx.clock.set('2019-12-01T10:00:00Z');
  });

  it('detects a tampered, an edited and a deleted transition row', async () => {
    expect((await verifyWorkflowChains(ctx.db.db)).firstBreak).toBeNull();
    const [row] = await ctx.db.db
      .select()
      .from(schema.workflowTransitions)
      .where(eq(schema.workflowTransitions.event, 'PUBLISH'))
      .limit(1);
    await ctx.db.db
      .update(schema.workflowTransitions)
      .set({ actorLabel: 'mallory@example.org' })
      .where(eq(schema.workflowTransitions.id, row!.id));
    const report = await verifyWorkflowChains(ctx.db.db);
    expect(report.firstBreak).toMatchObject({
      instanceId: row!.instanceId,
      seq: row!.seq,
      transitionId: row!.id,
    });
    expect(report.firstBreak!.reason).toMatch(/edited/);
    await ctx.db.db
      .update(schema.workflowTransitions)
      .set({ actorLabel: row!.actorLabel })
      .where(eq(schema.workflowTransitions.id, row!.id));
    expect((await verifyWorkflowChains(ctx.db.db)).firstBreak).toBeNull();
  });
});

describe('durable scheduler', () => {
  it('fires each stage event once with two instances, and catches up after downtime', async () => {
    const def = definition();
    await publish(def);
    const [call] = await ctx.db.db.select().from(schema.calls).where(eq(schema.calls.slug, def.slug));
    // The platform was down from before opening until after the pre-proposal deadline.
    ctx.clock.set('2020-03-05T16:00:00.000Z');
    const second = ctx.db.url ? await createDb({ url: ctx.db.url, poolMax: 4 }) : null;
    const runs = await Promise.all([
      runDueJobs(ctx.db.db, () => ctx.clock.now(), callJobHandlers),
      runDueJobs(second ? second.db : ctx.db.db, () => ctx.clock.now(), callJobHandlers),
    ]);
    await second?.close();
    const office = await ctx.user(
      [{ role: 'call-office', scopeType: 'global', scopeId: '*' }],
      'office-later',
    );
    const jobs = await ctx.db.db
      .select()
      .from(schema.scheduledJobs)
      .where(
        and(eq(schema.scheduledJobs.subjectId, call!.id), sql`${schema.scheduledJobs.doneAt} is not null`),
      );
    expect(jobs.map((j) => j.payload.event).sort()).toEqual(['CLOSE_PRE_PROPOSALS', 'OPEN_PRE_PROPOSALS']);
    expect(runs.reduce((a, r) => a + r.ran, 0)).toBeGreaterThanOrEqual(2);
    const life = (await app.inject({ url: `/api/calls/${def.slug}/lifecycle`, headers: office.auth })).json();
    const fired = life.transitions.map((t: { event: string; actor: string }) => `${t.event}:${t.actor}`);
    expect(fired.filter((f: string) => f === 'OPEN_PRE_PROPOSALS:scheduler')).toHaveLength(1);
    expect(fired.filter((f: string) => f === 'CLOSE_PRE_PROPOSALS:scheduler')).toHaveLength(1);
    expect(life.state).toBe('eligibility-check');
    // Running again fires nothing more.
    expect((await runDueJobs(ctx.db.db, () => ctx.clock.now(), callJobHandlers)).ran).toBe(0);
    ctx.clock.set('2019-12-01T10:00:00Z');
    expect(office.id).toBeTruthy();
  });

  it("runs a subject's jobs in order even when another instance holds the earlier one", async () => {
    const def = definition();
    await publish(def);
    const [call] = await ctx.db.db.select().from(schema.calls).where(eq(schema.calls.slug, def.slug));
    ctx.clock.set('2020-03-05T16:00:00.000Z');
    const order: string[] = [];
    const slowOpen = {
      ...callJobHandlers,
      'call.stage-event': async (...args: Parameters<(typeof callJobHandlers)[string]>) => {
        const event = String(args[1].payload.event);
        if (args[1].subjectId === call!.id) order.push(`start ${event}`);
        // Hold the opening job long enough for the other instance to look for work.
        if (event === 'OPEN_PRE_PROPOSALS') await new Promise((r) => setTimeout(r, 300));
        const result = await callJobHandlers['call.stage-event']!(...args);
        if (args[1].subjectId === call!.id) order.push(`end ${event}`);
        return result;
      },
    };
    const second = ctx.db.url ? await createDb({ url: ctx.db.url, poolMax: 2 }) : null;
    await Promise.all([
      runDueJobs(ctx.db.db, () => ctx.clock.now(), slowOpen),
      runDueJobs(second ? second.db : ctx.db.db, () => ctx.clock.now(), slowOpen),
    ]);
    await second?.close();
    expect(order).toEqual([
      'start OPEN_PRE_PROPOSALS',
      'end OPEN_PRE_PROPOSALS',
      'start CLOSE_PRE_PROPOSALS',
      'end CLOSE_PRE_PROPOSALS',
    ]);
    const [inst] = await ctx.db.db
      .select()
      .from(schema.workflowInstances)
      .where(
        and(eq(schema.workflowInstances.kind, 'call'), eq(schema.workflowInstances.subjectId, call!.id)),
      );
    expect(inst!.state).toBe('eligibility-check');
  });

  it('moves submitted proposals into the eligibility check when the deadline passes, and drafts stay', async () => {
    const { createWorkflowInstance, systemActor } = await import('@permed/db');
    const { advanceWorkflow } = await import('@permed/service-kit');
    const { initialSnapshot, machineVersion } = await import('@permed/workflow');
    const def = definition();
    await publish(def);
    const [call] = await ctx.db.db.select().from(schema.calls).where(eq(schema.calls.slug, def.slug));
    const ids: string[] = [];
    for (const acronym of ['SUBMITTED', 'DRAFT']) {
      const [p] = await ctx.db.db
        .insert(schema.proposals)
        .values({
          callId: call!.id,
          stage: 'pre-proposal',
          acronym,
          coordinatorUserId: office.id,
          draft: {},
          createdAt: ctx.clock.now(),
          updatedAt: ctx.clock.now(),
        })
        .returning();
      ids.push(p!.id);
      await createWorkflowInstance(ctx.db.db, {
        kind: 'proposal',
        subjectId: p!.id,
        callId: call!.id,
        state: 'draft',
        snapshot: initialSnapshot('proposal', { twoStage: true, rebuttal: true }),
        machineVersion: machineVersion('proposal'),
        actor: systemActor,
        at: ctx.clock.now(),
      });
    }
    await advanceWorkflow(ctx.db.db, {
      kind: 'proposal',
      subjectId: ids[0]!,
      event: { type: 'SUBMIT', blockingErrors: 0 },
      actor: systemActor,
      at: ctx.clock.now(),
    });
    ctx.clock.set('2020-03-05T16:00:00.000Z');
    await runDueJobs(ctx.db.db, () => ctx.clock.now(), callJobHandlers);
    const states = await ctx.db.db
      .select({ id: schema.workflowInstances.subjectId, state: schema.workflowInstances.state })
      .from(schema.workflowInstances)
      .where(
        and(eq(schema.workflowInstances.kind, 'proposal'), eq(schema.workflowInstances.callId, call!.id)),
      );
    expect(Object.fromEntries(states.map((s) => [s.id, s.state]))).toEqual({
      [ids[0]!]: 'eligibility-check',
      [ids[1]!]: 'draft',
    });
    const [moved] = await ctx.db.db
      .select()
      .from(schema.workflowTransitions)
      .innerJoin(
        schema.workflowInstances,
        eq(schema.workflowInstances.id, schema.workflowTransitions.instanceId),
      )
      .where(
        and(
          eq(schema.workflowInstances.subjectId, ids[0]!),
          eq(schema.workflowTransitions.event, 'START_ELIGIBILITY_CHECK'),
        ),
      );
    expect(moved!.workflow_transitions.actorLabel).toBe('scheduler');
  });

  it('moves a job when a new version corrects the deadline, before it has run', async () => {
    const def = definition();
    await publish(def);
    const amended = clone(def);
    amended.stages[1]!.closesAt = { local: '2020-03-12T17:00', zone: 'Europe/Brussels' };
    amended.stages[2]!.opensAt = { local: '2020-03-12T17:00', zone: 'Europe/Brussels' };
    const res = await app.inject({
      method: 'POST',
      url: `/api/calls/${def.slug}/versions`,
      headers: { ...office.auth, 'if-match': '"1"' },
      payload: { reason: 'Deadline extended by one week', definition: amended },
    });
    expect(res.statusCode).toBe(201);
    const [call] = await ctx.db.db.select().from(schema.calls).where(eq(schema.calls.slug, def.slug));
    const [job] = await ctx.db.db
      .select()
      .from(schema.scheduledJobs)
      .where(
        and(
          eq(schema.scheduledJobs.subjectId, call!.id),
          sql`${schema.scheduledJobs.payload}->>'event' = 'CLOSE_PRE_PROPOSALS'`,
        ),
      );
    expect(job!.runAt.toISOString()).toBe('2020-03-12T16:00:00.000Z');
  });
});

describe('time', () => {
  it('decides a deadline by the server clock: T−1 ms on time, T late with the server time', () => {
    const def = canonicalCallDefinition(callDefinitionInput.parse(jtc2020Definition()));
    const deadline = Date.parse('2020-03-05T16:00:00Z');
    expect(() => requireStageOpen(def, 'pre-proposal-submission', new Date(deadline - 1))).not.toThrow();
    try {
      requireStageOpen(def, 'pre-proposal-submission', new Date(deadline));
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({
        code: 'DEADLINE_PASSED',
        status: 409,
        extensions: { serverTime: '2020-03-05T16:00:00.000Z' },
      });
    }
  });

  it('puts 17:00 Europe/Brussels on the right UTC instant on the days clocks change', () => {
    // 29 March 2020: CET → CEST at 02:00; 25 October 2020: CEST → CET at 03:00.
    expect(toZonedInstant({ local: '2020-03-29T17:00', zone: 'Europe/Brussels' }).at).toBe(
      '2020-03-29T15:00:00Z',
    );
    expect(toZonedInstant({ local: '2020-03-28T17:00', zone: 'Europe/Brussels' }).at).toBe(
      '2020-03-28T16:00:00Z',
    );
    expect(toZonedInstant({ local: '2020-10-25T17:00', zone: 'Europe/Brussels' }).at).toBe(
      '2020-10-25T16:00:00Z',
    );
    expect(toZonedInstant({ local: '2020-10-24T17:00', zone: 'Europe/Brussels' }).at).toBe(
      '2020-10-24T15:00:00Z',
    );
  });

  it('keeps the announced wall time for any date and zone (property)', () => {
    const zones = [
      'Europe/Brussels',
      'Europe/Lisbon',
      'America/Montreal',
      'Asia/Jerusalem',
      'Europe/Istanbul',
      'America/Sao_Paulo',
    ];
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2040-12-31'), noInvalidDate: true }),
        fc.constantFrom(...zones),
        (d, zone) => {
          const local = DateTime.fromJSDate(d, { zone }).set({
            hour: 17,
            minute: 0,
            second: 0,
            millisecond: 0,
          });
          const instant = toZonedInstant({ local: local.toFormat("yyyy-LL-dd'T'HH:mm"), zone });
          expect(DateTime.fromISO(instant.at).setZone(zone).toFormat('HH:mm')).toBe('17:00');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('shows the stages in UTC, in the call zone and in the viewer zone', async () => {
    const def = definition();
    await publish(def);
    const res = (await app.inject(`/api/calls/${def.slug}/stages?zone=America/Montreal`)).json();
    const pre = res.stages.find((s: { kind: string }) => s.kind === 'pre-proposal-submission');
    expect(pre.closesAt).toEqual({
      utc: '2020-03-05T16:00:00Z',
      zone: 'Europe/Brussels',
      local: '2020-03-05T17:00:00+01:00',
      viewer: { zone: 'America/Montreal', local: '2020-03-05T11:00:00-05:00' },
    });
    const full = res.stages.find((s: { kind: string }) => s.kind === 'full-proposal-submission');
    expect(full.closesAt.local).toBe('2020-06-15T17:00:00+02:00');
    const bad = await app.inject(`/api/calls/${def.slug}/stages?zone=Mars/Olympus`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0]).toMatchObject({ in: 'query', path: '/zone' });
  });
});

describe('call office views of proposals', () => {
  it('lists proposals by lifecycle state and counts groups and requested amounts per country and funder', async () => {
    const { readFile } = await import('node:fs/promises');
    const { createWorkflowInstance, systemActor } = await import('@permed/db');
    const { initialSnapshot, machineVersion } = await import('@permed/workflow');
    const sample = JSON.parse(
      await readFile(
        new URL('../../../packages/rules/samples/proposal-eligible.json', import.meta.url),
        'utf8',
      ),
    );
    const def = definition();
    await publish(def);
    const [call] = await ctx.db.db.select().from(schema.calls).where(eq(schema.calls.slug, def.slug));
    const now = ctx.clock.now();
    for (const [i, acronym] of ['ALPHA', 'BETA'].entries()) {
      const [p] = await ctx.db.db
        .insert(schema.proposals)
        .values({
          callId: call!.id,
          stage: 'pre-proposal',
          acronym,
          coordinatorUserId: office.id,
          draft: sample,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      await createWorkflowInstance(ctx.db.db, {
        kind: 'proposal',
        subjectId: p!.id,
        callId: call!.id,
        state: 'draft',
        snapshot: initialSnapshot('proposal', { twoStage: true, rebuttal: true }),
        machineVersion: machineVersion('proposal'),
        actor: systemActor,
        at: now,
      });
      if (i === 0) {
        await ctx.db.db.insert(schema.proposalVersions).values({
          proposalId: p!.id,
          seq: 1,
          callId: call!.id,
          stage: 'pre-proposal',
          callVersion: 1,
          document: sample,
          documents: [],
          contentHash: 'x',
          submittedAt: now,
          submittedBy: office.id,
        });
      }
    }
    const allRes = await app.inject({ url: `/api/calls/${def.slug}/proposals`, headers: office.auth });
    expect(allRes.statusCode).toBe(200);
    const all = allRes.json();
    expect(all.map((p: { acronym: string }) => p.acronym)).toEqual(['ALPHA', 'BETA']);
    const drafts = (
      await app.inject({ url: `/api/calls/${def.slug}/proposals?state=draft`, headers: office.auth })
    ).json();
    expect(drafts).toHaveLength(2);
    const none = (
      await app.inject({ url: `/api/calls/${def.slug}/proposals?state=funded`, headers: office.auth })
    ).json();
    expect(none).toHaveLength(0);
    const stats = (
      await app.inject({ url: `/api/calls/${def.slug}/statistics`, headers: office.auth })
    ).json();
    expect(stats).toMatchObject({ proposals: 2, submitted: 1, byState: { draft: 2 } });
    expect(stats.byCountry.DE).toEqual({ partners: 1, proposals: 1 });
    expect(stats.byFunder.bmbf).toEqual({
      partners: 1,
      proposals: 1,
      requested: { amountMinor: 29_000_000, currency: 'EUR' },
    });
    expect(stats.byFunder.frqs.requested).toEqual({ amountMinor: 43_500_000, currency: 'CAD' });
    const foreign = await app.inject({ url: `/api/calls/${def.slug}/statistics`, headers: otherOffice.auth });
    expect(foreign.statusCode).toBe(403);
  });
});

describe('public pages', () => {
  it('serves an iCalendar feed that a parser reads back with the right instants', async () => {
    const def = definition();
    await publish(def);
    const res = await app.inject(`/api/calls/${def.slug}/calendar.ics`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/calendar');
    const component = new ICAL.Component(ICAL.parse(res.body));
    const events = component.getAllSubcomponents('vevent').map((e) => new ICAL.Event(e));
    const deadline = events.find(
      (e) => e.summary.startsWith('DEADLINE') && e.summary.includes('Pre-proposal'),
    );
    expect(deadline!.startDate.toJSDate().toISOString()).toBe('2020-03-05T16:00:00.000Z');
    const full = events.find((e) => e.summary.startsWith('DEADLINE') && e.summary.includes('Full-proposal'));
    expect(full!.startDate.toJSDate().toISOString()).toBe('2020-06-15T15:00:00.000Z');
    expect(events.length).toBe(def.stages.length + 3);
  });

  it('publishes the rules as data and text with their sources, and the funders with commitments', async () => {
    const def = definition();
    await publish(def);
    const rules = (await app.inject(`/api/calls/${def.slug}/rules`)).json().rules;
    expect(rules.length).toBe(def.rules!.length);
    for (const r of rules) {
      expect(r.text.length).toBeGreaterThan(10);
      expect(Boolean(r.source) !== Boolean(r.assumption)).toBe(true);
    }
    const bmbfCap = rules.find(
      (r: { funderId?: string; kind: string }) =>
        r.funderId === 'bmbf' && r.kind === 'max-request-per-partner',
    );
    expect(bmbfCap.text).toMatch(/300,000/);
    const funders = (await app.inject(`/api/calls/${def.slug}/funders`)).json().funders;
    expect(funders.find((f: { id: string }) => f.id === 'frqs')).toMatchObject({
      country: 'CA',
      region: 'CA-QC',
      commitment: { currency: 'CAD' },
    });
    const registry = (await app.inject('/api/calls/funders')).json();
    expect(registry.length).toBeGreaterThanOrEqual(47);
  });
});
