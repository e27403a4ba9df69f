import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { schema, systemActor } from '@permed/db';
import { validPdf } from '@permed/documents/testing';
import type { Partner } from '@permed/domain';
import { advanceWorkflow } from '@permed/service-kit';
import type { TestUser } from '@permed/testing';
import type { ProposalEvent } from '@permed/workflow';
import type { AnonymisedReview, ReviewSource } from './deps.ts';
import {
  callDefinition,
  completeProposal,
  createWorld,
  multipart,
  samplePartners,
  stageTimes,
  uploadConditions,
  type World,
} from './testing/factories.ts';

const NOW = new Date('2026-01-15T10:00:00Z');
const stages = stageTimes({ now: NOW });
const inFull = new Date(stages['full-proposal-submission'].opensAt.getTime() + 3600_000);
const inRebuttal = new Date(stages.rebuttal.opensAt.getTime() + 3600_000);

const reviews = new Map<string, AnonymisedReview[]>();
const reviewSource: ReviewSource = { anonymisedReviews: async (id) => reviews.get(id) ?? [] };

let world: World;
let coordinator: TestUser;
let office: TestUser;
let foreignOffice: TestUser;
let pdf: Uint8Array;

beforeAll(async () => {
  world = await createWorld({ now: NOW.toISOString(), extras: { reviews: reviewSource } });
  await world.publishCall('stages-call', {}, { rebuttal: { enabled: true, maxCharacters: 100 } });
  coordinator = await world.ctx.user([], 'coordinator');
  const [call] = await world.ctx.db.db
    .select()
    .from(schema.calls)
    .where(eq(schema.calls.slug, 'stages-call'));
  office = await world.ctx.user([{ role: 'call-office', scopeType: 'call', scopeId: call!.id }], 'office');
  foreignOffice = await world.ctx.user(
    [{ role: 'call-office', scopeType: 'call', scopeId: '00000000-0000-4000-8000-0000000000aa' }],
    'foreign-office',
  );
  pdf = await validPdf({ pages: 2 });
});
afterAll(async () => {
  await world.close();
});

/** Moves the server clock and signs the test users in again (their tokens expire by that clock). */
async function at(instant: Date) {
  world.ctx.clock.set(instant);
  coordinator = await world.signIn(coordinator);
  office = await world.signIn(office);
  foreignOffice = await world.signIn(foreignOffice);
}
afterEach(async () => {
  await at(NOW);
});

/** Other services' steps (scheduler, funders, call office), taken directly on the lifecycle. */
async function step(id: string, ...events: ProposalEvent[]) {
  for (const event of events) {
    await advanceWorkflow(world.ctx.db.db, {
      kind: 'proposal',
      subjectId: id,
      event,
      actor: systemActor,
      at: world.ctx.clock.now(),
    });
  }
}
const toInvited: ProposalEvent[] = [
  { type: 'START_ELIGIBILITY_CHECK' },
  { type: 'DECLARE_ELIGIBLE', pendingVerdicts: 0, ineligibleVerdicts: 0 },
  { type: 'INVITE' },
];

async function uploadPdf(id: string) {
  const body = multipart(pdf);
  const res = await world.app.inject({
    method: 'PUT',
    url: `/api/proposals/${id}/documents/proposal`,
    headers: { ...coordinator.auth, ...body.headers, ...(await uploadConditions(world.ctx.db.db, id)) },
    payload: body.payload,
  });
  expect(res.statusCode, res.body).toBe(200);
}

async function submittedPreProposal(callSlug = 'stages-call'): Promise<string> {
  const id = (
    await world.app.inject({
      method: 'POST',
      url: '/api/proposals',
      headers: coordinator.auth,
      payload: completeProposal(callSlug),
    })
  ).json().id as string;
  await uploadPdf(id);
  const res = await world.app.inject({
    method: 'POST',
    url: `/api/proposals/${id}/submit`,
    headers: coordinator.auth,
  });
  expect(res.statusCode, res.body).toBe(201);
  return id;
}

const api = (
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  user: TestUser,
  payload?: unknown,
  ifMatch?: number,
) =>
  world.app.inject({
    method,
    url: `/api/proposals${url}`,
    headers: { ...user.auth, ...(ifMatch !== undefined ? { 'if-match': `"${ifMatch}"` } : {}) },
    ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
  });

