import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { drainOutbox, schema, sha256Hex } from '@permed/db';
import { mailOutboxHandler } from '@permed/mail';
import type { TestUser } from '@permed/testing';
import { completeProposal, createWorld, samplePartners, type World } from './testing/factories.ts';

let world: World;
let coordinator: TestUser;
let anna: TestUser;
let proposalId: string;

beforeAll(async () => {
  world = await createWorld();
  await world.publishCall('team-call');
  coordinator = await world.ctx.user([], 'coordinator');
  anna = await world.ctx.user([], 'anna');
  proposalId = (
    await world.app.inject({
      method: 'POST',
      url: '/api/proposals',
      headers: coordinator.auth,
      payload: completeProposal('team-call'),
    })
  ).json().id;
});
afterAll(async () => {
  await world.close();
});

const invite = (body: Record<string, unknown>, user = coordinator, id = proposalId) =>
  world.app.inject({
    method: 'POST',
    url: `/api/proposals/${id}/invitations`,
    headers: user.auth,
    payload: body,
  });
const accept = (token: string, user: TestUser) =>
  world.app.inject({
    method: 'POST',
    url: '/api/proposals/invitations/accept',
    headers: user.auth,
    payload: { token },
  });

/** The token is only in the invitation e-mail (the outbox payload until it is delivered). */
async function tokenSentTo(email: string): Promise<string> {
  const mails = (
    await world.ctx.db.db.select().from(schema.outbox).where(eq(schema.outbox.kind, 'mail'))
  ).filter((m) => m.payload.to === email.toLowerCase() && String(m.payload.subject).startsWith('Invitation'));
  const text = String(mails.at(-1)!.payload.text);
  return /"token": "([A-Za-z0-9_-]+)"/.exec(text)![1]!;
}

