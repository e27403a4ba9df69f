import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { canonicalHash, rankingListHash, schema, systemActor } from '@permed/db';
import { advanceWorkflow } from '@permed/service-kit';
import type { TestUser } from '@permed/testing';
import {
  acceptedReviewer,
  assign,
  createProposal,
  createWorld,
  declareNoConflict,
  lastMailTo,
  moveCallTo,
  proposalState,
  publishedCall,
  signIn,
  simpleDocument,
  type TestCall,
  type TestReviewer,
  type World,
} from './testing/fixtures.ts';

let world: World;
let call: TestCall;
let wholePoints: TestCall;
let p1: string;
let p2: string;
let p3: string;
let r1: TestReviewer;
let r2: TestReviewer;
let r3: TestReviewer;
let outsider: TestReviewer;
let whole: TestReviewer;
let coordinator: TestUser;
let viewer: TestUser;
let otherCoordinator: TestUser;

// JTC2020: full-proposal review closes 17 Aug 2020 09:00 Brussels (CEST), when the rebuttal opens.
const DEADLINE = Date.parse('2020-08-17T07:00:00Z');
const base = (c: TestCall) => `/api/evaluation/calls/${c.id}`;
const scores = (excellence: number, impact: number, implementation: number) => [
  { criterionId: 'excellence', score: excellence, comment: `Excellence ${excellence}` },
  { criterionId: 'impact', score: impact, comment: `Impact ${impact}` },
  { criterionId: 'implementation', score: implementation, comment: `Implementation ${implementation}` },
];

async function save(
  reviewer: TestReviewer,
  proposalId: string,
  payload: Record<string, unknown>,
  c: TestCall = call,
) {
  return world.app.inject({
    method: 'PUT',
    url: `${base(c)}/proposals/${proposalId}/review`,
    headers: reviewer.user.auth,
    payload,
  });
}
async function submit(reviewer: TestReviewer, proposalId: string, payload: Record<string, unknown> = {}) {
  return world.app.inject({
    method: 'POST',
    url: `${base(call)}/proposals/${proposalId}/review/submit`,
    headers: reviewer.user.auth,
    payload,
  });
}

beforeAll(async () => {
  world = await createWorld('2020-07-01T10:00:00Z');
  call = await publishedCall(world.ctx, 'eval-reviews');
  wholePoints = await publishedCall(world.ctx, 'eval-whole-points', (d) => ({
    ...d,
    evaluation: { ...d.evaluation, halfPoints: false },
  }));
  p1 = await createProposal(world.ctx, call.id, simpleDocument('ALPHA'), 'under-review');
  p2 = await createProposal(world.ctx, call.id, simpleDocument('BETA'), 'under-review');
  p3 = await createProposal(world.ctx, wholePoints.id, simpleDocument('GAMMA'), 'under-review');
  r1 = await acceptedReviewer(world, call, {
    name: 'Reviewer Rosalind',
    email: 'rosalind@example.org',
    country: 'AT',
  });
  r2 = await acceptedReviewer(world, call, {
    name: 'Reviewer Bruno',
    email: 'bruno@example.org',
    country: 'BE',
  });
  r3 = await acceptedReviewer(world, call, { name: 'Reviewer Ivo', email: 'ivo@example.org', country: 'HR' });
  outsider = await acceptedReviewer(world, call, { name: 'Reviewer Olaf', country: 'NO' });
  whole = await acceptedReviewer(world, wholePoints, { name: 'Reviewer Wanda', country: 'PL' });
  for (const proposalId of [p1, p2]) {
    const res = await assign(
      world,
      call,
      'full-proposal',
      [r1, r2, r3].map((r) => ({ proposalId, reviewerId: r.id })),
    );
    expect(res.statusCode).toBe(200);
    for (const r of [r1, r2, r3])
      expect((await declareNoConflict(world, call, r, proposalId)).statusCode).toBe(200);
  }
  expect(
    (await assign(world, wholePoints, 'full-proposal', [{ proposalId: p3, reviewerId: whole.id }]))
      .statusCode,
  ).toBe(200);
  await declareNoConflict(world, wholePoints, whole, p3);
  coordinator = await world.ctx.user(
    [{ role: 'applicant', scopeType: 'proposal', scopeId: p1, subRole: 'coordinator' }],
    'coordinator',
  );
  viewer = await world.ctx.user(
    [{ role: 'applicant', scopeType: 'proposal', scopeId: p1, subRole: 'viewer' }],
    'viewer',
  );
  otherCoordinator = await world.ctx.user(
    [{ role: 'applicant', scopeType: 'proposal', scopeId: p2, subRole: 'coordinator' }],
    'coordinator-b',
  );
});
afterAll(async () => {
  await world.app.close();
  await world.ctx.close();
});