const utrecht: Partner = {
  ...samplePartners()[0]!,
  id: 'umc-utrecht',
  coordinator: false,
  funderId: 'zonmw',
  organisation: { name: 'UMC Utrecht', country: 'NL', type: 'clinical-public-health' },
  pi: { name: 'Sanne de Vries', email: 'sanne.devries@example.org' },
};

describe('full-proposal stage', () => {
  it('opens only for an invited proposal', async () => {
    const id = await submittedPreProposal();
    await at(inFull);
    const res = await api('POST', `/${id}/full-proposal`, coordinator);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'INVALID_TRANSITION', currentState: 'submitted' });
  });

  it('pre-fills the full proposal, reports changes, and needs the call office to approve consortium changes', async () => {
    const id = await submittedPreProposal();
    await step(id, ...toInvited);
    await at(inFull);
    const opened = await api('POST', `/${id}/full-proposal`, coordinator);
    expect(opened.statusCode, opened.body).toBe(200);
    expect(opened.json()).toEqual({ state: 'full-draft', basedOnVersion: 1 });
    const view = (await api('GET', `/${id}`, coordinator)).json();
    expect(view).toMatchObject({
      stage: 'full-proposal',
      state: 'full-draft',
      header: { acronym: 'PGX-HEART', version: 2 },
    });
    expect(view.partners.map((p: { id: string; version: number }) => [p.id, p.version])).toEqual([
      ['charite', 2],
      ['karolinska', 2],
      ['laval', 2],
      ['clinic-bcn', 2],
    ]);
    expect(view.documents).toEqual([]);

    const unchanged = (await api('GET', `/${id}/change-report`, coordinator)).json();
    expect(unchanged).toMatchObject({
      requiresApproval: false,
      approval: { status: 'not-needed' },
      partnersAdded: [],
      partnersRemoved: [],
    });

    await uploadPdf(id);
    expect((await api('DELETE', `/${id}/partners/clinic-bcn`, coordinator, undefined, 2)).statusCode).toBe(
      204,
    );
    expect((await api('POST', `/${id}/partners`, coordinator, utrecht)).statusCode).toBe(201);
    const laval = samplePartners()[2]!;
    expect(
      (
        await api(
          'PUT',
          `/${id}/partners/laval`,
          coordinator,
          { ...laval, budget: { ...laval.budget, personnel: 31_000_000 } },
          2,
        )
      ).statusCode,
    ).toBe(200);
    const report = (await api('GET', `/${id}/change-report`, coordinator)).json();
    expect(report).toMatchObject({
      baseline: { seq: 1 },
      partnersAdded: [{ id: 'umc-utrecht', country: 'NL', funderId: 'zonmw' }],
      partnersRemoved: [{ id: 'clinic-bcn', country: 'ES', funderId: 'isciii' }],
      coordinatorChanged: null,
      requiresApproval: true,
      approval: { status: 'missing', requestId: null },
    });
    expect(report.budget.perPartner).toContainEqual({
      partnerId: 'laval',
      currency: 'CAD',
      before: 32_500_000,
      after: 33_500_000,
      change: 1_000_000,
    });
    expect(report.budget.totals.map((t: { currency: string }) => t.currency)).toEqual(['CAD', 'EUR']);
    const eur = report.budget.totals.find((t: { currency: string }) => t.currency === 'EUR');
    expect(eur.change).toBe(eur.after - eur.before);
    expect(report.eligibility).not.toBeNull();

    const blocked = await api('POST', `/${id}/submit`, coordinator);
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json()).toMatchObject({
      code: 'APPROVAL_REQUIRED',
      partnersAdded: ['umc-utrecht'],
      partnersRemoved: ['clinic-bcn'],
    });

    const request = await api('POST', `/${id}/change-requests`, coordinator, {
      reason: 'Clínic left; UMC Utrecht brings the cohort.',
    });
    expect(request.statusCode).toBe(201);
    expect(request.json().status).toBe('pending');
    const duplicate = await api('POST', `/${id}/change-requests`, coordinator, { reason: 'again please' });
    expect(duplicate.statusCode).toBe(409);
    const requestId = request.json().id;

    const byCoordinator = await api('POST', `/${id}/change-requests/${requestId}/decision`, coordinator, {
      decision: 'approve',
    });
    expect(byCoordinator.statusCode).toBe(403);
    const byForeign = await api('POST', `/${id}/change-requests/${requestId}/decision`, foreignOffice, {
      decision: 'approve',
    });
    expect(byForeign.statusCode).toBe(404);
    const approved = await api('POST', `/${id}/change-requests/${requestId}/decision`, office, {
      decision: 'approve',
      comment: 'Same scientific scope.',
    });
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', decisionComment: 'Same scientific scope.' });
    const audit = await world.ctx.db.db
      .select()
      .from(schema.auditEvents)
      .where(
        and(eq(schema.auditEvents.targetId, id), eq(schema.auditEvents.action, 'proposal.change_approved')),
      );
    expect(audit).toMatchObject([{ actorUserId: office.id }]);

    const submitted = await api('POST', `/${id}/submit`, coordinator);
    expect(submitted.statusCode, submitted.body).toBe(201);
    expect(submitted.json()).toMatchObject({ version: 2, stage: 'full-proposal' });
    expect((await api('GET', `/${id}`, coordinator)).json().state).toBe('full-submitted');

    // A further consortium change is not covered by the approval of the previous one.
    const extra = {
      ...utrecht,
      id: 'umc-2',
      organisation: { ...utrecht.organisation, name: 'Amsterdam UMC' },
    };
    expect((await api('POST', `/${id}/partners`, coordinator, extra)).statusCode).toBe(201);
    const again = await api('POST', `/${id}/submit`, coordinator);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('APPROVAL_REQUIRED');
  });
});