describe('invitations', () => {
  it('sends a single-use token by e-mail only, storing just its SHA-256', async () => {
    const res = await invite({ email: anna.email, role: 'editor', partnerId: 'karolinska' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      email: anna.email.toLowerCase(),
      role: 'editor',
      partnerId: 'karolinska',
      status: 'pending',
    });
    expect(JSON.stringify(res.json())).not.toMatch(/token/i);
    const token = await tokenSentTo(anna.email);
    const [row] = await world.ctx.db.db
      .select()
      .from(schema.proposalInvitations)
      .where(eq(schema.proposalInvitations.id, res.json().id));
    expect(row!.tokenHash).toBe(sha256Hex(token));
    expect(JSON.stringify(row)).not.toContain(token);
  });

  it('delivers the invitation e-mail to the development mailbox through the outbox', async () => {
    const result = await drainOutbox(world.ctx.db.db, () => world.ctx.clock.now(), {
      mail: mailOutboxHandler(world.ctx.config),
    });
    expect(result.failed).toBe(0);
    const dir = path.join(world.dataDir, 'mailbox');
    const files = await readdir(dir);
    const texts = await Promise.all(files.map((f) => readFile(path.join(dir, f), 'utf8')));
    const mail = texts.find((t) => t.includes(`To: ${anna.email.toLowerCase()}`));
    expect(mail).toBeDefined();
    expect(mail).toContain('Subject: Invitation to join the proposal PGX-HEART');
    expect(mail).toContain('/api/proposals/invitations/accept');
    // The link opens the web app's landing page, the token in the fragment (never sent to a server).
    const token = await tokenSentTo(anna.email);
    expect(mail!.replace(/=\r?\n/g, '')).toContain(`/proposal-invitation#${token}`);
  });

  it('needs a signed-in user to accept, and grants the invited role and partner section', async () => {
    const token = await tokenSentTo(anna.email);
    const anonymous = await world.app.inject({
      method: 'POST',
      url: '/api/proposals/invitations/accept',
      payload: { token },
    });
    expect(anonymous.statusCode).toBe(401);
    const res = await accept(token, anna);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ proposalId, role: 'editor', partnerId: 'karolinska' });
    const again = await accept(token, anna);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('INVITATION_USED');
    const members = await world.app.inject({
      url: `/api/proposals/${proposalId}/members`,
      headers: anna.auth,
    });
    expect(
      members.json().map((m: { role: string; partnerId: string | null }) => [m.role, m.partnerId]),
    ).toEqual([
      ['coordinator', null],
      ['editor', 'karolinska'],
    ]);
  });

  it("lets a partner's editor write only its own section", async () => {
    const own = await world.app.inject({
      method: 'PUT',
      url: `/api/proposals/${proposalId}/partners/karolinska`,
      headers: { ...anna.auth, 'if-match': '"1"' },
      payload: { ...samplePartners()[1]!, budget: { ...samplePartners()[1]!.budget, travel: 42 } },
    });
    expect(own.statusCode).toBe(200);
    const other = await world.app.inject({
      method: 'PUT',
      url: `/api/proposals/${proposalId}/partners/laval`,
      headers: { ...anna.auth, 'if-match': '"1"' },
      payload: samplePartners()[2],
    });
    expect(other.statusCode).toBe(403);
    const promote = await world.app.inject({
      method: 'PUT',
      url: `/api/proposals/${proposalId}/partners/karolinska`,
      headers: { ...anna.auth, 'if-match': '"2"' },
      payload: { ...samplePartners()[1]!, coordinator: true },
    });
    expect(promote.statusCode).toBe(403);
    expect(promote.json().errors[0].path).toBe('/coordinator');
    const header = await world.app.inject({
      method: 'PATCH',
      url: `/api/proposals/${proposalId}`,
      headers: { ...anna.auth, 'if-match': '"1"' },
      payload: { title: 'mine now' },
    });
    expect(header.statusCode).toBe(403);
    const remove = await world.app.inject({
      method: 'DELETE',
      url: `/api/proposals/${proposalId}/partners/laval`,
      headers: { ...anna.auth, 'if-match': '"1"' },
    });
    expect(remove.statusCode).toBe(403);
    const submit = await world.app.inject({
      method: 'POST',
      url: `/api/proposals/${proposalId}/submit`,
      headers: anna.auth,
    });
    expect(submit.statusCode).toBe(403);
    const inviteMore = await invite({ email: 'x@example.org', role: 'viewer' }, anna);
    expect(inviteMore.statusCode).toBe(403);
    const addPartner = await world.app.inject({
      method: 'POST',
      url: `/api/proposals/${proposalId}/partners`,
      headers: anna.auth,
      payload: { ...samplePartners()[1]!, id: 'anna-extra', coordinator: false },
    });
    expect(addPartner.statusCode).toBe(403);
    const partners = await world.app.inject({ url: `/api/proposals/${proposalId}`, headers: anna.auth });
    expect(partners.json().partners.map((p: { id: string }) => p.id)).not.toContain('anna-extra');
  });

  it('lets exactly one of two concurrent redemptions of one token succeed', async () => {
    const erin = await world.ctx.user([], 'erin');
    const frank = await world.ctx.user([], 'frank');
    await invite({ email: erin.email, role: 'viewer' });
    const token = await tokenSentTo(erin.email);
    const answers = await Promise.all([accept(token, erin), accept(token, frank)]);
    expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect(answers.find((r) => r.statusCode === 409)!.json().code).toBe('INVITATION_USED');
    const members = await world.ctx.db.db
      .select()
      .from(schema.proposalMembers)
      .where(eq(schema.proposalMembers.proposalId, proposalId));
    const joined = members.filter((m) => m.userId === erin.id || m.userId === frank.id);
    expect(joined).toHaveLength(1);
  });

  it('gives a viewer read access only', async () => {
    const viewer = await world.ctx.user([], 'viewer');
    await invite({ email: viewer.email, role: 'viewer' });
    expect((await accept(await tokenSentTo(viewer.email), viewer)).statusCode).toBe(200);
    expect(
      (await world.app.inject({ url: `/api/proposals/${proposalId}`, headers: viewer.auth })).statusCode,
    ).toBe(200);
    const write = await world.app.inject({
      method: 'PATCH',
      url: `/api/proposals/${proposalId}`,
      headers: { ...viewer.auth, 'if-match': '"1"' },
      payload: { title: 'viewer edit' },
    });
    expect(write.statusCode).toBe(403);
  });

  it('refuses a withdrawn invitation and an expired one', async () => {
    const bob = await world.ctx.user([], 'bob');
    const created = await invite({ email: bob.email, role: 'viewer' });
    const token = await tokenSentTo(bob.email);
    const revoked = await world.app.inject({
      method: 'DELETE',
      url: `/api/proposals/${proposalId}/invitations/${created.json().id}`,
      headers: coordinator.auth,
    });
    expect(revoked.statusCode).toBe(204);
    expect((await accept(token, bob)).json().code).toBe('INVITATION_USED');

    const carol = await world.ctx.user([], 'carol');
    await invite({ email: carol.email, role: 'viewer' });
    const later = await tokenSentTo(carol.email);
    world.ctx.clock.advance(15 * 24 * 3600_000);
    try {
      const res = await accept(later, await world.signIn(carol));
      expect(res.statusCode).toBe(410);
      expect(res.json().code).toBe('INVITATION_EXPIRED');
    } finally {
      world.ctx.clock.advance(-15 * 24 * 3600_000);
    }
    const unknown = await accept('x'.repeat(43), carol);
    expect(unknown.statusCode).toBe(404);
  });

  it('validates the invitation: role, partner section, unknown fields', async () => {
    expect(
      (await invite({ email: 'v@example.org', role: 'viewer', partnerId: 'laval' })).json().errors[0].path,
    ).toBe('/partnerId');
    expect(
      (await invite({ email: 'e@example.org', role: 'editor', partnerId: 'nowhere' })).json().errors[0].path,
    ).toBe('/partnerId');
    expect((await invite({ email: 'e@example.org', role: 'owner' })).statusCode).toBe(400);
    expect((await invite({ email: 'not-an-email', role: 'viewer' })).json().errors[0].path).toBe('/email');
    expect(
      (await invite({ email: 'e@example.org', role: 'viewer', admin: true })).json().errors[0].path,
    ).toBe('/admin');
  });

  it('removes a member: the grant goes with the membership, effective at once', async () => {
    const dave = await world.ctx.user([], 'dave');
    await invite({ email: dave.email, role: 'editor' });
    await accept(await tokenSentTo(dave.email), dave);
    expect(
      (await world.app.inject({ url: `/api/proposals/${proposalId}`, headers: dave.auth })).statusCode,
    ).toBe(200);
    const removed = await world.app.inject({
      method: 'DELETE',
      url: `/api/proposals/${proposalId}/members/${dave.id}`,
      headers: coordinator.auth,
    });
    expect(removed.statusCode).toBe(204);
    expect(
      (await world.app.inject({ url: `/api/proposals/${proposalId}`, headers: dave.auth })).statusCode,
    ).toBe(403);
    const grants = await world.ctx.db.db
      .select()
      .from(schema.roleGrants)
      .where(and(eq(schema.roleGrants.userId, dave.id), eq(schema.roleGrants.scopeId, proposalId)));
    expect(grants).toEqual([]);
    const selfRemoval = await world.app.inject({
      method: 'DELETE',
      url: `/api/proposals/${proposalId}/members/${coordinator.id}`,
      headers: coordinator.auth,
    });
    expect(selfRemoval.statusCode).toBe(409);
    const audit = await world.ctx.db.db
      .select()
      .from(schema.auditEvents)
      .where(
        and(
          eq(schema.auditEvents.targetId, proposalId),
          eq(schema.auditEvents.action, 'proposal.member_removed'),
        ),
      );
    expect(audit).toMatchObject([{ actorUserId: coordinator.id, details: { userId: dave.id } }]);
  });
});