describe('reviews', () => {
  it('refuses scores off the scale, off the steps, of unknown criteria, and half points where the call forbids them', async () => {
    const off = await save(r1, p1, { scores: [{ criterionId: 'excellence', score: 6 }] });
    expect(off.statusCode).toBe(400);
    expect(off.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ in: 'body', path: '/scores/0/score', code: 'off-scale' }],
    });
    const quarter = await save(r1, p1, {
      scores: [
        { criterionId: 'excellence', score: 3 },
        { criterionId: 'impact', score: 3.25 },
      ],
    });
    expect(quarter.json().errors).toEqual([
      expect.objectContaining({ path: '/scores/1/score', code: 'not-a-step' }),
    ]);
    const unknown = await save(r1, p1, { scores: [{ criterionId: 'novelty', score: 3 }] });
    expect(unknown.json().errors).toEqual([
      expect.objectContaining({ path: '/scores/0/criterionId', code: 'unknown-criterion' }),
    ]);
    const negative = await save(r1, p1, { scores: [{ criterionId: 'impact', score: -1 }] });
    expect(negative.statusCode).toBe(400);
    const half = await save(whole, p3, { scores: [{ criterionId: 'excellence', score: 2.5 }] }, wholePoints);
    expect(half.statusCode).toBe(400);
    expect(half.json().errors).toEqual([
      expect.objectContaining({ path: '/scores/0/score', code: 'half-point-not-allowed' }),
    ]);
    const wholeOk = await save(whole, p3, { scores: [{ criterionId: 'excellence', score: 3 }] }, wholePoints);
    expect(wholeOk.statusCode).toBe(200);
  });

  it('keeps a draft, refuses an incomplete submission, and makes a submitted review final', async () => {
    const draft = await save(r1, p1, {
      scores: [{ criterionId: 'excellence', score: 4.5, comment: 'strong' }],
    });
    expect(draft.statusCode).toBe(200);
    expect(draft.json()).toMatchObject({
      status: 'draft',
      revision: 1,
      halfPoints: true,
      scale: { min: 0, max: 5 },
    });
    expect(draft.json().criteria.map((c: { id: string }) => c.id)).toEqual([
      'excellence',
      'impact',
      'implementation',
    ]);
    const incomplete = await submit(r1, p1);
    expect(incomplete.statusCode).toBe(400);
    expect(incomplete.json().errors.map((e: { code: string }) => e.code)).toEqual([
      'missing-criterion',
      'missing-criterion',
    ]);
    const done = await submit(r1, p1, { scores: scores(4.5, 4, 4) });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ status: 'submitted', submittedAt: expect.any(String) });
    const again = await save(r1, p1, { scores: scores(1, 1, 1) });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('REVIEW_ALREADY_SUBMITTED');
    const audits = await world.ctx.deps.db
      .select()
      .from(schema.auditEvents)
      .where(
        and(
          eq(schema.auditEvents.action, 'evaluation.review_submitted'),
          eq(schema.auditEvents.actorUserId, r1.user.id),
        ),
      );
    expect(audits).toHaveLength(1);
  });

  it('refuses a review by a reviewer who is not assigned', async () => {
    const res = await save(outsider, p1, { scores: scores(1, 1, 1) });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('NOT_ASSIGNED');
  });

  it('shows a reviewer only its own review until it has submitted, then the others anonymised', async () => {
    const early = await world.app.inject({
      url: `${base(call)}/proposals/${p1}/reviews`,
      headers: r3.user.auth,
    });
    expect(early.statusCode).toBe(403);
    const own = await world.app.inject({
      url: `${base(call)}/proposals/${p1}/review`,
      headers: r3.user.auth,
    });
    expect(own.json()).toMatchObject({ status: 'not-started', scores: [] });
    expect((await submit(r3, p1, { scores: scores(4, 4, 3.5) })).statusCode).toBe(200);
    const after = await world.app.inject({
      url: `${base(call)}/proposals/${p1}/reviews`,
      headers: r3.user.auth,
    });
    expect(after.statusCode).toBe(200);
    const reviews = after.json().reviews;
    expect(reviews).toHaveLength(2);
    expect(reviews.filter((r: { own: boolean }) => r.own)).toHaveLength(1);
    expect(after.body).not.toContain(r1.id);
    expect(after.body).not.toContain('rosalind');
    expect((await submit(r1, p2, { scores: scores(3, 3, 3) })).statusCode).toBe(200);
  });

  it('decides the deadline by the server clock: T−1 ms is on time, T is late', async () => {
    world.ctx.clock.set(DEADLINE - 1);
    await signIn(world.ctx, r2.user);
    await signIn(world.ctx, r3.user);
    expect((await submit(r2, p1, { scores: scores(5, 4.5, 4) })).statusCode).toBe(200);
    expect((await submit(r2, p2, { scores: scores(2, 2, 2) })).statusCode).toBe(200);
    world.ctx.clock.set(DEADLINE);
    const late = await submit(r3, p2, { scores: scores(3, 3, 3) });
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ code: 'DEADLINE_PASSED', deadline: '2020-08-17T07:00:00Z' });
    const lateDraft = await save(r3, p2, { scores: scores(3, 3, 3) });
    expect(lateDraft.json().code).toBe('DEADLINE_PASSED');
  });
});

