import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { schema } from '@permed/db';
import type { TestUser } from '@permed/testing';
import {
  acceptedReviewer,
  createProposal,
  createWorld,
  lastMailTo,
  publishedCall,
  simpleDocument,
  type TestCall,
  type TestReviewer,
  type World,
} from './testing/fixtures.ts';

let world: World;
let call: TestCall;
let otherOffice: TestUser;
const proposals: string[] = [];
const reviewers: TestReviewer[] = [];
let conflicted: TestReviewer;

const base = (c: TestCall) => `/api/evaluation/calls/${c.id}`;
type Pair = { proposalId: string; reviewerId: string };

beforeAll(async () => {
  world = await createWorld();
  call = await publishedCall(world.ctx, 'eval-assign');
  const other = await publishedCall(world.ctx, 'eval-assign-other');
  otherOffice = await world.ctx.user(
    [{ role: 'call-office', scopeType: 'call', scopeId: other.id }],
    'office-b',
  );
  const topics = [['genomics'], ['imaging'], ['oncology'], ['cardiology']];
  for (const [i, keywords] of topics.entries()) {
    proposals.push(
      await createProposal(world.ctx, call.id, simpleDocument(`PROP${i + 1}`, keywords), 'under-review'),
    );
  }
  // Not evaluated at the full stage: never assigned.
  await createProposal(world.ctx, call.id, simpleDocument('PREONLY'), 'eligible');
  const experts: [string, string, string[]][] = [
    ['Anna', 'AT', ['genomics', 'imaging']],
    ['Bert', 'BE', ['imaging', 'oncology']],
    ['Cleo', 'CZ', ['oncology', 'cardiology']],
    ['Dana', 'DK', ['cardiology', 'genomics']],
    ['Emil', 'EE', ['genomics', 'oncology']],
  ];
  for (const [name, country, expertise] of experts) {
    reviewers.push(await acceptedReviewer(world, call, { name: `${name} Reviewer`, country, expertise }));
  }
  // Works where PROP1's German partner works: may never review PROP1.
  conflicted = await acceptedReviewer(world, call, {
    name: 'Conny Conflicted',
    country: 'FI',
    organisation: { name: 'Universität PROP1' },
    expertise: ['genomics'],
  });
  // Listed but never accepted: not in the pool the optimiser uses.
  await world.app.inject({
    method: 'POST',
    url: `${base(call)}/reviewers`,
    headers: world.office.auth,
    payload: {
      name: 'Not Yet',
      email: 'not.yet@example.org',
      organisation: { name: 'X' },
      country: 'FR',
      expertise: ['genomics'],
    },
  });
});
afterAll(async () => {
  await world.app.close();
  await world.ctx.close();
});

async function run(payload: Record<string, unknown>, who: TestUser = world.office) {
  return world.app.inject({
    method: 'POST',
    url: `${base(call)}/assignment-runs`,
    headers: who.auth,
    payload,
  });
}

async function active(): Promise<Pair[]> {
  const rows = await world.ctx.deps.db
    .select()
    .from(schema.assignments)
    .where(and(eq(schema.assignments.callId, call.id), eq(schema.assignments.status, 'active')));
  return rows.map((r) => ({ proposalId: r.proposalId, reviewerId: r.reviewerId }));
}

async function lastMailToReviewer(reviewerId: string): Promise<string> {
  const [row] = await world.ctx.deps.db
    .select()
    .from(schema.reviewers)
    .where(eq(schema.reviewers.id, reviewerId));
  return (await lastMailTo(world.ctx, row!.email)).text;
}

async function override(payload: Record<string, unknown>) {
  return world.app.inject({
    method: 'POST',
    url: `${base(call)}/assignment-overrides`,
    headers: world.office.auth,
    payload: { stage: 'full-proposal', reason: 'panel chair request', ...payload },
  });
}

