import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { schema, sha256Hex } from '@permed/db';
import type { TestUser } from '@permed/testing';
import {
  acceptConfidentiality,
  acceptedReviewer,
  createProposal,
  createWorld,
  lastMailTo,
  publishedCall,
  signIn,
  simpleDocument,
  tokenIn,
  type TestCall,
  type World,
} from './testing/fixtures.ts';

let world: World;
let call: TestCall;
let otherCall: TestCall;
let otherOffice: TestUser;

const base = (c: TestCall) => `/api/evaluation/calls/${c.id}`;

beforeAll(async () => {
  world = await createWorld();
  call = await publishedCall(world.ctx, 'eval-pool-a');
  otherCall = await publishedCall(world.ctx, 'eval-pool-b');
  otherOffice = await world.ctx.user(
    [{ role: 'call-office', scopeType: 'call', scopeId: otherCall.id }],
    'office-b',
  );
});
afterAll(async () => {
  await world.app.close();
  await world.ctx.close();
});

const expert = (email: string) => ({
  name: 'Erika Expert',
  email,
  organisation: { name: 'Universität Wien', rorId: 'https://ror.org/03prydq77' },
  country: 'AT',
  expertise: ['pharmacogenomics', 'cardiology'],
  collaborators: [{ name: 'Josiah Carberry', orcid: '0000-0002-1825-0097' }],
});

async function add(payload: Record<string, unknown>, who: TestUser = world.office, c: TestCall = call) {
  return world.app.inject({ method: 'POST', url: `${base(c)}/reviewers`, headers: who.auth, payload });
}

async function invite(reviewerId: string) {
  const res = await world.app.inject({
    method: 'POST',
    url: `${base(call)}/reviewers/${reviewerId}/invitations`,
    headers: world.office.auth,
  });
  expect(res.statusCode).toBe(201);
  return res.json();
}

describe('reviewer pool', () => {
  it('lists an expert and refuses a duplicate e-mail, a bad country and a funder outside the call', async () => {
    const ok = await add(expert('erika@example.org'));
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ status: 'listed', country: 'AT', confidentialityAccepted: false });

    const dup = await add(expert('ERIKA@example.org'));
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({ code: 'ALREADY_EXISTS', errors: [{ path: '/email' }] });

    const badCountry = await add({ ...expert('x1@example.org'), country: 'XX' });
    expect(badCountry.statusCode).toBe(400);
    expect(badCountry.json().errors[0]).toMatchObject({ in: 'body', path: '/country' });

    const badFunder = await add({ ...expert('x2@example.org'), employedByFunderId: 'nobody' });
    expect(badFunder.statusCode).toBe(400);
    expect(badFunder.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: '/employedByFunderId' }],
    });

    const badRor = await add({
      ...expert('x3@example.org'),
      organisation: { name: 'X', rorId: '03prydq78' },
    });
    expect(badRor.statusCode).toBe(400);
    expect(badRor.json().errors[0].path).toBe('/organisation/rorId');
  });

  it('keeps another call’s office and other roles out', async () => {
    const foreign = await add(expert('foreign@example.org'), otherOffice);
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().code).toBe('FORBIDDEN');
    const list = await world.app.inject({ url: `${base(call)}/reviewers`, headers: otherOffice.auth });
    expect(list.statusCode).toBe(403);
    const funder = await world.ctx.user([{ role: 'funder', scopeType: 'funder', scopeId: 'bmbf' }], 'funder');
    expect(
      (await world.app.inject({ url: `${base(call)}/reviewers`, headers: funder.auth })).statusCode,
    ).toBe(403);
    expect((await world.app.inject({ url: `${base(call)}/reviewers` })).statusCode).toBe(401);
    const own = await world.app.inject({ url: `${base(otherCall)}/reviewers`, headers: otherOffice.auth });
    expect(own.statusCode).toBe(200);
  });
});