describe('progress and reminders', () => {
  it('shows the office what is submitted, pending and late, per proposal and per reviewer', async () => {
    await signIn(world.ctx, world.office);
    const res = await world.app.inject({
      url: `${base(call)}/progress?stage=full-proposal`,
      headers: world.office.auth,
    });
    expect(res.statusCode).toBe(200);
    const progress = res.json();
    const beta = progress.proposals.find((p: { proposalId: string }) => p.proposalId === p2);
    expect(beta).toMatchObject({ assigned: 3, submitted: 2, short: false });
    expect(beta.reviewers.find((r: { reviewerId: string }) => r.reviewerId === r3.id).status).toBe('late');
    const ivo = progress.reviewers.find((r: { reviewerId: string }) => r.reviewerId === r3.id);
    expect(ivo).toMatchObject({ assigned: 2, submitted: 1, late: 1, confidentialityAccepted: true });
    const alpha = progress.proposals.find((p: { proposalId: string }) => p.proposalId === p1);
    expect(alpha.submitted).toBe(3);
  });

  it('sends one reminder per reviewer with pending reviews, at most once a day', async () => {
    const first = await world.app.inject({
      method: 'POST',
      url: `${base(call)}/reminders`,
      headers: world.office.auth,
      payload: { stage: 'full-proposal' },
    });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ queued: [r3.id], alreadySentToday: [] });
    const mail = await lastMailTo(world.ctx, 'ivo@example.org');
    expect(mail.subject).toContain('Reminder: 1 review(s) pending');
    expect(mail.text).toContain('BETA');
    const second = await world.app.inject({
      method: 'POST',
      url: `${base(call)}/reminders`,
      headers: world.office.auth,
      payload: { stage: 'full-proposal' },
    });
    expect(second.json()).toEqual({ queued: [], alreadySentToday: [r3.id] });
    const rows = await world.ctx.deps.db
      .select()
      .from(schema.outbox)
      .where(sql`${schema.outbox.dedupeKey} like ${'evaluation-reminder:%'}`);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.dedupeKey).toBe(`evaluation-reminder:${call.id}:full-proposal:${r3.id}:2020-08-17`);
  });
});