describe("the call's own stage-change rules", () => {
  it('lets a partner join freely and asks approval for a budget change beyond the threshold', async () => {
    await world.publishCall(
      'budget-call',
      {},
      { stageChanges: { partnerAdded: 'allowed', budgetChangePercent: 10 } },
    );
    const [call] = await world.ctx.db.db
      .select()
      .from(schema.calls)
      .where(eq(schema.calls.slug, 'budget-call'));
    const budgetOffice = await world.ctx.user(
      [{ role: 'call-office', scopeType: 'call', scopeId: call!.id }],
      'budget-office',
    );
    const id = await submittedPreProposal('budget-call');
    await step(id, ...toInvited);
    await at(inFull);
    expect((await api('POST', `/${id}/full-proposal`, coordinator)).statusCode).toBe(200);
    await uploadPdf(id);

    // A partner joins with a small budget: the call allows joining without approval, and the
    // euro total grows by less than its 10 % (a larger budget would count there).
    const small = {
      ...utrecht,
      budget: { ...utrecht.budget, personnel: 500_000, overhead: 0, consumables: 0 },
    };
    expect((await api('POST', `/${id}/partners`, coordinator, small)).statusCode).toBe(201);
    const joined = (await api('GET', `/${id}/change-report`, coordinator)).json();
    expect(joined).toMatchObject({
      partnersAdded: [{ id: 'umc-utrecht' }],
      approvalReasons: [],
      requiresApproval: false,
      approval: { status: 'not-needed' },
    });

    // Laval asks for a fifth more personnel: beyond the call's 10 % of its budget.
    const laval = samplePartners()[2]!;
    const raised = {
      ...laval,
      budget: { ...laval.budget, personnel: Math.round(laval.budget.personnel * 1.2) },
    };
    expect((await api('PUT', `/${id}/partners/laval`, coordinator, raised, 2)).statusCode).toBe(200);
    const report = (await api('GET', `/${id}/change-report`, coordinator)).json();
    expect(report).toMatchObject({ approvalReasons: ['budget-changed'], approval: { status: 'missing' } });
    const blocked = await api('POST', `/${id}/submit`, coordinator);
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json()).toMatchObject({ code: 'APPROVAL_REQUIRED', approvalReasons: ['budget-changed'] });

    // Signed in at the current server time (the clock moved into the full-proposal stage).
    const office2 = await world.signIn(budgetOffice);
    // A first request is rejected: the change stays unapproved and the coordinator may ask again.
    const first = await api('POST', `/${id}/change-requests`, coordinator, { reason: 'More sequencing.' });
    expect(first.statusCode, first.body).toBe(201);
    // The call office is told what to decide on: the reason for approval and the budget lines.
    const [mail] = (
      await world.ctx.db.db.select().from(schema.outbox).where(eq(schema.outbox.kind, 'mail'))
    ).filter(
      (m) => m.payload.to === budgetOffice.email.toLowerCase() && m.dedupeKey?.startsWith('change-request:'),
    );
    expect(mail?.payload.subject).toMatch(/^Full-proposal changes to approve: /);
    expect(String(mail?.payload.text)).toContain('Needs approval: budget-changed');
    expect(String(mail?.payload.text)).toMatch(/laval: CAD\s325,000\.00 → CAD\s385,000\.00/);
    const rejected = await api('POST', `/${id}/change-requests/${first.json().id}/decision`, office2, {
      decision: 'reject',
      comment: 'Justify the cost per sample.',
    });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(rejected.json()).toMatchObject({
      status: 'rejected',
      decisionComment: 'Justify the cost per sample.',
    });
    expect((await api('GET', `/${id}/change-report`, coordinator)).json().approval).toEqual({
      status: 'rejected',
      requestId: first.json().id,
    });
    expect((await api('POST', `/${id}/submit`, coordinator)).statusCode).toBe(409);

    const request = await api('POST', `/${id}/change-requests`, coordinator, {
      reason: 'The Québec cohort grew by a fifth; sequencing is 2,400 CAD per sample.',
    });
    expect(request.statusCode, request.body).toBe(201);
    const decided = await api('POST', `/${id}/change-requests/${request.json().id}/decision`, office2, {
      decision: 'approve',
    });
    expect(decided.statusCode, decided.body).toBe(200);
    const submitted = await api('POST', `/${id}/submit`, coordinator);
    expect(submitted.statusCode, submitted.body).toBe(201);

    // The approval was for these budgets: raising them again needs a new one.
    const again = { ...raised, budget: { ...raised.budget, personnel: raised.budget.personnel + 100_000 } };
    expect((await api('PUT', `/${id}/partners/laval`, coordinator, again, 3)).statusCode).toBe(200);
    const resubmit = await api('POST', `/${id}/submit`, coordinator);
    expect(resubmit.statusCode).toBe(409);
    expect(resubmit.json().code).toBe('APPROVAL_REQUIRED');
  });
});