describe('my proposals', () => {
  it("lists the user's proposals with role, state and the next deadline in the call's zone and theirs", async () => {
    const res = await world.app.inject({
      url: '/api/proposals/mine?zone=America/Toronto',
      headers: anna.auth,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.proposals).toHaveLength(1);
    const [p] = body.proposals;
    expect(p).toMatchObject({
      id: proposalId,
      role: 'editor',
      partnerId: 'karolinska',
      state: 'draft',
      call: { slug: 'team-call' },
    });
    expect(p.nextDeadline).toMatchObject({
      label: 'pre-proposal submission deadline',
      callZone: 'Europe/Brussels',
      zone: 'America/Toronto',
    });
    expect(new Date(p.nextDeadline.inZone).getTime()).toBe(new Date(p.nextDeadline.at).getTime());
    expect(new Date(p.nextDeadline.inCallZone).getTime()).toBe(new Date(p.nextDeadline.at).getTime());
    expect(p.nextDeadline.inZone).toMatch(/-05:00$/);
    expect(p.nextDeadline.inCallZone).toMatch(/\+01:00$/);
    const mine = await world.app.inject({ url: '/api/proposals/mine', headers: coordinator.auth });
    expect(mine.json().proposals.map((x: { role: string }) => x.role)).toEqual(['coordinator']);
    const bad = await world.app.inject({ url: '/api/proposals/mine?zone=Mars/Olympus', headers: anna.auth });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0]).toMatchObject({ in: 'query', path: '/zone' });
    const nobody = await world.ctx.user([], 'nobody');
    expect(
      (await world.app.inject({ url: '/api/proposals/mine', headers: nobody.auth })).json().proposals,
    ).toEqual([]);
  });
  it('uses the zone the user chose when the request names none', async () => {
    const deadlineZone = async (query = '') =>
      (await world.app.inject({ url: `/api/proposals/mine${query}`, headers: anna.auth })).json().proposals[0]
        .nextDeadline;
    expect(await deadlineZone()).toMatchObject({ zone: 'Europe/Brussels' });
    const chose = await world.app.inject({
      method: 'PATCH',
      url: '/api/auth/me',
      headers: anna.auth,
      payload: { timeZone: 'Asia/Tokyo' },
    });
    expect(chose.statusCode, chose.body).toBe(200);
    const inTokyo = await deadlineZone();
    expect(inTokyo).toMatchObject({ zone: 'Asia/Tokyo' });
    expect(inTokyo.inZone).toMatch(/\+09:00$/);
    expect(new Date(inTokyo.inZone).getTime()).toBe(new Date(inTokyo.at).getTime());
    // A zone in the request still wins.
    expect(await deadlineZone('?zone=America/Toronto')).toMatchObject({ zone: 'America/Toronto' });
  });
});
