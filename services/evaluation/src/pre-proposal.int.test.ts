import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { schema } from '@permed/db';
import {
  acceptedReviewer,
  assign,
  createProposal,
  createWorld,
  declareNoConflict,
  moveCallTo,
  proposalState,
  publishedCall,
  simpleDocument,
  type TestCall,
  type TestReviewer,
  type World,
} from './testing/fixtures.ts';

let world: World;

// JTC2020's pre-proposal evaluation runs from 3 April to 15 May 2020.
beforeAll(async () => {
  world = await createWorld('2020-04-10T10:00:00Z');
});
afterAll(async () => {
  await world.app.close();
  await world.ctx.close();
});

const base = (c: TestCall) => `/api/evaluation/calls/${c.id}`;

/** A pre-proposal stage with one reviewer per proposal, scored (excellence, impact) and frozen. */
async function scoredCall(
  slug: string,
  entries: { acronym: string; scores: [number, number]; requestEur?: number }[],
) {
  const call = await publishedCall(world.ctx, slug);
  await moveCallTo(world.ctx, call.id, 'pre-proposal-evaluation');
  const reviewer: TestReviewer = await acceptedReviewer(world, call, {
    name: `Pre Reviewer ${slug}`,
    country: 'AT',
  });
  const ids: string[] = [];
  for (const e of entries) {
    const id = await createProposal(
      world.ctx,
      call.id,
      simpleDocument(e.acronym, undefined, e.requestEur),
      'eligible',
    );
    ids.push(id);
    expect(
      (await assign(world, call, 'pre-proposal', [{ proposalId: id, reviewerId: reviewer.id }])).statusCode,
    ).toBe(200);
    expect((await declareNoConflict(world, call, reviewer, id)).statusCode).toBe(200);
    const res = await world.app.inject({
      method: 'POST',
      url: `${base(call)}/proposals/${id}/review/submit?stage=pre-proposal`,
      headers: reviewer.user.auth,
      payload: {
        scores: [
          { criterionId: 'excellence', score: e.scores[0] },
          { criterionId: 'impact', score: e.scores[1] },
        ],
      },
    });
    expect(res.statusCode).toBe(200);
  }
  const frozen = await world.app.inject({
    method: 'POST',
    url: `${base(call)}/ranking/freeze`,
    headers: world.office.auth,
    payload: { stage: 'pre-proposal' },
  });
  expect(frozen.statusCode).toBe(201);
  return { call, ids, frozen: frozen.json() };
}

