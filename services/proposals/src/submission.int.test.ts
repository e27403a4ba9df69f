import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq } from 'drizzle-orm';
import { canonicalHash, schema } from '@permed/db';
import { readPdf, validPdf } from '@permed/documents/testing';
import type { TestUser } from '@permed/testing';
import { proposalsOutboxHandlers } from './receipt-pdf.ts';
import {
  completeProposal,
  createWorld,
  multipart,
  stageTimes,
  type World,
  proposalState,
} from './testing/factories.ts';

let world: World;
let coordinator: TestUser;
let pdf: Uint8Array;
const NOW = new Date('2026-01-15T10:00:00Z');
const deadline = stageTimes({ now: NOW })['pre-proposal-submission'].closesAt;

beforeAll(async () => {
  world = await createWorld({ now: NOW.toISOString() });
  await world.publishCall('submit-call');
  coordinator = await world.ctx.user([], 'coordinator');
  pdf = await validPdf({ pages: 3 });
});
afterAll(async () => {
  await world.close();
});

async function readyProposal(
  user: TestUser = coordinator,
  body = completeProposal('submit-call'),
): Promise<string> {
  const created = await world.app.inject({
    method: 'POST',
    url: '/api/proposals',
    headers: user.auth,
    payload: body,
  });
  expect(created.statusCode).toBe(201);
  const id = created.json().id as string;
  const upload = multipart(pdf, 'Pre-proposal Wróbel.pdf');
  const up = await world.app.inject({
    method: 'PUT',
    url: `/api/proposals/${id}/documents/proposal`,
    headers: { ...user.auth, ...upload.headers, 'if-none-match': '*' },
    payload: upload.payload,
  });
  expect(up.statusCode, up.body).toBe(200);
  return id;
}

const submit = (id: string, headers: Record<string, string> = {}, user: TestUser = coordinator) =>
  world.app.inject({
    method: 'POST',
    url: `/api/proposals/${id}/submit`,
    headers: { ...user.auth, ...headers },
  });

/** A consortium-wide editor of the proposal (a member with the grant, as an accepted invitation makes). */
async function consortiumEditor(id: string, name: string): Promise<TestUser> {
  const editor = await world.ctx.user(
    [{ role: 'applicant', scopeType: 'proposal', scopeId: id, subRole: 'editor' }],
    name,
  );
  await world.ctx.db.db
    .insert(schema.proposalMembers)
    .values({ proposalId: id, userId: editor.id, role: 'editor', partnerId: null, addedAt: NOW });
  return editor;
}

async function versionsOf(id: string) {
  return world.ctx.db.db
    .select()
    .from(schema.proposalVersions)
    .where(eq(schema.proposalVersions.proposalId, id))
    .orderBy(asc(schema.proposalVersions.seq));
}

const stateOf = (id: string) => proposalState(world, id);