describe('rebuttal', () => {
  async function inRebuttalState(): Promise<string> {
    const id = await submittedPreProposal();
    await step(id, ...toInvited);
    await at(inFull);
    expect((await api('POST', `/${id}/full-proposal`, coordinator)).statusCode).toBe(200);
    await uploadPdf(id);
    expect((await api('POST', `/${id}/submit`, coordinator)).statusCode).toBe(201);
    await step(id, { type: 'START_REVIEW' }, { type: 'OPEN_REBUTTAL' });
    reviews.set(id, [
      {
        label: 'Reviewer 1',
        stage: 'full-proposal',
        scores: [{ criterionId: 'excellence', score: 4.5 }],
        comments: [{ criterionId: 'excellence', text: 'Strong cohort.' }],
      },
    ]);
    return id;
  }

  it('shows the anonymised reviews and takes one answer within the window, counted in code points', async () => {
    const id = await inRebuttalState();
    const early = await api('GET', `/${id}/reviews`, coordinator);
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('STAGE_NOT_OPEN');
    expect((await api('POST', `/${id}/rebuttal`, coordinator, { text: 'Thank you.' })).json().code).toBe(
      'STAGE_NOT_OPEN',
    );

    await at(inRebuttal);
    const shown = await api('GET', `/${id}/reviews`, coordinator);
    expect(shown.statusCode).toBe(200);
    expect(shown.json().reviews).toEqual([
      {
        label: 'Reviewer 1',
        stage: 'full-proposal',
        scores: [{ criterionId: 'excellence', score: 4.5 }],
        comments: [{ criterionId: 'excellence', text: 'Strong cohort.' }],
      },
    ]);
    const tooLong = await api('POST', `/${id}/rebuttal`, coordinator, { text: '😀'.repeat(101) });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json()).toMatchObject({
      errors: [{ path: '/text' }],
      maxCharacters: 100,
      characters: 101,
    });
    // 100 astral characters: 200 UTF-16 units, 100 code points, exactly the limit.
    const ok = await api('POST', `/${id}/rebuttal`, coordinator, { text: '😀'.repeat(100) });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({
      proposalId: id,
      characters: 100,
      submittedAt: inRebuttal.toISOString(),
    });
    const second = await api('POST', `/${id}/rebuttal`, coordinator, { text: 'One more thing' });
    expect(second.statusCode).toBe(409);
    expect(second.json().code).toBe('ALREADY_EXISTS');
    const read = await api('GET', `/${id}/rebuttal`, office);
    expect(read.statusCode).toBe(200);
    expect(read.json().text).toBe('😀'.repeat(100));
    const [row] = await world.ctx.db.db
      .select()
      .from(schema.rebuttals)
      .where(eq(schema.rebuttals.proposalId, id));
    expect(row).toMatchObject({ submittedBy: coordinator.id, characters: 100 });
  });

  it('refuses a rebuttal at the deadline by the server clock, and for a proposal not under review', async () => {
    const id = await inRebuttalState();
    await at(stages.rebuttal.closesAt);
    const late = await api('POST', `/${id}/rebuttal`, coordinator, { text: 'Late answer' });
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({
      code: 'DEADLINE_PASSED',
      serverTime: stages.rebuttal.closesAt.toISOString(),
    });
    // Late is late whatever the text: an over-long one is not told to shorten what it cannot send.
    const lateAndLong = await api('POST', `/${id}/rebuttal`, coordinator, { text: 'x'.repeat(101) });
    expect(lateAndLong.statusCode).toBe(409);
    expect(lateAndLong.json().code).toBe('DEADLINE_PASSED');
    expect(
      await world.ctx.db.db.select().from(schema.rebuttals).where(eq(schema.rebuttals.proposalId, id)),
    ).toEqual([]);

    await at(NOW);
    const draft = (
      await world.app.inject({
        method: 'POST',
        url: '/api/proposals',
        headers: coordinator.auth,
        payload: completeProposal('stages-call'),
      })
    ).json().id;
    await at(inRebuttal);
    const res = await api('POST', `/${draft}/rebuttal`, coordinator, { text: 'Not yet reviewed' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'CONFLICT', currentState: 'draft' });
  });

  it('lets only the coordinator answer and read the reviews', async () => {
    const id = await inRebuttalState();
    await at(inRebuttal);
    const viewer = await world.ctx.user(
      [{ role: 'applicant', scopeType: 'proposal', scopeId: id, subRole: 'viewer' }],
      'viewer',
    );
    await world.ctx.db.db
      .insert(schema.proposalMembers)
      .values({ proposalId: id, userId: viewer.id, role: 'viewer', partnerId: null, addedAt: inRebuttal });
    expect((await api('GET', `/${id}/reviews`, viewer)).statusCode).toBe(403);
    expect((await api('POST', `/${id}/rebuttal`, viewer, { text: 'hi' })).statusCode).toBe(403);
  });
});