describe('invitations', () => {
  it('mails a single-use link, stores only its SHA-256 and accepts it by creating the account', async () => {
    const added = (await add(expert('new.reviewer@example.org'))).json();
    await invite(added.id);
    const mail = await lastMailTo(world.ctx, 'new.reviewer@example.org');
    expect(mail.subject).toContain('Invitation to review');
    const token = tokenIn(mail.text);
    const [stored] = await world.ctx.deps.db
      .select()
      .from(schema.reviewerInvitations)
      .where(eq(schema.reviewerInvitations.reviewerId, added.id));
    expect(stored!.tokenHash).toBe(sha256Hex(token));
    expect(JSON.stringify(stored)).not.toContain(token);

    const view = await world.app.inject({
      method: 'POST',
      url: '/api/evaluation/invitations/view',
      payload: { token },
    });
    expect(view.json()).toMatchObject({ callId: call.id, email: 'new.reviewer@example.org' });

    const anonymous = await world.app.inject({
      method: 'POST',
      url: '/api/evaluation/invitations/accept',
      payload: { token },
    });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().errors[0].path).toBe('/password');

    const accepted = await world.app.inject({
      method: 'POST',
      url: '/api/evaluation/invitations/accept',
      payload: { token, password: 'a-long-enough-password' },
    });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({ reviewerId: added.id, callId: call.id, accountCreated: true });
    const grants = await world.ctx.deps.db
      .select()
      .from(schema.roleGrants)
      .where(eq(schema.roleGrants.userId, accepted.json().userId));
    expect(grants).toEqual([
      expect.objectContaining({ role: 'reviewer', scopeType: 'call', scopeId: call.id }),
    ]);

    const login = await world.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'new.reviewer@example.org', password: 'a-long-enough-password' },
    });
    expect(login.statusCode).toBe(200);
    const auth = { authorization: `Bearer ${login.json().accessToken}` };
    const confidentiality = await world.app.inject({ url: `${base(call)}/confidentiality`, headers: auth });
    expect(confidentiality.json()).toMatchObject({ acceptedAt: null });

    const again = await world.app.inject({
      method: 'POST',
      url: '/api/evaluation/invitations/accept',
      payload: { token, password: 'a-long-enough-password' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('INVITATION_USED');
    const audit = await world.ctx.deps.db
      .select()
      .from(schema.auditEvents)
      .where(
        and(
          eq(schema.auditEvents.action, 'evaluation.invitation_accepted'),
          eq(schema.auditEvents.targetId, added.id),
        ),
      );
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actorUserId).toBe(accepted.json().userId);
  });

  it('joins a signed-in account, and refuses to create a second account for a known e-mail', async () => {
    const user = await world.ctx.user([], 'signed-in');
    const added = (await add(expert(user.email))).json();
    await invite(added.id);
    const token = tokenIn((await lastMailTo(world.ctx, user.email)).text);
    const anonymous = await world.app.inject({
      method: 'POST',
      url: '/api/evaluation/invitations/accept',
      payload: { token, password: 'another-long-password' },
    });
    expect(anonymous.statusCode).toBe(409);
    expect(anonymous.json().code).toBe('ALREADY_EXISTS');
    const res = await world.app.inject({
      method: 'POST',
      url: '/api/evaluation/invitations/accept',
      headers: user.auth,
      payload: { token, collaborators: [{ name: 'Ada Lovelace', email: 'ada@example.org' }] },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ userId: user.id, accountCreated: false });
    const pool = (
      await world.app.inject({ url: `${base(call)}/reviewers`, headers: world.office.auth })
    ).json();
    expect(pool.find((r: { id: string }) => r.id === added.id)).toMatchObject({
      status: 'accepted',
      collaborators: [{ name: 'Ada Lovelace', email: 'ada@example.org' }],
    });
  });

  it('revokes an earlier link when re-inviting, lets the expert decline, and expires links', async () => {
    const added = (await add(expert('twice@example.org'))).json();
    await invite(added.id);
    const first = tokenIn((await lastMailTo(world.ctx, 'twice@example.org')).text);
    await invite(added.id);
    const second = tokenIn((await lastMailTo(world.ctx, 'twice@example.org')).text);
    expect(second).not.toBe(first);
    const old = await world.app.inject({
      method: 'POST',
      url: '/api/evaluation/invitations/decline',
      payload: { token: first },
    });
    expect(old.statusCode).toBe(404);
    const declined = await world.app.inject({
      method: 'POST',
      url: '/api/evaluation/invitations/decline',
      payload: { token: second, reason: 'on leave' },
    });
    expect(declined.statusCode).toBe(200);
    const pool = (
      await world.app.inject({ url: `${base(call)}/reviewers`, headers: world.office.auth })
    ).json();
    expect(pool.find((r: { id: string }) => r.id === added.id).status).toBe('declined');

    const late = (await add(expert('late@example.org'))).json();
    await invite(late.id);
    const token = tokenIn((await lastMailTo(world.ctx, 'late@example.org')).text);
    const start = world.ctx.clock.now();
    world.ctx.clock.advance(30 * 24 * 3600 * 1000);
    const expired = await world.app.inject({
      method: 'POST',
      url: '/api/evaluation/invitations/accept',
      payload: { token, password: 'a-long-enough-password' },
    });
    world.ctx.clock.set(start);
    expect(expired.statusCode).toBe(410);
    expect(expired.json().code).toBe('INVITATION_EXPIRED');
  });

  it('answers an unknown token with 404 and a malformed one with 400', async () => {
    const unknown = await world.app.inject({
      method: 'POST',
      url: '/api/evaluation/invitations/accept',
      payload: { token: 'x'.repeat(43), password: 'a-long-enough-password' },
    });
    expect(unknown.statusCode).toBe(404);
    const short = await world.app.inject({
      method: 'POST',
      url: '/api/evaluation/invitations/accept',
      payload: { token: 'abc' },
    });
    expect(short.statusCode).toBe(400);
    expect(short.json().errors[0].path).toBe('/token');
  });
});