describe('validation', () => {
  it('lists completeness problems and the eligibility pre-check; errors block, warnings do not', async () => {
    const created = await world.app.inject({
      method: 'POST',
      url: '/api/proposals',
      headers: coordinator.auth,
      payload: {
        callSlug: 'submit-call',
        acronym: 'EMPTY',
        partners: completeProposal('x').partners.slice(0, 1),
      },
    });
    const id = created.json().id;
    const res = await world.app.inject({ url: `/api/proposals/${id}/validation`, headers: coordinator.auth });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.problems.map((p: { code: string; path: string }) => `${p.code} ${p.path}`)).toEqual(
      expect.arrayContaining([
        'TITLE_MISSING /title',
        'ABSTRACT_EMPTY /abstract',
        'KEYWORDS_MISSING /keywords',
        'MODULES_MISSING /modules',
        'DURATION_MISSING /durationMonths',
        'DOCUMENT_MISSING /documents/proposal',
      ]),
    );
    expect(body.eligibility).toBeNull();
    expect(body.blockingErrors).toBe(
      body.problems.filter((p: { level: string }) => p.level === 'error').length,
    );
  });

  it('submits a proposal whose only findings are warnings', async () => {
    const id = await readyProposal();
    const report = (
      await world.app.inject({ url: `/api/proposals/${id}/validation`, headers: coordinator.auth })
    ).json();
    // The Swedish partner's parallel Prisma application to VR is a warning of the JTC2020 rules.
    expect(report.blockingErrors).toBe(0);
    expect(report.warnings).toBeGreaterThan(0);
    expect(report.problems).toContainEqual(
      expect.objectContaining({ level: 'warning', code: 'ELIGIBILITY', ruleId: 'vr-prisma-pre' }),
    );
    const submitted = await submit(id);
    expect(submitted.statusCode, submitted.body).toBe(201);
    expect(await stateOf(id)).toBe('submitted');
  });

  it('counts the abstract limit in Unicode code points', async () => {
    const id = await readyProposal();
    // 1600 is the call's limit: 1600 astral characters are 3200 UTF-16 units but 1600 code points.
    const atLimit = '😀'.repeat(1600);
    const patch = (abstract: string, version: number) =>
      world.app.inject({
        method: 'PATCH',
        url: `/api/proposals/${id}`,
        headers: { ...coordinator.auth, 'if-match': `"${version}"` },
        payload: { abstract },
      });
    expect((await patch(atLimit, 1)).statusCode).toBe(200);
    let report = (
      await world.app.inject({ url: `/api/proposals/${id}/validation`, headers: coordinator.auth })
    ).json();
    expect(report.problems.filter((p: { code: string }) => p.code === 'ABSTRACT_TOO_LONG')).toEqual([]);
    expect((await patch(`${atLimit}é`, 2)).statusCode).toBe(200);
    report = (
      await world.app.inject({ url: `/api/proposals/${id}/validation`, headers: coordinator.auth })
    ).json();
    expect(report.problems).toContainEqual(
      expect.objectContaining({ code: 'ABSTRACT_TOO_LONG', level: 'error', path: '/abstract' }),
    );
    const blocked = await submit(id);
    expect(blocked.statusCode).toBe(422);
    expect(blocked.json()).toMatchObject({
      code: 'SUBMISSION_BLOCKED',
      errors: [{ path: '/abstract', code: 'ABSTRACT_TOO_LONG' }],
    });
  });

  it('reports eligibility findings of the call rules (a consortium of one country fails)', async () => {
    const partners = completeProposal('x').partners.filter(
      (p) => p.organisation.country === 'DE' || p.organisation.country === 'ES',
    );
    const created = await world.app.inject({
      method: 'POST',
      url: '/api/proposals',
      headers: coordinator.auth,
      payload: completeProposal('submit-call', { partners }),
    });
    const report = (
      await world.app.inject({
        url: `/api/proposals/${created.json().id}/validation`,
        headers: coordinator.auth,
      })
    ).json();
    expect(report.eligibility.eligible).toBe(false);
    expect(
      report.problems.some(
        (p: { code: string; level: string }) => p.code === 'ELIGIBILITY' && p.level === 'error',
      ),
    ).toBe(true);
  });
});

