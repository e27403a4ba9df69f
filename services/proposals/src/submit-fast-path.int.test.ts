// The submit path as the deadline rush runs it: one locked read and one combined write per
// submission. These tests pin what that path must keep: the hash chain of the lifecycle, the
// per-request grants, the retry after a lifecycle change it did not see, and the blocking
// one-proposal-per-PI rule that needs the call's other proposals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq } from 'drizzle-orm';
import { schema, verifyWorkflowChains } from '@permed/db';
import { validPdf } from '@permed/documents/testing';
import type { TestUser } from '@permed/testing';
import { actorOf, advanceWorkflow } from '@permed/service-kit';
import { completeProposal, createWorld, multipart, type World } from './testing/factories.ts';

let world: World;
let coordinator: TestUser;
let pdf: Uint8Array;
const NOW = new Date('2026-01-15T10:00:00Z');

beforeAll(async () => {
  world = await createWorld({ now: NOW.toISOString() });
  await world.publishCall('fast-call');
  await world.publishCall(
    'pi-call',
    {},
    {
      rules: [
        {
          id: 'one-proposal-per-pi',
          kind: 'one-proposal-per-pi',
          scope: 'call',
          level: 'error',
          stage: 'both',
          params: {},
          assumption: true,
          note: 'Test rule: a principal investigator may appear in one proposal only.',
        },
      ],
    },
  );
  coordinator = await world.ctx.user([], 'coordinator');
  pdf = await validPdf({ pages: 2 });
});
afterAll(async () => {
  await world.close();
});

async function readyProposal(callSlug = 'fast-call', user: TestUser = coordinator): Promise<string> {
  const created = await world.app.inject({
    method: 'POST',
    url: '/api/proposals',
    headers: user.auth,
    payload: completeProposal(callSlug),
  });
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json().id as string;
  const upload = multipart(pdf);
  const up = await world.app.inject({
    method: 'PUT',
    url: `/api/proposals/${id}/documents/proposal`,
    headers: { ...user.auth, ...upload.headers, 'if-none-match': '*' },
    payload: upload.payload,
  });
  expect(up.statusCode, up.body).toBe(200);
  return id;
}

const submit = (id: string, user: TestUser = coordinator, headers: Record<string, string> = {}) =>
  world.app.inject({
    method: 'POST',
    url: `/api/proposals/${id}/submit`,
    headers: { ...user.auth, ...headers },
  });

const db = () => world.ctx.db.db;

async function lifecycleOf(id: string) {
  const [inst] = await db()
    .select()
    .from(schema.workflowInstances)
    .where(and(eq(schema.workflowInstances.kind, 'proposal'), eq(schema.workflowInstances.subjectId, id)));
  const transitions = await db()
    .select()
    .from(schema.workflowTransitions)
    .where(eq(schema.workflowTransitions.instanceId, inst!.id))
    .orderBy(asc(schema.workflowTransitions.seq));
  return { inst: inst!, transitions };
}

const versionCount = async (id: string) =>
  (await db().select().from(schema.proposalVersions).where(eq(schema.proposalVersions.proposalId, id)))
    .length;

