// "My proposals" says when a submitted proposal has changes not yet submitted: the header, a
// partner section or the document edited after the latest submission, a removed partner too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '@permed/testing';
import { createDraft, createWorld, uploadFirstPdf, type World } from './testing/factories.ts';

let world: World;
let coordinator: TestUser;
let proposalId: string;
const NOW = new Date('2026-01-15T10:00:00Z');
const SLUG = 'mine-call';

beforeAll(async () => {
  world = await createWorld({ now: NOW.toISOString() });
  coordinator = await world.ctx.user([], 'coordinator');
  await world.publishCall(SLUG, { now: NOW });
  coordinator = await world.signIn(coordinator);
});
afterAll(async () => {
  await world.close();
});

async function mine(): Promise<{ state: string; changedSinceSubmission: boolean }> {
  const res = await world.app.inject({ url: '/api/proposals/mine', headers: coordinator.auth });
  expect(res.statusCode, res.body).toBe(200);
  const found = res
    .json<{ proposals: { id: string; state: string; changedSinceSubmission: boolean }[] }>()
    .proposals.find((p) => p.id === proposalId);
  if (!found) throw new Error('the proposal is not in my list');
  return { state: found.state, changedSinceSubmission: found.changedSinceSubmission };
}

async function submit(): Promise<void> {
  const res = await world.app.inject({
    method: 'POST',
    url: `/api/proposals/${proposalId}/submit`,
    headers: coordinator.auth,
  });
  expect(res.statusCode, res.body).toBe(201);
}

async function etag(url: string): Promise<string> {
  const res = await world.app.inject({ url, headers: coordinator.auth });
  expect(res.statusCode, res.body).toBe(200);
  return String(res.headers.etag);
}

describe('changes not yet submitted', () => {
  it('are none for a draft never submitted (the state says it) and none right after submitting', async () => {
    proposalId = await createDraft(world, coordinator, SLUG);
    await uploadFirstPdf(world, coordinator, proposalId);
    expect(await mine()).toEqual({ state: 'draft', changedSinceSubmission: false });
    await submit();
    expect(await mine()).toEqual({ state: 'submitted', changedSinceSubmission: false });
  });

  it('shows a header edit after the submission, and clears when submitted again', async () => {
    const patched = await world.app.inject({
      method: 'PATCH',
      url: `/api/proposals/${proposalId}`,
      headers: { ...coordinator.auth, 'if-match': await etag(`/api/proposals/${proposalId}`) },
      payload: { title: 'Pharmacogenomic stratification of heart-failure therapy, revised' },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(await mine()).toEqual({ state: 'submitted', changedSinceSubmission: true });
    await submit();
    expect(await mine()).toEqual({ state: 'submitted', changedSinceSubmission: false });
  });

  it('shows a removed partner, which leaves no row behind to compare', async () => {
    const draft = await world.app.inject({ url: `/api/proposals/${proposalId}`, headers: coordinator.auth });
    const partners = draft.json<{ partners: { id: string; coordinator: boolean; version: number }[] }>()
      .partners;
    const other = partners.find((p) => !p.coordinator)!;
    const removed = await world.app.inject({
      method: 'DELETE',
      url: `/api/proposals/${proposalId}/partners/${other.id}`,
      headers: { ...coordinator.auth, 'if-match': `"${other.version}"` },
    });
    expect(removed.statusCode, removed.body).toBe(204);
    expect(await mine()).toEqual({ state: 'submitted', changedSinceSubmission: true });
  });
});