describe('submission', () => {
  it('refuses a draft with blocking errors (422 with the paths) and stores nothing', async () => {
    const created = await world.app.inject({
      method: 'POST',
      url: '/api/proposals',
      headers: coordinator.auth,
      payload: completeProposal('submit-call'),
    });
    const id = created.json().id;
    const res = await submit(id);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      code: 'SUBMISSION_BLOCKED',
      errors: [{ path: '/documents/proposal' }],
    });
    expect(await versionsOf(id)).toEqual([]);
    expect(await stateOf(id)).toBe('draft');
  });

  it('stores an immutable version, steps the lifecycle, audits it and returns the receipt', async () => {
    const id = await readyProposal();
    const res = await submit(id);
    expect(res.statusCode, res.body).toBe(201);
    const receipt = res.json();
    expect(receipt).toMatchObject({
      proposalId: id,
      acronym: 'PGX-HEART',
      stage: 'pre-proposal',
      version: 1,
      callSlug: 'submit-call',
      callVersion: 1,
      submittedAt: NOW.toISOString(),
      submittedAtCallZone: '2026-01-15T11:00:00+01:00',
      zone: 'Europe/Brussels',
      receiptPdf: `/api/proposals/${id}/versions/1/receipt.pdf`,
    });
    expect(receipt.documents).toEqual([
      expect.objectContaining({
        kind: 'proposal',
        name: 'Pre-proposal Wróbel.pdf',
        pages: 3,
        bytes: pdf.byteLength,
      }),
    ]);
    const [version] = await versionsOf(id);
    expect(version!.contentHash).toBe(
      canonicalHash({ document: version!.document, documents: version!.documents }),
    );
    expect(receipt.contentHash).toBe(version!.contentHash);
    expect(version!.document).toMatchObject({ acronym: 'PGX-HEART', partners: expect.any(Array) });
    expect(await stateOf(id)).toBe('submitted');
    const audit = await world.ctx.db.db
      .select()
      .from(schema.auditEvents)
      .where(and(eq(schema.auditEvents.action, 'proposal.submitted'), eq(schema.auditEvents.targetId, id)));
    expect(audit).toMatchObject([{ actorUserId: coordinator.id, details: { seq: 1 } }]);
    const outbox = await world.ctx.db.db.select().from(schema.outbox);
    expect(outbox.filter((o) => o.dedupeKey === `receipt-pdf:${id}:1`)).toHaveLength(1);
    const mail = outbox.find((o) => o.dedupeKey === `submitted-mail:${id}:1`);
    expect(mail?.kind).toBe('mail');
    expect(mail?.payload).toMatchObject({
      to: coordinator.email,
      subject: expect.stringContaining('PGX-HEART version 1'),
    });
  });

  it('makes every re-submission a new version; the lifecycle stays submitted', async () => {
    const id = await readyProposal();
    expect((await submit(id)).json().version).toBe(1);
    world.ctx.clock.advance(1000);
    await world.app.inject({
      method: 'PATCH',
      url: `/api/proposals/${id}`,
      headers: { ...coordinator.auth, 'if-match': '"1"' },
      payload: { title: 'A better title' },
    });
    const second = await submit(id);
    expect(second.statusCode).toBe(201);
    expect(second.json().version).toBe(2);
    expect(second.json().title).toBe('A better title');
    const versions = await versionsOf(id);
    expect(versions.map((v) => v.seq)).toEqual([1, 2]);
    expect(versions[0]!.contentHash).not.toBe(versions[1]!.contentHash);
    expect(await stateOf(id)).toBe('submitted');
    const list = await world.app.inject({ url: `/api/proposals/${id}/versions`, headers: coordinator.auth });
    expect(list.json().map((r: { version: number }) => r.version)).toEqual([1, 2]);
    const one = await world.app.inject({ url: `/api/proposals/${id}/versions/1`, headers: coordinator.auth });
    expect(one.json().document.title).toBe('Pharmacogenomic stratification of heart-failure therapy');
  });

  it('is coordinator-only: an editor or viewer gets 403, a stranger 404', async () => {
    const id = await readyProposal();
    const editor = await consortiumEditor(id, 'editor');
    expect((await submit(id, {}, editor)).statusCode).toBe(403);
    const stranger = await world.ctx.user(
      [{ role: 'applicant', scopeType: 'proposal', scopeId: 'x' }],
      'stranger',
    );
    expect((await submit(id, {}, stranger)).statusCode).toBe(404);
    expect(await versionsOf(id)).toEqual([]);
  });
});

describe('idempotency', () => {
  it('returns the same receipt for a retried submit with the same Idempotency-Key', async () => {
    const id = await readyProposal();
    const first = await submit(id, { 'idempotency-key': 'retry-1' });
    expect(first.statusCode).toBe(201);
    world.ctx.clock.advance(5000);
    const again = await submit(id, { 'idempotency-key': 'retry-1' });
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect(await versionsOf(id)).toHaveLength(1);
    const other = await submit(id, { 'idempotency-key': 'retry-2' });
    expect(other.json().version).toBe(2);
  });

  it('stores one version for concurrent submits with one key', async () => {
    const id = await readyProposal();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => submit(id, { 'idempotency-key': 'burst' })),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([
      200, 200, 200, 200, 200, 200, 200, 200, 200, 201,
    ]);
    expect(new Set(results.map((r) => r.json().version))).toEqual(new Set([1]));
    expect(new Set(results.map((r) => r.json().contentHash)).size).toBe(1);
    expect(await versionsOf(id)).toHaveLength(1);
  });

  it('gives concurrent submits without a key one version each, numbered without gaps', async () => {
    const id = await readyProposal();
    const results = await Promise.all(Array.from({ length: 5 }, () => submit(id)));
    expect(results.map((r) => r.statusCode)).toEqual([201, 201, 201, 201, 201]);
    expect(results.map((r) => r.json().version).sort()).toEqual([1, 2, 3, 4, 5]);
    expect((await versionsOf(id)).map((v) => v.seq)).toEqual([1, 2, 3, 4, 5]);
    const [inst] = await world.ctx.db.db
      .select()
      .from(schema.workflowInstances)
      .where(and(eq(schema.workflowInstances.kind, 'proposal'), eq(schema.workflowInstances.subjectId, id)));
    expect((inst!.snapshot as { context: { submittedVersion: number } }).context.submittedVersion).toBe(5);
  });

  it('refuses a malformed key with 400 naming the header', async () => {
    const id = await readyProposal();
    const res = await submit(id, { 'idempotency-key': 'has spaces and ünïcode' });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({ in: 'headers', path: '/idempotency-key' });
  });
});