describe('anonymised release for the rebuttal', () => {
  it('releases nothing before the rebuttal stage opens', async () => {
    world.ctx.clock.set(DEADLINE - 1);
    await signIn(world.ctx, coordinator);
    const res = await world.app.inject({
      url: `/api/evaluation/proposals/${p1}/released-reviews`,
      headers: coordinator.auth,
    });
    world.ctx.clock.set(DEADLINE);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'STAGE_NOT_OPEN', opensAt: '2020-08-17T07:00:00Z' });
  });

  it('gives the coordinator the reviews as "Reviewer 1, 2, 3" with no reviewer identity anywhere', async () => {
    await signIn(world.ctx, coordinator);
    const res = await world.app.inject({
      url: `/api/evaluation/proposals/${p1}/released-reviews`,
      headers: coordinator.auth,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.reviews.map((r: { label: string }) => r.label)).toEqual([
      'Reviewer 1',
      'Reviewer 2',
      'Reviewer 3',
    ]);
    expect(body.reviews[0].scores).toHaveLength(3);
    expect(body.rebuttal).toMatchObject({ maxCharacters: 6000, zone: 'Europe/Brussels' });
    const allScores = body.reviews.flatMap((r: { scores: { criterionId: string; score: number }[] }) =>
      r.scores.filter((s) => s.criterionId === 'excellence').map((s) => s.score),
    );
    expect(allScores.sort()).toEqual([4, 4.5, 5]);
    const reviewRows = await world.ctx.deps.db
      .select()
      .from(schema.reviews)
      .where(eq(schema.reviews.proposalId, p1));
    const assignmentRows = await world.ctx.deps.db
      .select()
      .from(schema.assignments)
      .where(eq(schema.assignments.proposalId, p1));
    for (const r of [r1, r2, r3]) {
      for (const secret of [r.id, r.user.id, r.email, r.user.email, r.email.split('@')[0]!]) {
        expect(res.body.toLowerCase()).not.toContain(secret.toLowerCase());
      }
    }
    for (const name of ['Rosalind', 'Bruno', 'Ivo']) expect(res.body).not.toContain(name);
    for (const row of [...reviewRows, ...assignmentRows]) expect(res.body).not.toContain(row.id);
    // Stable: the same labels for the same reviews on every call.
    const again = await world.app.inject({
      url: `/api/evaluation/proposals/${p1}/released-reviews`,
      headers: coordinator.auth,
    });
    expect(again.body).toBe(res.body);
  });

  it('refuses other members of the consortium, other consortia and other roles', async () => {
    await signIn(world.ctx, viewer);
    await signIn(world.ctx, otherCoordinator);
    await signIn(world.ctx, r1.user);
    for (const [who, status] of [
      [viewer, 403],
      [otherCoordinator, 403],
      [r1.user, 403],
    ] as const) {
      const res = await world.app.inject({
        url: `/api/evaluation/proposals/${p1}/released-reviews`,
        headers: who.auth,
      });
      expect(res.statusCode).toBe(status);
    }
    const unknown = await world.app.inject({
      url: '/api/evaluation/proposals/not-a-uuid/released-reviews',
      headers: coordinator.auth,
    });
    expect(unknown.statusCode).toBe(400);
  });

  it('shows the consortium’s rebuttal to its reviewers', async () => {
    // The proposals service owns `rebuttals`; read and written here by SQL only when it exists.
    const result: unknown = await world.ctx.deps.db.execute(
      sql`select to_regclass('public.rebuttals') is not null as present`,
    );
    const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as {
      present: boolean;
    }[];
    const present = rows[0]?.present === true;
    if (present) {
      await world.ctx.deps.db.execute(
        sql`insert into rebuttals (proposal_id, text, characters, call_version, submitted_at, submitted_by)
            values (${p1}, ${'We answer the reviewers.'}, 24, 1, ${new Date(DEADLINE).toISOString()}, ${coordinator.id})`,
      );
    }
    const res = await world.app.inject({
      url: `${base(call)}/proposals/${p1}/rebuttal`,
      headers: r1.user.auth,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(
      present
        ? {
            available: true,
            text: 'We answer the reviewers.',
            characters: 24,
            submittedAt: expect.any(String),
          }
        : { available: false, text: null, characters: null, submittedAt: null },
    );
    await signIn(world.ctx, outsider.user);
    const outsiderRead = await world.app.inject({
      url: `${base(call)}/proposals/${p1}/rebuttal`,
      headers: outsider.user.auth,
    });
    expect(outsiderRead.statusCode).toBe(403);
  });
});

describe('the panel’s view', () => {
  it('shows the office every review with its reviewer, and the rebuttal next to them', async () => {
    await signIn(world.ctx, world.office);
    const res = await world.app.inject({
      url: `${base(call)}/proposals/${p1}/evaluation?stage=full-proposal`,
      headers: world.office.auth,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.reviews.map((r: { reviewerName: string }) => r.reviewerName)).toEqual([
      'Reviewer Bruno',
      'Reviewer Ivo',
      'Reviewer Rosalind',
    ]);
    expect(body.reviews.every((r: { status: string }) => r.status === 'submitted')).toBe(true);
    expect(body.rebuttal.available).toBe(body.rebuttal.text !== null);
    const reviewer = await world.app.inject({
      url: `${base(call)}/proposals/${p1}/evaluation?stage=full-proposal`,
      headers: r1.user.auth,
    });
    expect(reviewer.statusCode).toBe(403);
  });
});

describe('panel, ranking and freeze', () => {
  it('refuses to freeze while a proposal has pending reviews and no consensus score', async () => {
    const res = await world.app.inject({
      method: 'POST',
      url: `${base(call)}/ranking/freeze`,
      headers: world.office.auth,
      payload: { stage: 'full-proposal' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('RANKING_INCOMPLETE');
    expect(res.json().incomplete).toEqual([
      expect.objectContaining({ proposalId: p2, pendingReviews: 1, submittedReviews: 2 }),
    ]);
  });

  it('takes a consensus score with a justification instead of the mean', async () => {
    const bad = await world.app.inject({
      method: 'PUT',
      url: `${base(call)}/proposals/${p2}/consensus`,
      headers: world.office.auth,
      payload: { stage: 'full-proposal', scores: scores(3, 3, 7), justification: 'x' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('/scores/2/score');
    const noReason = await world.app.inject({
      method: 'PUT',
      url: `${base(call)}/proposals/${p2}/consensus`,
      headers: world.office.auth,
      payload: { stage: 'full-proposal', scores: scores(3, 3, 3), justification: '' },
    });
    expect(noReason.statusCode).toBe(400);
    const ok = await world.app.inject({
      method: 'PUT',
      url: `${base(call)}/proposals/${p2}/consensus`,
      headers: world.office.auth,
      payload: {
        stage: 'full-proposal',
        scores: scores(3, 3, 3),
        justification: 'Panel agreed; reviewer 3 was late',
      },
    });
    expect(ok.statusCode).toBe(200);
    const ranking = await world.app.inject({
      url: `${base(call)}/ranking?stage=full-proposal`,
      headers: world.office.auth,
    });
    expect(
      ranking
        .json()
        .entries.map((e: { proposalId: string; method: string; total: number; category: string }) => [
          e.proposalId,
          e.method,
          e.total,
          e.category,
        ]),
    ).toEqual([
      [p1, 'mean-of-reviews', 12.5, 'A'],
      [p2, 'consensus', 9, 'C'],
    ]);
    expect(ranking.json().incomplete).toEqual([]);
  });

  it('refuses to freeze outside the panel stage, changing nothing', async () => {
    await moveCallTo(world.ctx, call.id, 'rebuttal');
    const res = await world.app.inject({
      method: 'POST',
      url: `${base(call)}/ranking/freeze`,
      headers: world.office.auth,
      payload: { stage: 'full-proposal' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'INVALID_TRANSITION', currentState: 'rebuttal' });
    const lists = await world.ctx.deps.db
      .select()
      .from(schema.rankingLists)
      .where(eq(schema.rankingLists.callId, call.id));
    expect(lists).toEqual([]);
  });

  it('freezes once: hashed, naming the call version, audited, stepping the call and the proposals', async () => {
    await moveCallTo(world.ctx, call.id, 'panel');
    // The proposals service opens each proposal's rebuttal; RANK follows it in the machine.
    for (const id of [p1, p2]) {
      await world.ctx.deps.db.transaction((tx) =>
        advanceWorkflow(tx, {
          kind: 'proposal',
          subjectId: id,
          event: { type: 'OPEN_REBUTTAL' },
          actor: systemActor,
          at: world.ctx.clock.now(),
        }),
      );
    }
    const res = await world.app.inject({
      method: 'POST',
      url: `${base(call)}/ranking/freeze`,
      headers: world.office.auth,
      payload: { stage: 'full-proposal' },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      stage: 'full-proposal',
      callVersion: 1,
      hashVerified: true,
      callState: 'funding-recommendation',
      cutoffs: { a: 12, b: 10 },
      tieBreak: ['total', 'criterion:excellence', 'criterion:impact', 'proposal-id'],
      notRanked: [],
    });
    expect(body.ranked.sort()).toEqual([p1, p2].sort());

    const [row] = await world.ctx.deps.db
      .select()
      .from(schema.rankingLists)
      .where(eq(schema.rankingLists.callId, call.id));
    expect(row!.hash).toBe(body.hash);
    // The stored hash is reproducible from the row alone, as every reader (funding, an auditor) does it.
    expect(rankingListHash(row!)).toBe(row!.hash);
    expect(canonicalHash({ stage: row!.stage, tieBreak: row!.tieBreak, entries: row!.entries })).toBe(
      row!.hash,
    );
    expect(row!.entries).toEqual([
      expect.objectContaining({
        proposalId: p1,
        acronym: 'ALPHA',
        position: 1,
        category: 'A',
        total: 12.5,
        perCriterion: { excellence: 4.5, impact: 4.17, implementation: 3.83 },
        passedThreshold: true,
      }),
      expect.objectContaining({
        proposalId: p2,
        acronym: 'BETA',
        position: 2,
        category: 'C',
        total: 9,
        passedThreshold: false,
      }),
    ]);
    expect(await proposalState(world.ctx, p1)).toBe('ranked');
    const [callInstance] = await world.ctx.deps.db
      .select()
      .from(schema.workflowInstances)
      .where(and(eq(schema.workflowInstances.kind, 'call'), eq(schema.workflowInstances.subjectId, call.id)));
    expect(callInstance!.state).toBe('funding-recommendation');
    const [transition] = await world.ctx.deps.db
      .select()
      .from(schema.workflowTransitions)
      .where(
        and(
          eq(schema.workflowTransitions.instanceId, callInstance!.id),
          eq(schema.workflowTransitions.event, 'FREEZE_RANKING'),
        ),
      );
    expect(transition!.payload).toEqual({ rankingHash: row!.hash });
    const [audit] = await world.ctx.deps.db
      .select()
      .from(schema.auditEvents)
      .where(eq(schema.auditEvents.action, 'evaluation.ranking_frozen'));
    expect(audit).toMatchObject({ actorUserId: world.office.id, targetId: row!.id });
    expect(audit!.details).toMatchObject({ hash: row!.hash, callVersion: 1 });
  });

  it('refuses a second freeze and any later change of scores', async () => {
    const again = await world.app.inject({
      method: 'POST',
      url: `${base(call)}/ranking/freeze`,
      headers: world.office.auth,
      payload: { stage: 'full-proposal' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('RANKING_FROZEN');
    const consensus = await world.app.inject({
      method: 'PUT',
      url: `${base(call)}/proposals/${p2}/consensus`,
      headers: world.office.auth,
      payload: { stage: 'full-proposal', scores: scores(5, 5, 5), justification: 'too late' },
    });
    expect(consensus.statusCode).toBe(409);
    expect(consensus.json().code).toBe('RANKING_FROZEN');
    const frozen = await world.app.inject({
      url: `${base(call)}/ranking/frozen?stage=full-proposal`,
      headers: world.office.auth,
    });
    expect(frozen.json()).toMatchObject({
      hashVerified: true,
      entries: [expect.objectContaining({ proposalId: p1 }), expect.anything()],
    });
    const lists = await world.ctx.deps.db
      .select()
      .from(schema.rankingLists)
      .where(eq(schema.rankingLists.callId, call.id));
    expect(lists).toHaveLength(1);
  });

  it('keeps another call’s office away from the ranking', async () => {
    const foreign = await world.ctx.user(
      [{ role: 'call-office', scopeType: 'call', scopeId: wholePoints.id }],
      'office-w',
    );
    for (const req of [
      { url: `${base(call)}/ranking?stage=full-proposal` },
      { url: `${base(call)}/progress?stage=full-proposal` },
      { method: 'POST' as const, url: `${base(call)}/ranking/freeze`, payload: { stage: 'full-proposal' } },
    ]) {
      const res = await world.app.inject({ ...req, headers: foreign.auth });
      expect(res.statusCode, req.url).toBe(403);
    }
  });
});
