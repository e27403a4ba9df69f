import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { schema } from '@permed/db';
import type { TestUser } from '@permed/testing';
import { completeProposal, createWorld, samplePartners, type World } from './testing/factories.ts';

let world: World;
let coordinator: TestUser;
let stranger: TestUser;
const problemType = 'application/problem+json; charset=utf-8';

beforeAll(async () => {
  world = await createWorld();
  await world.publishCall('drafts-call');
  coordinator = await world.ctx.user([], 'coordinator');
  stranger = await world.ctx.user([], 'stranger');
});
afterAll(async () => {
  await world.close();
});

async function create(user: TestUser, body: Record<string, unknown> = completeProposal('drafts-call')) {
  const res = await world.app.inject({
    method: 'POST',
    url: '/api/proposals',
    headers: user.auth,
    payload: body,
  });
  return res;
}

/** The stored draft (header + sections) straight from the database, to prove rejected writes change nothing. */
async function stored(id: string) {
  const [p] = await world.ctx.db.db.select().from(schema.proposals).where(eq(schema.proposals.id, id));
  const partners = await world.ctx.db.db
    .select()
    .from(schema.proposalPartners)
    .where(eq(schema.proposalPartners.proposalId, id));
  return {
    draft: p!.draft,
    draftVersion: p!.draftVersion,
    partners: partners.map((x) => [x.partnerId, x.version, x.section]),
  };
}

describe('creating a proposal', () => {
  it('makes the creator its coordinator, with a lifecycle in draft, an audit row and version 1', async () => {
    const res = await create(coordinator);
    expect(res.statusCode).toBe(201);
    expect(res.headers.etag).toBe('"1"');
    const body = res.json();
    expect(body).toMatchObject({
      stage: 'pre-proposal',
      state: 'draft',
      you: { role: 'coordinator', partnerId: null },
      header: { acronym: 'PGX-HEART', durationMonths: 36, version: 1 },
      call: { slug: 'drafts-call', version: 1, zone: 'Europe/Brussels' },
    });
    expect(body.partners.map((p: { id: string; version: number }) => [p.id, p.version])).toEqual([
      ['charite', 1],
      ['karolinska', 1],
      ['laval', 1],
      ['clinic-bcn', 1],
    ]);
    expect(res.headers.location).toBe(`/api/proposals/${body.id}`);
    const grants = await world.ctx.db.db
      .select()
      .from(schema.roleGrants)
      .where(and(eq(schema.roleGrants.userId, coordinator.id), eq(schema.roleGrants.scopeId, body.id)));
    expect(grants).toMatchObject([{ role: 'applicant', scopeType: 'proposal', subRole: 'coordinator' }]);
    const [inst] = await world.ctx.db.db
      .select()
      .from(schema.workflowInstances)
      .where(
        and(eq(schema.workflowInstances.kind, 'proposal'), eq(schema.workflowInstances.subjectId, body.id)),
      );
    expect(inst).toMatchObject({ state: 'draft' });
    const audit = await world.ctx.db.db
      .select()
      .from(schema.auditEvents)
      .where(
        and(eq(schema.auditEvents.action, 'proposal.created'), eq(schema.auditEvents.targetId, body.id)),
      );
    expect(audit).toMatchObject([{ actorUserId: coordinator.id }]);
  });

  it('accepts an incomplete draft: only the acronym is needed to start', async () => {
    const res = await create(coordinator, { callSlug: 'drafts-call', acronym: 'EARLY' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      header: { acronym: 'EARLY', title: '', abstract: '', keywords: [], modules: [], durationMonths: null },
      partners: [],
    });
  });

  it('refuses a call that does not exist or is not published with 404 on /callSlug', async () => {
    const res = await create(coordinator, { callSlug: 'no-such-call', acronym: 'X' });
    expect(res.statusCode).toBe(404);
    expect(res.json().errors).toMatchObject([{ path: '/callSlug' }]);
  });

  it('refuses a call whose submission stage is closed or not open yet', async () => {
    const now = world.ctx.clock.now();
    await world.publishCall('closed-call', { now: new Date(now.getTime() - 60 * 24 * 3600_000) });
    const late = await create(coordinator, { callSlug: 'closed-call', acronym: 'LATE' });
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ code: 'DEADLINE_PASSED', serverTime: now.toISOString() });
    await world.publishCall('future-call', { now: new Date(now.getTime() + 40 * 24 * 3600_000) });
    const early = await create(coordinator, { callSlug: 'future-call', acronym: 'EARLY' });
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('STAGE_NOT_OPEN');
  });
});