describe('the optimiser through the API', () => {
  it('assigns k reviewers per proposal within the loads, never a conflicted pair, and records the run', async () => {
    const res = await run({ stage: 'full-proposal', reviewersPerProposal: 3, maxLoad: 4 });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      status: 'optimal',
      applied: true,
      changes: { added: 12, removed: 0, kept: 0 },
    });
    expect(body.inputHash).toMatch(/^[0-9a-f]{64}$/);
    expect(body.parameters).toMatchObject({ reviewersPerProposal: 3, maxLoad: 4 });
    expect(body.solver.name).toBe('min-cost-flow/successive-shortest-paths');
    expect(body.objective.pairs).toBe(12);
    const pairs = await active();
    expect(pairs).toHaveLength(12);
    for (const p of proposals) expect(pairs.filter((x) => x.proposalId === p)).toHaveLength(3);
    const loads = new Map<string, number>();
    for (const x of pairs) loads.set(x.reviewerId, (loads.get(x.reviewerId) ?? 0) + 1);
    expect(Math.max(...loads.values())).toBeLessThanOrEqual(4);
    expect(pairs).not.toContainEqual({ proposalId: proposals[0], reviewerId: conflicted.id });

    const stored = await world.app.inject({
      url: `${base(call)}/assignment-runs/${body.runId}`,
      headers: world.office.auth,
    });
    expect(stored.json()).toMatchObject({
      status: 'optimal',
      inputHash: body.inputHash,
      objective: body.objective,
      proposalCount: 4,
      reviewerCount: 6,
      applied: true,
    });
    const again = await run({ stage: 'full-proposal', reviewersPerProposal: 3, maxLoad: 4, apply: false });
    expect(again.json().inputHash).toBe(body.inputHash);
    expect(again.json().objective).toEqual(body.objective);
  });

  it('answers an infeasible run with 422, the short proposals and the binding constraint, and changes nothing', async () => {
    const before = await active();
    const res = await run({ stage: 'full-proposal', reviewersPerProposal: 3, maxLoad: 1 });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const body = res.json();
    expect(body.code).toBe('ASSIGNMENT_INFEASIBLE');
    expect(body.neededPairs).toBe(12);
    expect(body.possiblePairs).toBeLessThan(12);
    expect(body.shortProposals.length).toBeGreaterThan(0);
    expect(body.binding.map((b: { constraint: string }) => b.constraint)).toContain('total-capacity');
    const stored = await world.app.inject({
      url: `${base(call)}/assignment-runs/${body.runId}`,
      headers: world.office.auth,
    });
    expect(stored.json()).toMatchObject({ status: 'infeasible', applied: false, objective: null });
    expect(stored.json().diagnosis.shortProposals).toEqual(body.shortProposals);
    expect(await active()).toEqual(expect.arrayContaining(before));
    expect(await active()).toHaveLength(before.length);
  });

  it('refuses bad settings with 400 and another call’s office with 403', async () => {
    const bad = await run({ stage: 'full-proposal', minLoad: 5, maxLoad: 2 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('VALIDATION_FAILED');
    const stage = await run({ stage: 'final' });
    expect(stage.statusCode).toBe(400);
    expect(stage.json().errors[0].path).toBe('/stage');
    const foreign = await run({ stage: 'full-proposal' }, otherOffice);
    expect(foreign.statusCode).toBe(403);
    const list = await world.app.inject({
      url: `${base(call)}/assignments?stage=full-proposal`,
      headers: otherOffice.auth,
    });
    expect(list.statusCode).toBe(403);
  });
});

describe('overrides', () => {
  it('refuses a fourth reviewer, a conflicted pair and an unknown reviewer', async () => {
    const pairs = await active();
    const onP1 = pairs.filter((p) => p.proposalId === proposals[0]).map((p) => p.reviewerId);
    const spare = reviewers.find((x) => !onP1.includes(x.id))!;
    const fourth = await override({ add: [{ proposalId: proposals[0], reviewerId: spare.id }] });
    expect(fourth.statusCode).toBe(409);
    expect(fourth.json().code).toBe('ASSIGNMENT_CONSTRAINT_VIOLATED');
    expect(fourth.json().violations.map((v: { code: string }) => v.code)).toContain('reviewer-count');

    const swapConflicted = await override({
      remove: [{ proposalId: proposals[0], reviewerId: onP1[0] }],
      add: [{ proposalId: proposals[0], reviewerId: conflicted.id }],
    });
    expect(swapConflicted.statusCode).toBe(409);
    expect(swapConflicted.json().violations).toEqual([expect.objectContaining({ code: 'conflict' })]);

    const unknown = await override({
      add: [{ proposalId: proposals[0], reviewerId: '00000000-0000-4000-8000-000000000000' }],
    });
    expect(unknown.statusCode).toBe(409);
    expect(unknown.json().violations.map((v: { code: string }) => v.code)).toContain('unknown-reviewer');

    const notAssigned = await override({ remove: [{ proposalId: proposals[0], reviewerId: spare.id }] });
    expect(notAssigned.statusCode).toBe(404);
    expect(notAssigned.json().errors[0].path).toBe('/remove/0');
  });

  it('applies a valid swap, allows a removal with a warning, and audits each change with its actor', async () => {
    const pairs = await active();
    const onP2 = pairs.filter((p) => p.proposalId === proposals[1]).map((p) => p.reviewerId);
    const out = onP2[0]!;
    const incoming = reviewers.find((x) => !onP2.includes(x.id))!;
    const swap = await override({
      remove: [{ proposalId: proposals[1], reviewerId: out }],
      add: [{ proposalId: proposals[1], reviewerId: incoming.id }],
    });
    expect(swap.statusCode).toBe(200);
    expect(swap.json().warnings).toEqual([]);
    expect(await active()).toContainEqual({ proposalId: proposals[1], reviewerId: incoming.id });
    expect(await active()).not.toContainEqual({ proposalId: proposals[1], reviewerId: out });
    const now = await active();
    const victim = now.find((p) => p.proposalId === proposals[2])!;
    const removal = await override({ remove: [victim] });
    expect(removal.statusCode).toBe(200);
    expect(removal.json().removed).toEqual([
      expect.objectContaining({ status: 'removed', reason: 'panel chair request' }),
    ]);
    expect(removal.json().warnings).toEqual([
      expect.objectContaining({ code: 'reviewer-count', proposalIds: [proposals[2]] }),
    ]);
    const audits = await world.ctx.deps.db
      .select()
      .from(schema.auditEvents)
      .where(eq(schema.auditEvents.action, 'evaluation.assignment_removed'));
    expect(audits.length).toBeGreaterThanOrEqual(1);
    expect(audits.every((a) => a.actorUserId === world.office.id)).toBe(true);
    // Put it back so the next tests start from a complete assignment.
    const back = await override({ add: [victim] });
    expect(back.statusCode).toBe(200);
    expect(back.json().added[0]).toMatchObject({ status: 'active', source: 'override' });
  });
});