describe('confidentiality', () => {
  it('shows no proposal before the undertaking is accepted, records it once, with its wording', async () => {
    const reviewer = await acceptedReviewer(
      world,
      call,
      { name: 'Carla Careful', country: 'IT' },
      { confidentiality: false },
    );
    const proposalId = await createProposal(world.ctx, call.id, simpleDocument('SECRET'), 'under-review');
    for (const url of [
      `${base(call)}/my-assignments`,
      `${base(call)}/proposals/${proposalId}`,
      `${base(call)}/proposals/${proposalId}/coi-screen`,
      `${base(call)}/proposals/${proposalId}/review`,
    ]) {
      const res = await world.app.inject({ url, headers: reviewer.user.auth });
      expect(res.statusCode, url).toBe(403);
      expect(res.json().code, url).toBe('CONFIDENTIALITY_NOT_ACCEPTED');
    }
    const wrong = await world.app.inject({
      method: 'POST',
      url: `${base(call)}/confidentiality`,
      headers: reviewer.user.auth,
      payload: { statementHash: '0'.repeat(64) },
    });
    expect(wrong.statusCode).toBe(409);
    expect(wrong.json().errors[0].path).toBe('/statementHash');
    await acceptConfidentiality(world, call, reviewer.user);
    await acceptConfidentiality(world, call, reviewer.user);
    const rows = await world.ctx.deps.db
      .select()
      .from(schema.confidentialityAcceptances)
      .where(eq(schema.confidentialityAcceptances.reviewerId, reviewer.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.userId).toBe(reviewer.user.id);
    const audits = await world.ctx.deps.db
      .select()
      .from(schema.auditEvents)
      .where(
        and(
          eq(schema.auditEvents.action, 'evaluation.confidentiality_accepted'),
          eq(schema.auditEvents.targetId, reviewer.id),
        ),
      );
    expect(audits).toHaveLength(1);
    const mine = await world.app.inject({ url: `${base(call)}/my-assignments`, headers: reviewer.user.auth });
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toEqual([]);
    const unassigned = await world.app.inject({
      url: `${base(call)}/proposals/${proposalId}`,
      headers: reviewer.user.auth,
    });
    expect(unassigned.statusCode).toBe(403);
    expect(unassigned.json().code).toBe('NOT_ASSIGNED');
  });

  it('keeps a reviewer of one call out of another call', async () => {
    const reviewer = await acceptedReviewer(world, call, { name: 'Otto Outsider', country: 'PT' });
    const res = await world.app.inject({
      url: `${base(otherCall)}/confidentiality`,
      headers: reviewer.user.auth,
    });
    expect(res.statusCode).toBe(403);
    await signIn(world.ctx, reviewer.user);
    const office = await world.app.inject({ url: `${base(call)}/reviewers`, headers: reviewer.user.auth });
    expect(office.statusCode).toBe(403);
  });
});