describe('the deadline, by the server clock', () => {
  // Tokens expire by the server clock too, so the coordinator signs in again after each jump.
  const at = async (instant: number | Date) => {
    world.ctx.clock.set(instant);
    coordinator = await world.signIn(coordinator);
  };
  afterEach(async () => {
    await at(NOW);
  });

  it('accepts a submission at T−1 ms and refuses one at T with serverTime in UTC', async () => {
    const onTime = await readyProposal();
    const late = await readyProposal();
    await at(deadline.getTime() - 1);
    const ok = await submit(onTime);
    expect(ok.statusCode).toBe(201);
    expect(ok.json().submittedAt).toBe(new Date(deadline.getTime() - 1).toISOString());
    await at(deadline);
    const refused = await submit(late);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({
      code: 'DEADLINE_PASSED',
      serverTime: deadline.toISOString(),
      deadline: { at: deadline.toISOString().replace('.000Z', 'Z'), zone: 'Europe/Brussels' },
    });
    expect(await versionsOf(late)).toEqual([]);
    expect(await stateOf(late)).toBe('draft');
    // The draft is frozen after the deadline too.
    const edit = await world.app.inject({
      method: 'PATCH',
      url: `/api/proposals/${late}`,
      headers: { ...coordinator.auth, 'if-match': '"1"' },
      payload: { title: 'too late' },
    });
    expect(edit.json().code).toBe('DEADLINE_PASSED');
  });

  it('rolls back a submission whose transaction reaches the deadline before COMMIT', async () => {
    const id = await readyProposal();
    await at(deadline.getTime() - 1);
    const clock = world.ctx.clock;
    const original = clock.now.bind(clock);
    let calls = 0;
    // The first readings are before T; the clock has passed T when the transaction is about to commit.
    clock.now = () => {
      calls += 1;
      return new Date(calls <= 2 ? deadline.getTime() - 1 : deadline.getTime());
    };
    try {
      const res = await submit(id);
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('DEADLINE_PASSED');
    } finally {
      clock.now = original;
    }
    expect(await versionsOf(id)).toEqual([]);
    expect(await stateOf(id)).toBe('draft');
    const outbox = await world.ctx.db.db.select().from(schema.outbox);
    expect(outbox.some((o) => o.dedupeKey === `receipt-pdf:${id}:1`)).toBe(false);
  });

  it('still returns the original receipt for a retry after the deadline', async () => {
    const id = await readyProposal();
    await at(deadline.getTime() - 10);
    const first = await submit(id, { 'idempotency-key': 'just-in-time' });
    expect(first.statusCode).toBe(201);
    await at(deadline.getTime() + 60_000);
    const retry = await submit(id, { 'idempotency-key': 'just-in-time' });
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual(first.json());
    const fresh = await submit(id, { 'idempotency-key': 'after' });
    expect(fresh.statusCode).toBe(409);
  });
});

