import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDueJobs, schema } from '@permed/db';
import { callJobHandlers } from '@permed/calls-service';
import type { TestUser } from '@permed/testing';
import {
  callDefinition,
  createDraft,
  createWorld,
  stageTimes,
  uploadFirstPdf,
  type World,
} from './testing/factories.ts';

// `allowedEvents` tells a client which buttons to show. It used to be everything the lifecycle
// machine accepts, so a coordinator was offered START_ELIGIBILITY_CHECK and DECLARE_ELIGIBLE (the
// scheduler's and the call office's) and the call office CLOSE_PRE_PROPOSALS (the scheduler's).
// Each caller now sees what its own request would not be refused for.

let world: World;
let coordinator: TestUser;
let editor: TestUser;
let viewer: TestUser;
let admin: TestUser;
let proposalId: string;
/** A draft its consortium never submits: it stays a draft after the deadline. */
let neverSubmitted: string;
const NOW = new Date('2026-01-15T10:00:00Z');
const deadline = stageTimes({ now: NOW })['pre-proposal-submission'].closesAt;
const SLUG = 'events-call';

async function member(role: 'editor' | 'viewer'): Promise<TestUser> {
  const user = await world.ctx.user(
    [{ role: 'applicant', scopeType: 'proposal', scopeId: proposalId, subRole: role }],
    role,
  );
  await world.ctx.db.db
    .insert(schema.proposalMembers)
    .values({ proposalId, userId: user.id, role, partnerId: null, addedAt: NOW });
  return user;
}

beforeAll(async () => {
  world = await createWorld({ now: NOW.toISOString() });
  coordinator = await world.ctx.user([], 'coordinator');
  admin = await world.ctx.user([{ role: 'admin', scopeType: 'global', scopeId: '*' }], 'admin');
});
afterAll(async () => {
  await world.close();
});

const get = (url: string, user: TestUser) => world.app.inject({ url, headers: user.auth });
const allowedFor = async (user: TestUser, id = proposalId): Promise<string[]> => {
  const res = await get(`/api/proposals/${id}`, user);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ allowedEvents: string[] }>().allowedEvents;
};
const callEvents = async (): Promise<{ state: string; allowedEvents: string[] }> => {
  const res = await get(`/api/calls/${SLUG}/lifecycle`, world.office);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
async function signInAll() {
  coordinator = await world.signIn(coordinator);
  editor = await world.signIn(editor);
  viewer = await world.signIn(viewer);
  admin = await world.signIn(admin);
  world.office = await world.signIn(world.office);
}

describe('allowedEvents, per caller', () => {
  it('shows the call office PUBLISH on a draft call, and nothing the scheduler fires', async () => {
    const created = await world.app.inject({
      method: 'POST',
      url: '/api/calls',
      headers: world.office.auth,
      payload: callDefinition(SLUG, { now: NOW }),
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(await callEvents()).toMatchObject({ state: 'draft', allowedEvents: ['PUBLISH'] });
    const published = await world.app.inject({
      method: 'POST',
      url: `/api/calls/${SLUG}/publish`,
      headers: world.office.auth,
    });
    expect(published.statusCode, published.body).toBe(200);
    await runDueJobs(world.ctx.db.db, () => world.ctx.clock.now(), callJobHandlers);
    // The machine accepts CLOSE_PRE_PROPOSALS here, but only the scheduler sends it at the deadline.
    expect(await callEvents()).toMatchObject({ state: 'pre-proposals-open', allowedEvents: [] });
  });

  it('shows a draft proposal’s coordinator SUBMIT and WITHDRAW, and its other readers nothing', async () => {
    proposalId = await createDraft(world, coordinator, SLUG);
    neverSubmitted = await createDraft(world, coordinator, SLUG);
    expect(await allowedFor(coordinator, neverSubmitted)).toEqual(['SUBMIT', 'WITHDRAW']);
    editor = await member('editor');
    viewer = await member('viewer');
    expect(await allowedFor(coordinator)).toEqual(['SUBMIT', 'WITHDRAW']);
    for (const reader of [editor, viewer, world.office, admin]) {
      expect(await allowedFor(reader)).toEqual([]);
    }
    // The same rule refuses them: an editor may not withdraw.
    const refused = await world.app.inject({
      method: 'POST',
      url: `/api/proposals/${proposalId}/withdraw`,
      headers: editor.auth,
    });
    expect(refused.statusCode).toBe(403);
  });

  it('never shows the scheduler’s or the call office’s events to the coordinator', async () => {
    await uploadFirstPdf(world, coordinator, proposalId);
    const submitted = await world.app.inject({
      method: 'POST',
      url: `/api/proposals/${proposalId}/submit`,
      headers: coordinator.auth,
    });
    expect(submitted.statusCode, submitted.body).toBe(201);
    // The machine also accepts START_ELIGIBILITY_CHECK (the scheduler's, at the deadline).
    expect(await allowedFor(coordinator)).toEqual(['SUBMIT', 'WITHDRAW']);

    world.ctx.clock.set(deadline.getTime() + 60_000);
    await runDueJobs(world.ctx.db.db, () => world.ctx.clock.now(), callJobHandlers);
    await signInAll();
    // The machine accepts DECLARE_ELIGIBLE and DECLARE_INELIGIBLE too (derived from the funders' verdicts).
    expect(await allowedFor(coordinator)).toEqual(['WITHDRAW']);
    for (const reader of [editor, viewer, world.office, admin]) {
      expect(await allowedFor(reader)).toEqual([]);
    }
    expect(await callEvents()).toMatchObject({
      state: 'eligibility-check',
      allowedEvents: ['CLOSE_ELIGIBILITY_CHECK'],
    });

    // The lifecycle of a draft never submitted still accepts SUBMIT; the clock does not, and the
    // submit route would answer DEADLINE_PASSED.
    expect(await allowedFor(coordinator, neverSubmitted)).toEqual(['WITHDRAW']);
    const late = await world.app.inject({
      method: 'POST',
      url: `/api/proposals/${neverSubmitted}/submit`,
      headers: coordinator.auth,
    });
    expect(late.json<{ code: string }>().code).toBe('DEADLINE_PASSED');

    // A refusal names only what the caller could do instead.
    const early = await world.app.inject({
      method: 'POST',
      url: `/api/proposals/${proposalId}/full-proposal`,
      headers: coordinator.auth,
    });
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ code: 'INVALID_TRANSITION', allowedEvents: ['WITHDRAW'] });
  });
});