describe('single-stage call', () => {
  it('starts at the full proposal and submits with SUBMIT into the full-proposal stage', async () => {
    const shifted = new Date(NOW.getTime() - 35 * 24 * 3600_000);
    const definition = callDefinition('single-stage-call', { now: shifted });
    const stagesOnly = definition.stages.filter(
      (s) => !['pre-proposal-submission', 'eligibility-check', 'pre-proposal-evaluation'].includes(s.kind),
    );
    await world.publishCall('single-stage-call', { now: shifted }, { twoStage: false, stages: stagesOnly });
    const created = await world.app.inject({
      method: 'POST',
      url: '/api/proposals',
      headers: coordinator.auth,
      payload: completeProposal('single-stage-call'),
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ stage: 'full-proposal', state: 'draft' });
    const id = created.json().id as string;
    await uploadPdf(id);
    const submitted = await api('POST', `/${id}/submit`, coordinator);
    expect(submitted.statusCode, submitted.body).toBe(201);
    expect(submitted.json()).toMatchObject({ stage: 'full-proposal', version: 1 });
    expect((await api('GET', `/${id}`, coordinator)).json().state).toBe('submitted');
    const open = await api('POST', `/${id}/full-proposal`, coordinator);
    expect(open.statusCode).toBe(409);
  });
});