describe('the lifecycle step written with the version', () => {
  it('appends chained transition rows that verify, with the actor, payload and call version', async () => {
    const id = await readyProposal();
    const first = await submit(id);
    expect(first.statusCode, first.body).toBe(201);
    world.ctx.clock.advance(1500);
    const second = await submit(id, coordinator, { 'idempotency-key': 'second' });
    expect(second.statusCode, second.body).toBe(201);

    const { inst, transitions } = await lifecycleOf(id);
    expect(transitions.map((t) => [t.seq, t.event, t.fromState, t.toState])).toEqual([
      [0, '@created', '', 'draft'],
      [1, 'SUBMIT', 'draft', 'submitted'],
      [2, 'SUBMIT', 'submitted', 'submitted'],
    ]);
    expect(transitions[1]).toMatchObject({
      actorUserId: coordinator.id,
      actorLabel: coordinator.email,
      at: NOW,
      callVersion: 1,
      payload: { seq: 1, contentHash: first.json().contentHash },
      prevHash: transitions[0]!.hash,
    });
    expect(transitions[2]!.prevHash).toBe(transitions[1]!.hash);
    expect(inst).toMatchObject({
      state: 'submitted',
      seq: 3,
      headHash: transitions[2]!.hash,
      lockVersion: 3,
    });
    expect((inst.snapshot as { context: { submittedVersion: number } }).context.submittedVersion).toBe(2);
    expect((await verifyWorkflowChains(db())).firstBreak).toBeNull();

    const audit = await db()
      .select()
      .from(schema.auditEvents)
      .where(and(eq(schema.auditEvents.action, 'proposal.submitted'), eq(schema.auditEvents.targetId, id)))
      .orderBy(asc(schema.auditEvents.id));
    expect(audit.map((a) => a.details)).toEqual([
      { seq: 1, stage: 'pre-proposal', callVersion: 1, contentHash: first.json().contentHash },
      {
        seq: 2,
        stage: 'pre-proposal',
        callVersion: 1,
        contentHash: second.json().contentHash,
        idempotencyKey: 'second',
      },
    ]);
    expect(audit[1]!.occurredAt).toEqual(new Date(NOW.getTime() + 1500));
    const [version] = await db()
      .select()
      .from(schema.proposalVersions)
      .where(and(eq(schema.proposalVersions.proposalId, id), eq(schema.proposalVersions.seq, 2)));
    expect(version).toMatchObject({
      submittedAt: new Date(NOW.getTime() + 1500),
      submittedBy: coordinator.id,
      idempotencyKey: 'second',
      contentHash: second.json().contentHash,
    });
    const outbox = await db().select().from(schema.outbox);
    expect(outbox.find((o) => o.dedupeKey === `receipt-pdf:${id}:2`)?.payload).toEqual({
      proposalId: id,
      seq: 2,
    });
    expect(outbox.find((o) => o.dedupeKey === `submitted-mail:${id}:2`)?.availableAt).toEqual(
      new Date(NOW.getTime() + 1500),
    );
  });

  it('re-reads when the lifecycle moved while it waited for the lock, and then refuses the withdrawn proposal', async () => {
    const id = await readyProposal();
    let pending: ReturnType<typeof submit> | undefined;
    await db().transaction(async (tx) => {
      await tx.select().from(schema.proposals).where(eq(schema.proposals.id, id)).for('update');
      await advanceWorkflow(tx, {
        kind: 'proposal',
        subjectId: id,
        event: { type: 'WITHDRAW' },
        actor: actorOf({ ...coordinator, displayName: 'c', sessionId: 's', grants: [] } as never),
        at: NOW,
      });
      // The submit starts while this transaction holds the proposal's lock (on PostgreSQL its read
      // waits for it and sees the lifecycle as it was before; PGlite runs it afterwards).
      pending = submit(id);
      await new Promise((r) => setTimeout(r, 200));
    });
    const res = await pending!;
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json()).toMatchObject({ code: 'INVALID_TRANSITION', currentState: 'withdrawn' });
    expect(await versionCount(id)).toBe(0);
    const { inst, transitions } = await lifecycleOf(id);
    expect(inst.state).toBe('withdrawn');
    expect(transitions.map((t) => t.event)).toEqual(['@created', 'WITHDRAW']);
  });
});

describe('who may submit, read on every request', () => {
  it('stops at once when the applicant grant is removed, and works again when it is given back', async () => {
    // An applicant grant elsewhere lets the route's role check pass; the proposal's own is what counts.
    const user = await world.ctx.user(
      [{ role: 'applicant', scopeType: 'proposal', scopeId: 'elsewhere', subRole: 'viewer' }],
      'revoked-coordinator',
    );
    const id = await readyProposal('fast-call', user);
    await db()
      .delete(schema.roleGrants)
      .where(and(eq(schema.roleGrants.userId, user.id), eq(schema.roleGrants.scopeId, id)));
    const refused = await submit(id, user);
    expect(refused.statusCode).toBe(404);
    expect(refused.json().code).toBe('NOT_FOUND');
    expect(await versionCount(id)).toBe(0);
    await db().insert(schema.roleGrants).values({
      userId: user.id,
      role: 'applicant',
      scopeType: 'proposal',
      scopeId: id,
      subRole: 'coordinator',
    });
    expect((await submit(id, user)).statusCode).toBe(201);
  });

  it('answers a member whose role changed with 403 and the call office with 403, storing nothing', async () => {
    const id = await readyProposal();
    // The grant still says coordinator, the membership now says viewer: the membership decides.
    await db()
      .update(schema.proposalMembers)
      .set({ role: 'viewer' })
      .where(eq(schema.proposalMembers.proposalId, id));
    const demoted = await submit(id);
    expect(demoted.statusCode).toBe(403);
    expect(demoted.json()).toMatchObject({ code: 'FORBIDDEN', yourRole: 'viewer' });
    const office = await submit(id, world.office);
    expect(office.statusCode).toBe(403);
    expect(office.json().code).toBe('FORBIDDEN');
    expect(await versionCount(id)).toBe(0);
  });

  it('answers 404 for a proposal that does not exist, to its would-be coordinator too', async () => {
    const ghost = '00000000-0000-4000-8000-000000000000';
    const user = await world.ctx.user(
      [{ role: 'applicant', scopeType: 'proposal', scopeId: ghost, subRole: 'coordinator' }],
      'ghost',
    );
    const res = await submit(ghost, user);
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('NOT_FOUND');
  });
});

describe('a blocking one-proposal-per-PI rule', () => {
  it('reads the other proposals of the call inside the transaction and blocks the second', async () => {
    const first = await readyProposal('pi-call');
    const second = await readyProposal('pi-call');
    expect((await submit(first)).statusCode).toBe(201);
    const blocked = await submit(second);
    expect(blocked.statusCode).toBe(422);
    expect(blocked.json().code).toBe('SUBMISSION_BLOCKED');
    expect(blocked.json().errors.some((e: { code: string }) => e.code === 'ELIGIBILITY')).toBe(true);
    expect(await versionCount(second)).toBe(0);
    // The first may still submit again: its own earlier version is not "another proposal".
    expect((await submit(first)).statusCode).toBe(201);
  });
});
