import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDueJobs } from '@permed/db';
import { validPdf } from '@permed/documents/testing';
import { callJobHandlers } from '@permed/calls-service';
import type { TestUser } from '@permed/testing';
import {
  completeProposal,
  createWorld,
  multipart,
  stageTimes,
  type World,
  proposalState,
} from './testing/factories.ts';

// A submit after the deadline, once the call has moved on: the scheduler closed the pre-proposal
// stage and sent the submitted proposals to the eligibility check. The consortium must hear that
// the deadline passed (and when), not that its proposal is in some internal state.

let world: World;
let coordinator: TestUser;
const NOW = new Date('2026-01-15T10:00:00Z');
const deadline = stageTimes({ now: NOW })['pre-proposal-submission'].closesAt;

beforeAll(async () => {
  world = await createWorld({ now: NOW.toISOString() });
  await world.publishCall('late-call');
  coordinator = await world.ctx.user([], 'coordinator');
});
afterAll(async () => {
  await world.close();
});

async function readyProposal(): Promise<string> {
  const created = await world.app.inject({
    method: 'POST',
    url: '/api/proposals',
    headers: coordinator.auth,
    payload: completeProposal('late-call'),
  });
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json().id as string;
  const upload = multipart(await validPdf({ pages: 2 }));
  const up = await world.app.inject({
    method: 'PUT',
    url: `/api/proposals/${id}/documents/proposal`,
    headers: { ...coordinator.auth, ...upload.headers, 'if-none-match': '*' },
    payload: upload.payload,
  });
  expect(up.statusCode, up.body).toBe(200);
  return id;
}

const post = (id: string, action: string) =>
  world.app.inject({ method: 'POST', url: `/api/proposals/${id}/${action}`, headers: coordinator.auth });

const stateOf = (id: string) => proposalState(world, id);

describe('a submit after the call moved on', () => {
  it('answers 409 DEADLINE_PASSED with the deadline, not INVALID_TRANSITION (edits too)', async () => {
    const submitted = await readyProposal();
    const withdrawn = await readyProposal();
    expect((await post(submitted, 'submit')).statusCode).toBe(201);
    expect((await post(withdrawn, 'withdraw')).statusCode).toBe(200);

    const after = new Date(deadline.getTime() + 3_600_000);
    world.ctx.clock.set(after);
    await runDueJobs(world.ctx.db.db, () => world.ctx.clock.now(), callJobHandlers);
    expect(await stateOf(submitted)).toBe('eligibility-check');
    coordinator = await world.signIn(coordinator);

    const late = await post(submitted, 'submit');
    expect(late.statusCode).toBe(409);
    expect(late.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(late.json()).toMatchObject({
      code: 'DEADLINE_PASSED',
      serverTime: after.toISOString(),
      deadline: { at: deadline.toISOString().replace('.000Z', 'Z'), zone: 'Europe/Brussels' },
    });
    expect(late.json().detail).toContain(deadline.toISOString().replace('.000Z', 'Z'));
    // Nothing changed: still one version, still in the eligibility check.
    const versions = await world.app.inject({
      url: `/api/proposals/${submitted}/versions`,
      headers: coordinator.auth,
    });
    expect(versions.json()).toHaveLength(1);
    expect(await stateOf(submitted)).toBe('eligibility-check');

    // Its draft is frozen for the same reason, and the consortium is told so the same way.
    const edit = await world.app.inject({
      method: 'PATCH',
      url: `/api/proposals/${submitted}`,
      headers: { ...coordinator.auth, 'if-match': '"1"' },
      payload: { title: 'too late' },
    });
    expect(edit.statusCode).toBe(409);
    expect(edit.json()).toMatchObject({ code: 'DEADLINE_PASSED', deadline: { zone: 'Europe/Brussels' } });

    // A withdrawn proposal is refused for what it is, whatever the clock says.
    const gone = await post(withdrawn, 'submit');
    expect(gone.statusCode).toBe(409);
    expect(gone.json()).toMatchObject({ code: 'INVALID_TRANSITION', currentState: 'withdrawn' });
  });
});