describe('bad input is refused with a 4xx problem and the field path', () => {
  const cases: [string, Record<string, unknown> | string, number, string][] = [
    ['wrong type', { ...completeProposal('drafts-call'), durationMonths: '36' }, 400, '/durationMonths'],
    [
      'acronym over its limit',
      { ...completeProposal('drafts-call'), acronym: 'X'.repeat(21) },
      400,
      '/acronym',
    ],
    [
      'abstract over the hard limit',
      { ...completeProposal('drafts-call'), abstract: 'a'.repeat(20_001) },
      400,
      '/abstract',
    ],
    ['unknown field', { ...completeProposal('drafts-call'), budgetTotal: 5 }, 400, '/budgetTotal'],
    ['constructor key', { ...completeProposal('drafts-call'), constructor: 'x' }, 400, '/constructor'],
    [
      'bad ORCID checksum',
      {
        ...completeProposal('drafts-call'),
        partners: samplePartners().map((p, i) =>
          i === 0 ? { ...p, pi: { ...p.pi, orcid: '0000-0002-1825-0098' } } : p,
        ),
      },
      400,
      '/partners/0/pi/orcid',
    ],
    [
      'unknown country',
      {
        ...completeProposal('drafts-call'),
        partners: samplePartners().map((p, i) =>
          i === 1 ? { ...p, organisation: { ...p.organisation, country: 'XX' } } : p,
        ),
      },
      400,
      '/partners/1/organisation/country',
    ],
    [
      'unknown currency',
      {
        ...completeProposal('drafts-call'),
        partners: samplePartners().map((p, i) =>
          i === 1 ? { ...p, budget: { ...p.budget, currency: 'EUX' } } : p,
        ),
      },
      400,
      '/partners/1/budget/currency',
    ],
    [
      'funder not in the call',
      {
        ...completeProposal('drafts-call'),
        partners: samplePartners().map((p, i) => (i === 2 ? { ...p, funderId: 'nih' } : p)),
      },
      400,
      '/partners/2/funderId',
    ],
    [
      'budget in another currency than the funder takes',
      {
        ...completeProposal('drafts-call'),
        partners: samplePartners().map((p, i) =>
          i === 2 ? { ...p, budget: { ...p.budget, currency: 'EUR' } } : p,
        ),
      },
      400,
      '/partners/2/budget/currency',
    ],
    [
      'negative amount',
      {
        ...completeProposal('drafts-call'),
        partners: [{ ...samplePartners()[0]!, budget: { ...samplePartners()[0]!.budget, travel: -1 } }],
      },
      400,
      '/partners/0/budget/travel',
    ],
    [
      'fractional cents',
      {
        ...completeProposal('drafts-call'),
        partners: [{ ...samplePartners()[0]!, budget: { ...samplePartners()[0]!.budget, travel: 1.5 } }],
      },
      400,
      '/partners/0/budget/travel',
    ],
    [
      'module the call does not offer',
      { ...completeProposal('drafts-call'), modules: ['1B', '9Z'] },
      400,
      '/modules/1',
    ],
  ];
  it.each(cases)('%s', async (_name, body, status, path) => {
    const before = await world.ctx.db.db.select().from(schema.proposals);
    const res = await create(coordinator, body as Record<string, unknown>);
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toBe(problemType);
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await world.ctx.db.db.select().from(schema.proposals)).toHaveLength(before.length);
  });

  it('refuses malformed JSON and __proto__ keys', async () => {
    const malformed = await world.app.inject({
      method: 'POST',
      url: '/api/proposals',
      headers: { ...coordinator.auth, 'content-type': 'application/json' },
      payload: '{"callSlug": "drafts-call", "acronym": ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().code).toBe('MALFORMED_JSON');
    const proto = await world.app.inject({
      method: 'POST',
      url: '/api/proposals',
      headers: { ...coordinator.auth, 'content-type': 'application/json' },
      payload: '{"callSlug": "drafts-call", "acronym": "X", "__proto__": {"coordinator": true}}',
    });
    expect(proto.statusCode).toBe(400);
    expect(proto.json().errors[0].code).toBe('FORBIDDEN_KEY');
  });

  it('refuses requests without a token (401)', async () => {
    const res = await world.app.inject({
      method: 'POST',
      url: '/api/proposals',
      payload: completeProposal('drafts-call'),
    });
    expect(res.statusCode).toBe(401);
  });
});

describe('editing under ETags', () => {
  let id: string;
  beforeAll(async () => {
    id = (await create(coordinator)).json().id;
  });

  it('needs If-Match (428), refuses a stale one (412 with the current version) and never loses the draft', async () => {
    const before = await stored(id);
    const missing = await world.app.inject({
      method: 'PATCH',
      url: `/api/proposals/${id}`,
      headers: coordinator.auth,
      payload: { title: 'New title' },
    });
    expect(missing.statusCode).toBe(428);
    expect(missing.json().code).toBe('PRECONDITION_REQUIRED');
    const ok = await world.app.inject({
      method: 'PATCH',
      url: `/api/proposals/${id}`,
      headers: { ...coordinator.auth, 'if-match': '"1"' },
      payload: { title: 'New title' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers.etag).toBe('"2"');
    expect(ok.json()).toMatchObject({ title: 'New title', abstract: before.draft.abstract, version: 2 });
    const stale = await world.app.inject({
      method: 'PATCH',
      url: `/api/proposals/${id}`,
      headers: { ...coordinator.auth, 'if-match': '"1"' },
      payload: { title: 'Lost update' },
    });
    expect(stale.statusCode).toBe(412);
    expect(stale.headers.etag).toBe('"2"');
    expect(stale.json()).toMatchObject({ code: 'PRECONDITION_FAILED', currentVersion: 2 });
    expect((await stored(id)).draft).toMatchObject({ title: 'New title' });
  });

  it('leaves the stored draft unchanged after every rejected write', async () => {
    const before = await stored(id);
    const v = before.draftVersion;
    const rejected = [
      { method: 'PATCH' as const, url: `/api/proposals/${id}`, ifMatch: v, payload: { durationMonths: 60 } },
      {
        method: 'PATCH' as const,
        url: `/api/proposals/${id}`,
        ifMatch: v,
        payload: { title: 'x'.repeat(201) },
      },
      {
        method: 'PATCH' as const,
        url: `/api/proposals/${id}`,
        ifMatch: v,
        payload: { title: 'ok', extra: 1 },
      },
      {
        method: 'PATCH' as const,
        url: `/api/proposals/${id}`,
        ifMatch: v,
        payload: { modules: ['1B', '1B'] },
      },
      { method: 'PATCH' as const, url: `/api/proposals/${id}`, ifMatch: v, payload: {} },
      { method: 'PATCH' as const, url: `/api/proposals/${id}`, ifMatch: v, payload: { keywords: 'one' } },
      {
        method: 'PUT' as const,
        url: `/api/proposals/${id}/partners/laval`,
        ifMatch: 1,
        payload: { ...samplePartners()[2]!, funderId: 'bmbf' },
      },
      {
        method: 'PUT' as const,
        url: `/api/proposals/${id}/partners/laval`,
        ifMatch: 1,
        payload: { ...samplePartners()[2]!, id: 'renamed' },
      },
      {
        method: 'PUT' as const,
        url: `/api/proposals/${id}/partners/laval`,
        ifMatch: 1,
        payload: {
          ...samplePartners()[2]!,
          organisation: { ...samplePartners()[2]!.organisation, region: 'DE-BE' },
        },
      },
      {
        method: 'PUT' as const,
        url: `/api/proposals/${id}/partners/laval`,
        ifMatch: 1,
        payload: {
          ...samplePartners()[2]!,
          organisation: { ...samplePartners()[2]!.organisation, rorId: '013meh723' },
        },
      },
    ];
    for (const r of rejected) {
      const res = await world.app.inject({
        method: r.method,
        url: r.url,
        headers: { ...coordinator.auth, 'if-match': `"${r.ifMatch}"` },
        payload: r.payload,
      });
      expect(res.statusCode, JSON.stringify(r.payload)).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.json().errors?.length ?? 0, res.body).toBeGreaterThan(0);
    }
    expect(await stored(id)).toEqual(before);
  });

  it('versions each partner section separately: writes to two sections never conflict', async () => {
    const a = await world.app.inject({
      method: 'PUT',
      url: `/api/proposals/${id}/partners/karolinska`,
      headers: { ...coordinator.auth, 'if-match': '"1"' },
      payload: { ...samplePartners()[1]!, pi: { name: 'Anna Lindqvist', email: 'anna@ki.example.org' } },
    });
    const b = await world.app.inject({
      method: 'PUT',
      url: `/api/proposals/${id}/partners/laval`,
      headers: { ...coordinator.auth, 'if-match': '"1"' },
      payload: { ...samplePartners()[2]!, budget: { ...samplePartners()[2]!.budget, travel: 0 } },
    });
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    expect([a.headers.etag, b.headers.etag]).toEqual(['"2"', '"2"']);
    const got = await world.app.inject({
      url: `/api/proposals/${id}/partners/karolinska`,
      headers: coordinator.auth,
    });
    expect(got.json().pi.email).toBe('anna@ki.example.org');
    expect(got.headers.etag).toBe('"2"');
  });

  it('20 concurrent writers on one section: exactly one wins per version', async () => {
    const partner = samplePartners()[3]!;
    const current = await world.app.inject({
      url: `/api/proposals/${id}/partners/clinic-bcn`,
      headers: coordinator.auth,
    });
    let version = Number(JSON.parse(current.headers.etag as string));
    const start = version;
    const winners: number[] = [];
    // Round after round, every writer that lost re-reads and tries again with the version it saw.
    let pending = Array.from({ length: 20 }, (_, i) => i);
    let rounds = 0;
    while (pending.length > 0) {
      rounds += 1;
      const seen = version;
      const results = await Promise.all(
        pending.map((writer) =>
          world.app.inject({
            method: 'PUT',
            url: `/api/proposals/${id}/partners/clinic-bcn`,
            headers: { ...coordinator.auth, 'if-match': `"${seen}"` },
            payload: { ...partner, budget: { ...partner.budget, travel: 1000 + writer } },
          }),
        ),
      );
      const won = results.flatMap((r, i) => (r.statusCode === 200 ? [pending[i]!] : []));
      expect(won).toHaveLength(1);
      for (const r of results) {
        if (r.statusCode === 200) continue;
        expect(r.statusCode).toBe(412);
        expect(r.json().currentVersion).toBe(seen + 1);
      }
      winners.push(won[0]!);
      version = seen + 1;
      pending = pending.filter((w) => w !== won[0]);
    }
    expect(rounds).toBe(20);
    expect(new Set(winners).size).toBe(20);
    const audit = await world.ctx.db.db
      .select()
      .from(schema.auditEvents)
      .where(
        and(eq(schema.auditEvents.action, 'proposal.partner_updated'), eq(schema.auditEvents.targetId, id)),
      );
    const versions = audit
      .filter((a) => a.details.partnerId === 'clinic-bcn')
      .map((a) => a.details.version as number)
      .sort((x, y) => x - y);
    expect(versions).toEqual(Array.from({ length: 20 }, (_, i) => start + 1 + i));
    const final = (await stored(id)).partners.find(([pid]) => pid === 'clinic-bcn')!;
    expect(final[1]).toBe(start + 20);
    expect((final[2] as { budget: { travel: number } }).budget.travel).toBe(1000 + winners.at(-1)!);
  });

  it('adds and removes partners (removal under If-Match)', async () => {
    const extra = {
      ...samplePartners()[0]!,
      id: 'umc-utrecht',
      coordinator: false,
      funderId: 'zonmw',
      organisation: { name: 'UMC Utrecht', country: 'NL', type: 'clinical-public-health' as const },
    };
    const added = await world.app.inject({
      method: 'POST',
      url: `/api/proposals/${id}/partners`,
      headers: coordinator.auth,
      payload: extra,
    });
    expect(added.statusCode).toBe(201);
    expect(added.headers.etag).toBe('"1"');
    const duplicate = await world.app.inject({
      method: 'POST',
      url: `/api/proposals/${id}/partners`,
      headers: coordinator.auth,
      payload: extra,
    });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().errors[0].path).toBe('/id');
    const noEtag = await world.app.inject({
      method: 'DELETE',
      url: `/api/proposals/${id}/partners/umc-utrecht`,
      headers: coordinator.auth,
    });
    expect(noEtag.statusCode).toBe(428);
    // Someone changed the section meanwhile: a removal based on what they read is refused.
    const changed = await world.app.inject({
      method: 'PUT',
      url: `/api/proposals/${id}/partners/umc-utrecht`,
      headers: { ...coordinator.auth, 'if-match': '"1"' },
      payload: { ...extra, pi: { ...extra.pi, name: 'Sanne de Vries' } },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    const stale = await world.app.inject({
      method: 'DELETE',
      url: `/api/proposals/${id}/partners/umc-utrecht`,
      headers: { ...coordinator.auth, 'if-match': '"1"' },
    });
    expect(stale.statusCode).toBe(412);
    expect(stale.headers.etag).toBe('"2"');
    expect(stale.json()).toMatchObject({ code: 'PRECONDITION_FAILED', currentVersion: 2 });
    const removed = await world.app.inject({
      method: 'DELETE',
      url: `/api/proposals/${id}/partners/umc-utrecht`,
      headers: { ...coordinator.auth, 'if-match': '"2"' },
    });
    expect(removed.statusCode).toBe(204);
    const gone = await world.app.inject({
      url: `/api/proposals/${id}/partners/umc-utrecht`,
      headers: coordinator.auth,
    });
    expect(gone.statusCode).toBe(404);
  });
});

describe('scopes', () => {
  it("answers another consortium's proposal with 404, the same as a missing one", async () => {
    const id = (await create(coordinator)).json().id;
    const other = await world.ctx.user(
      [
        {
          role: 'applicant',
          scopeType: 'proposal',
          scopeId: '00000000-0000-4000-8000-000000000000',
          subRole: 'coordinator',
        },
      ],
      'other',
    );
    const theirs = await world.app.inject({ url: `/api/proposals/${id}`, headers: other.auth });
    const missing = await world.app.inject({
      url: '/api/proposals/00000000-0000-4000-8000-000000000001',
      headers: other.auth,
    });
    expect(theirs.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect(theirs.json().code).toBe(missing.json().code);
    const write = await world.app.inject({
      method: 'PATCH',
      url: `/api/proposals/${id}`,
      headers: { ...other.auth, 'if-match': '"1"' },
      payload: { title: 'hijack' },
    });
    expect(write.statusCode).toBe(404);
    const section = await world.app.inject({
      url: `/api/proposals/${id}/partners/charite`,
      headers: other.auth,
    });
    expect(section.statusCode).toBe(404);
  });

  it('refuses a user without any applicant or call-office role at the route (403)', async () => {
    const id = (await create(coordinator)).json().id;
    const res = await world.app.inject({ url: `/api/proposals/${id}`, headers: stranger.auth });
    expect(res.statusCode).toBe(403);
  });

  it("lets the call office of the proposal's call read it, not write it; another call's office gets 404", async () => {
    const id = (await create(coordinator)).json().id;
    const [call] = await world.ctx.db.db
      .select()
      .from(schema.calls)
      .where(eq(schema.calls.slug, 'drafts-call'));
    const own = await world.ctx.user(
      [{ role: 'call-office', scopeType: 'call', scopeId: call!.id }],
      'own-office',
    );
    const foreign = await world.ctx.user(
      [{ role: 'call-office', scopeType: 'call', scopeId: '00000000-0000-4000-8000-00000000000f' }],
      'foreign-office',
    );
    const read = await world.app.inject({ url: `/api/proposals/${id}`, headers: own.auth });
    expect(read.statusCode).toBe(200);
    expect(read.json().you.role).toBe('call-office');
    const write = await world.app.inject({
      method: 'PATCH',
      url: `/api/proposals/${id}`,
      headers: { ...own.auth, 'if-match': '"1"' },
      payload: { title: 'office edit' },
    });
    expect(write.statusCode).toBe(403);
    expect((await world.app.inject({ url: `/api/proposals/${id}`, headers: foreign.auth })).statusCode).toBe(
      404,
    );
  });

  it('rejects a malformed proposal id with 400 on the params', async () => {
    const res = await world.app.inject({ url: '/api/proposals/not-a-uuid', headers: coordinator.auth });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({ in: 'params', path: '/id' });
  });
});