describe('receipt PDF', () => {
  it('is built on first download if the outbox has not run, and the outbox then stores the same file', async () => {
    const id = await readyProposal();
    const receipt = (await submit(id)).json();
    const res = await world.app.inject({ url: receipt.receiptPdf, headers: coordinator.auth });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const read = await readPdf(res.rawPayload);
    expect(read.text).toContain('Submission receipt');
    expect(read.text).toContain('PGX-HEART');
    expect(read.text.replace(/\s/g, '')).toContain(receipt.contentHash);
    expect(read.text).toContain('Pre-proposal Wróbel.pdf');
    await proposalsOutboxHandlers(world.ctx.deps)['receipt-pdf']!(
      { proposalId: id, seq: 1 },
      { id: 1, kind: 'receipt-pdf' },
    );
    const rows = await world.ctx.db.db
      .select()
      .from(schema.submissionReceipts)
      .where(eq(schema.submissionReceipts.proposalId, id));
    expect(rows).toHaveLength(1);
    expect(res.headers.etag).toBe(`"${rows[0]!.sha256}"`);
  });

  it('is built by the outbox handler after commit', async () => {
    const id = await readyProposal();
    await submit(id);
    await proposalsOutboxHandlers(world.ctx.deps)['receipt-pdf']!(
      { proposalId: id, seq: 1 },
      { id: 2, kind: 'receipt-pdf' },
    );
    const [row] = await world.ctx.db.db
      .select()
      .from(schema.submissionReceipts)
      .where(eq(schema.submissionReceipts.proposalId, id));
    expect(row?.bytes).toBeGreaterThan(1000);
    const res = await world.app.inject({
      url: `/api/proposals/${id}/versions/1/receipt.pdf`,
      headers: coordinator.auth,
    });
    expect(res.headers.etag).toBe(`"${row!.sha256}"`);
  });

  it('is not served to another consortium (404) or for a version that does not exist', async () => {
    const id = await readyProposal();
    await submit(id);
    const other = await world.ctx.user(
      [{ role: 'applicant', scopeType: 'proposal', scopeId: 'nope' }],
      'other',
    );
    expect(
      (await world.app.inject({ url: `/api/proposals/${id}/versions/1/receipt.pdf`, headers: other.auth }))
        .statusCode,
    ).toBe(404);
    expect(
      (
        await world.app.inject({
          url: `/api/proposals/${id}/versions/9/receipt.pdf`,
          headers: coordinator.auth,
        })
      ).statusCode,
    ).toBe(404);
  });
});

describe('withdrawal', () => {
  it('withdraws (coordinator only), after which nothing can be submitted', async () => {
    const id = await readyProposal();
    await submit(id);
    const res = await world.app.inject({
      method: 'POST',
      url: `/api/proposals/${id}/withdraw`,
      headers: coordinator.auth,
      payload: { reason: 'PI moved institution' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ from: 'submitted', to: 'withdrawn' });
    expect(await stateOf(id)).toBe('withdrawn');
    const again = await submit(id);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('INVALID_TRANSITION');
    const twice = await world.app.inject({
      method: 'POST',
      url: `/api/proposals/${id}/withdraw`,
      headers: coordinator.auth,
    });
    expect(twice.statusCode, twice.body).toBe(409);
    const audit = await world.ctx.db.db
      .select()
      .from(schema.auditEvents)
      .where(and(eq(schema.auditEvents.action, 'proposal.withdrawn'), eq(schema.auditEvents.targetId, id)));
    expect(audit).toMatchObject([
      { actorUserId: coordinator.id, details: { reason: 'PI moved institution' } },
    ]);
  });

  it('refuses an editor (403) and a stranger (404), leaving the proposal submitted', async () => {
    const id = await readyProposal();
    expect((await submit(id)).statusCode).toBe(201);
    const editor = await consortiumEditor(id, 'withdraw-editor');
    const stranger = await world.ctx.user(
      [{ role: 'applicant', scopeType: 'proposal', scopeId: 'x' }],
      'withdraw-stranger',
    );
    const withdraw = (user: TestUser) =>
      world.app.inject({
        method: 'POST',
        url: `/api/proposals/${id}/withdraw`,
        headers: user.auth,
        payload: { reason: 'not mine to withdraw' },
      });
    expect((await withdraw(editor)).statusCode).toBe(403);
    expect((await withdraw(stranger)).statusCode).toBe(404);
    expect(await stateOf(id)).toBe('submitted');
    const audit = await world.ctx.db.db
      .select()
      .from(schema.auditEvents)
      .where(and(eq(schema.auditEvents.action, 'proposal.withdrawn'), eq(schema.auditEvents.targetId, id)));
    expect(audit).toEqual([]);
  });
});