describe('decline and reassign', () => {
  it('replaces a reviewer who declines with the best valid one, without telling them who', async () => {
    const mine = await world.app.inject({
      url: `${base(call)}/my-assignments`,
      headers: reviewers[0]!.user.auth,
    });
    expect(mine.statusCode).toBe(200);
    const assignment = mine.json()[0];
    expect(assignment).toMatchObject({ declaration: 'undeclared', review: 'not-started' });
    const res = await world.app.inject({
      method: 'POST',
      url: `${base(call)}/assignments/${assignment.assignmentId}/decline`,
      headers: reviewers[0]!.user.auth,
      payload: { reason: 'too busy' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'declined', replacement: null, applied: true });
    const pairs = await active();
    const onProposal = pairs.filter((p) => p.proposalId === assignment.proposalId).map((p) => p.reviewerId);
    expect(new Set(onProposal).size).toBe(3);
    expect(onProposal).not.toContain(reviewers[0]!.id);
    if (assignment.proposalId === proposals[0]) expect(onProposal).not.toContain(conflicted.id);
    const [replacement] = await world.ctx.deps.db
      .select()
      .from(schema.assignments)
      .where(
        and(
          eq(schema.assignments.proposalId, assignment.proposalId),
          eq(schema.assignments.source, 'replacement'),
        ),
      );
    expect(replacement).toMatchObject({
      status: 'active',
      reason: expect.stringContaining(assignment.assignmentId),
    });
    expect(await lastMailToReviewer(replacement!.reviewerId)).toContain('has been assigned to you');
    const readd = await override({
      add: [{ proposalId: assignment.proposalId, reviewerId: reviewers[0]!.id }],
      remove: pairs.filter((p) => p.proposalId === assignment.proposalId).slice(0, 1),
    });
    expect(readd.statusCode).toBe(409);
    expect(readd.json().violations.map((v: { code: string }) => v.code)).toContain('declined');
  });

  it('lets the call office decline for a reviewer and only propose the replacement', async () => {
    const pairs = await world.ctx.deps.db
      .select()
      .from(schema.assignments)
      .where(and(eq(schema.assignments.callId, call.id), eq(schema.assignments.status, 'active')));
    const target = pairs.find((p) => p.reviewerId !== conflicted.id)!;
    const res = await world.app.inject({
      method: 'POST',
      url: `${base(call)}/assignments/${target.id}/decline`,
      headers: world.office.auth,
      payload: { reason: 'illness', replacement: 'propose' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().applied).toBe(false);
    expect(res.json().replacement).toMatchObject({ assignmentId: null, affinity: expect.any(Number) });
    expect(res.json().replacement.reviewerId).not.toBe(target.reviewerId);
    const stillThree = await active();
    expect(stillThree.filter((p) => p.proposalId === target.proposalId)).toHaveLength(2);
    const again = await world.app.inject({
      method: 'POST',
      url: `${base(call)}/assignments/${target.id}/decline`,
      headers: world.office.auth,
      payload: { reason: 'twice' },
    });
    expect(again.statusCode).toBe(409);
  });

  it('does not let a reviewer decline someone else’s assignment', async () => {
    const pairs = await world.ctx.deps.db
      .select()
      .from(schema.assignments)
      .where(and(eq(schema.assignments.callId, call.id), eq(schema.assignments.status, 'active')));
    const theirs = pairs.find((p) => p.reviewerId !== reviewers[1]!.id)!;
    const res = await world.app.inject({
      method: 'POST',
      url: `${base(call)}/assignments/${theirs.id}/decline`,
      headers: reviewers[1]!.user.auth,
      payload: { reason: 'not mine' },
    });
    expect(res.statusCode).toBe(404);
  });
});

describe('a conflicted proposal stays out of the optimiser input', () => {
  it('keeps the pre-proposal out of full-stage runs and the conflicted pair out after a re-run', async () => {
    const res = await run({ stage: 'full-proposal', reviewersPerProposal: 2, maxLoad: 4 });
    expect(res.statusCode).toBe(201);
    const ids = new Set(res.json().assignments.map((a: Pair) => a.proposalId));
    expect([...ids].sort()).toEqual([...proposals].sort());
    expect(res.json().assignments).not.toContainEqual(
      expect.objectContaining({ proposalId: proposals[0], reviewerId: conflicted.id }),
    );
  });
});