describe('the pre-proposal stage', () => {
  it('scores pre-proposals on their own criteria and freezes the list without touching the call lifecycle', async () => {
    const { call, ids, frozen } = await scoredCall('eval-pre-a', [
      { acronym: 'TOPA', scores: [5, 5] },
      { acronym: 'MIDB', scores: [4, 4] },
      { acronym: 'LOWC', scores: [2, 4] },
    ]);
    expect(frozen).toMatchObject({ stage: 'pre-proposal', callState: null, ranked: [], hashVerified: true });
    // Two criteria: the maximum is 10, the total threshold 7, so A from 8.
    expect(frozen.cutoffs).toEqual({ a: 8, b: 7 });
    expect(
      frozen.entries.map((e: { acronym: string; total: number; category: string }) => [
        e.acronym,
        e.total,
        e.category,
      ]),
    ).toEqual([
      ['TOPA', 10, 'A'],
      ['MIDB', 8, 'A'],
      ['LOWC', 6, 'C'],
    ]);
    const [inst] = await world.ctx.deps.db
      .select()
      .from(schema.workflowInstances)
      .where(eq(schema.workflowInstances.subjectId, call.id));
    expect(inst!.state).toBe('pre-proposal-evaluation');
    for (const id of ids) expect(await proposalState(world.ctx, id)).toBe('eligible');
  });

  it('invites the top N down the frozen list and moves every lifecycle (INVITE / NOT_INVITE)', async () => {
    const { call, ids } = await scoredCall('eval-pre-b', [
      { acronym: 'FIRST', scores: [5, 5] },
      { acronym: 'SECOND', scores: [4.5, 4] },
      { acronym: 'FAILS', scores: [2, 5] },
    ]);
    const res = await world.app.inject({
      method: 'POST',
      url: `${base(call)}/full-stage-invitations`,
      headers: world.office.auth,
      payload: { topN: 1 },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      invited: [ids[0]],
      notInvited: [
        { proposalId: ids[1], reason: 'outside-top-n' },
        { proposalId: ids[2], reason: 'below-stage-thresholds' },
      ],
    });
    expect(await proposalState(world.ctx, ids[0]!)).toBe('invited');
    expect(await proposalState(world.ctx, ids[1]!)).toBe('not-invited');
    expect(await proposalState(world.ctx, ids[2]!)).toBe('not-invited');
    const again = await world.app.inject({
      method: 'POST',
      url: `${base(call)}/full-stage-invitations`,
      headers: world.office.auth,
      payload: { topN: 2 },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('INVALID_TRANSITION');
    const audit = await world.ctx.deps.db
      .select()
      .from(schema.auditEvents)
      .where(eq(schema.auditEvents.action, 'evaluation.invitations_decided'));
    expect(audit.some((a) => (a.details.invited as string[]).includes(ids[0]!))).toBe(true);
  });

  it('stops at the budget cap: requested budget of invited proposals within multiplier × committed budget', async () => {
    const { call, ids } = await scoredCall('eval-pre-c', [
      { acronym: 'CHEAP', scores: [5, 5], requestEur: 10_000 },
      { acronym: 'DEAR', scores: [4.5, 4.5], requestEur: 1_000_000 },
      { acronym: 'ALSO', scores: [4, 4], requestEur: 10_000 },
    ]);
    const inexact = await world.app.inject({
      method: 'POST',
      url: `${base(call)}/full-stage-invitations`,
      headers: world.office.auth,
      payload: { budgetCap: true, multiplier: 0.015 },
    });
    expect(inexact.statusCode).toBe(400);
    expect(inexact.json().errors[0].path).toBe('/multiplier');
    const res = await world.app.inject({
      method: 'POST',
      url: `${base(call)}/full-stage-invitations`,
      headers: world.office.auth,
      payload: { budgetCap: true, multiplier: 0.01 },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.invited).toEqual([ids[0]]);
    // The list stops at the first proposal over the cap rather than skipping to a cheaper one below.
    expect(body.notInvited).toEqual([
      { proposalId: ids[1], reason: 'budget-cap' },
      { proposalId: ids[2], reason: 'budget-cap' },
    ]);
    expect(body.requested).toEqual({ amountMinor: 3 * 10_000 * 100, currency: 'EUR' });
    expect(body.cap.amountMinor).toBeGreaterThanOrEqual(body.requested.amountMinor);
    expect(body.cap.amountMinor).toBeLessThan(body.requested.amountMinor + 3 * 1_000_000 * 100);
  });

  it('refuses invitations before the pre-proposal list is frozen, and pre-proposals on a single-stage call', async () => {
    const call = await publishedCall(world.ctx, 'eval-pre-d');
    const res = await world.app.inject({
      method: 'POST',
      url: `${base(call)}/full-stage-invitations`,
      headers: world.office.auth,
      payload: { topN: 1 },
    });
    expect(res.statusCode).toBe(409);
    const single = await publishedCall(world.ctx, 'eval-single', (d) => ({
      ...d,
      twoStage: false,
      stages: d.stages.filter(
        (s) => !['pre-proposal-submission', 'eligibility-check', 'pre-proposal-evaluation'].includes(s.kind),
      ),
    }));
    const run = await world.app.inject({
      method: 'POST',
      url: `${base(single)}/assignment-runs`,
      headers: world.office.auth,
      payload: { stage: 'pre-proposal' },
    });
    expect(run.statusCode).toBe(409);
    expect(run.json()).toMatchObject({ code: 'STAGE_NOT_OPEN', errors: [{ path: '/stage' }] });
  });
});
