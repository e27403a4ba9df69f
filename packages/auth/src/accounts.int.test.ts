// Accounts through the HTTP routes on a real database: sign-up with e-mail verification, password
// reset and change, profile, personal-data export. Tokens are taken from the mail a person would
// receive (the outbox's 'mail' items, which the mailer delivers as they are), never from the
// database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, count, eq, sql } from 'drizzle-orm';
import { schema } from '@permed/db';
import type { App } from '@permed/http';
import type { TestContext } from '@permed/testing';
import { THROTTLE_FREE_ATTEMPTS } from './login-throttle.ts';
import { pruneAccountState } from './accounts.ts';
import { clientAddresses, startAuthApp } from './test-support/auth-app.ts';
import { hashToken } from './tokens.ts';

let ctx: TestContext;
let app: App;
const BASE = 'https://calls.example.org';

beforeAll(async () => {
  ({ ctx, app } = await startAuthApp({ PUBLIC_URL: `${BASE}/`, AUTH_RATE_LIMIT_PER_MINUTE: 20 }));
});
afterAll(async () => {
  await app.close();
  await ctx.close();
});

const fresh = clientAddresses(3);
let mailbox = 0;
const newAddress = (name: string) => `${name.toLowerCase()}.${++mailbox}@mail.example.org`;

const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: `/api/auth${url}`, remoteAddress: fresh(), payload, headers });
const get = (url: string, headers: Record<string, string>) =>
  app.inject({ method: 'GET', url: `/api/auth${url}`, headers });
const patchMe = (payload: object, headers: Record<string, string>) =>
  app.inject({ method: 'PATCH', url: '/api/auth/me', payload, headers });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

interface Mail {
  to: string;
  subject: string;
  text: string;
}
/** What the person finds in their inbox, oldest first. */
async function inbox(to: string): Promise<Mail[]> {
  const rows = await ctx.db.db
    .select({ payload: schema.outbox.payload })
    .from(schema.outbox)
    .where(and(eq(schema.outbox.kind, 'mail'), sql`${schema.outbox.payload}->>'to' = ${to}`))
    .orderBy(asc(schema.outbox.id));
  return rows.map((r) => r.payload as unknown as Mail);
}
/** The token of the link to `page` in the newest mail that has one. */
async function linkToken(to: string, page: 'verify-email' | 'reset-password'): Promise<string> {
  const pattern = new RegExp(`${BASE}/${page}\\?token=([A-Za-z0-9_-]+)`);
  const mail = (await inbox(to)).findLast((m) => pattern.test(m.text));
  if (!mail) throw new Error(`no ${page} link in the inbox of ${to}`);
  return pattern.exec(mail.text)![1]!;
}
/** A password that passes the policy; the seed is reversed so it never spells the person's name. */
const strong = (seed: string) => `Tidal-${[...seed.toLowerCase()].reverse().join('')}-Kq7!mZ2@`;

async function signUpAndVerify(name: string) {
  const email = newAddress(name);
  const password = strong(name);
  expect((await post('/sign-up', { email, displayName: `${name} Person`, password })).statusCode).toBe(202);
  expect((await post('/verify-email', { token: await linkToken(email, 'verify-email') })).statusCode).toBe(
    200,
  );
  const signIn = await post('/login', { email, password });
  expect(signIn.statusCode).toBe(200);
  return { email, password, tokens: signIn.json<{ accessToken: string; user: { id: string } }>() };
}

const auditActions = async (userId: string) =>
  (
    await ctx.db.db
      .select({ action: schema.auditEvents.action, actor: schema.auditEvents.actorUserId })
      .from(schema.auditEvents)
      .where(eq(schema.auditEvents.targetId, userId))
      .orderBy(asc(schema.auditEvents.id))
  ).map((r) => `${r.action} by ${r.actor === userId ? 'self' : (r.actor ?? 'anonymous')}`);

describe('sign-up and e-mail verification', () => {
  it('creates an unverified account, mails a single-use link, and signs in only after it is used', async () => {
    const email = newAddress('Ada');
    const password = strong('ada');
    const res = await post('/sign-up', {
      email: email.toUpperCase(),
      displayName: 'Ada Lovelace',
      password,
      language: 'fr',
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ status: 'mail-sent', message: expect.any(String) });

    const [mail] = await inbox(email);
    // In the language chosen at sign-up.
    expect(mail!.subject).toBe('Confirmez votre adresse e-mail pour PerMed Calls');
    const token = await linkToken(email, 'verify-email');
    // Stored as a hash only.
    const [stored] = await ctx.db.db
      .select()
      .from(schema.accountTokens)
      .where(eq(schema.accountTokens.tokenHash, hashToken(token)));
    expect(stored).toMatchObject({ purpose: 'verify-email' });
    expect(JSON.stringify(await ctx.db.db.select().from(schema.accountTokens))).not.toContain(token);

    const early = await post('/login', { email, password });
    expect(early.statusCode).toBe(403);
    expect(early.json().code).toBe('EMAIL_NOT_VERIFIED');
    // A wrong password tells nothing about the pending state.
    expect((await post('/login', { email, password: 'wrong-password' })).json().code).toBe(
      'INVALID_CREDENTIALS',
    );

    const verified = await post('/verify-email', { token });
    expect(verified.statusCode).toBe(200);
    expect(verified.json()).toEqual({ email });
    const again = await post('/verify-email', { token });
    expect(again.statusCode).toBe(400);
    expect(again.json()).toMatchObject({ code: 'LINK_INVALID', errors: [{ in: 'body', path: '/token' }] });

    const signedIn = await post('/login', { email, password });
    expect(signedIn.statusCode).toBe(200);
    const me = (await get('/me', bearer(signedIn.json().accessToken))).json();
    expect(me).toMatchObject({ email, displayName: 'Ada Lovelace', language: 'fr', emailVerified: true });
    expect(await auditActions(me.id)).toEqual([
      'user.signed_up by self',
      'auth.login_unverified by self',
      'auth.login_failed by self',
      'user.email_verified by self',
    ]);
    // Each account act is audited with the address of the client that asked (post() sends from 10.3.x.y).
    const ips = await ctx.db.db
      .select({ action: schema.auditEvents.action, details: schema.auditEvents.details })
      .from(schema.auditEvents)
      .where(eq(schema.auditEvents.targetId, me.id))
      .orderBy(asc(schema.auditEvents.id));
    for (const row of ips.filter((r) => r.action.startsWith('user.')))
      expect((row.details as { ip?: unknown }).ip, row.action).toMatch(/^10\.3\.\d+\.\d+$/);
  });

  it('answers a sign-up of a registered address exactly like a new one, and mails the owner instead', async () => {
    const owner = await signUpAndVerify('Owner');
    const before = await ctx.db.db.select({ n: count() }).from(schema.users);
    const theirs = await post('/sign-up', {
      email: owner.email,
      displayName: 'Mallory',
      password: strong('mallory'),
    });
    const brandNew = await post('/sign-up', {
      email: newAddress('New'),
      displayName: 'New Person',
      password: strong('new'),
    });
    expect(theirs.statusCode).toBe(brandNew.statusCode);
    expect(theirs.json()).toEqual(brandNew.json());
    expect(theirs.headers['content-type']).toBe(brandNew.headers['content-type']);
    expect((await ctx.db.db.select({ n: count() }).from(schema.users))[0]!.n).toBe(before[0]!.n + 1);

    const mails = await inbox(owner.email);
    expect(mails.at(-1)!.subject).toBe('Someone tried to register with your e-mail address');
    expect(mails.at(-1)!.text).toContain(`${BASE}/reset-password`);
    // Nothing changed for the owner: the old password still works, the intruder's does not.
    expect((await post('/login', { email: owner.email, password: owner.password })).statusCode).toBe(200);
    expect((await post('/login', { email: owner.email, password: strong('mallory') })).statusCode).toBe(401);
    // A second try within a minute sends no second mail (no inbox flooding), and answers the same.
    expect(
      (await post('/sign-up', { email: owner.email, displayName: 'M', password: strong('mallory') }))
        .statusCode,
    ).toBe(202);
    expect(await inbox(owner.email)).toHaveLength(mails.length);
  });

  it('lets the newest sign-up of an unverified address win: older links stop working', async () => {
    const email = newAddress('Twice');
    await post('/sign-up', { email, displayName: 'First Try', password: strong('first') });
    const first = await linkToken(email, 'verify-email');
    await post('/sign-up', { email, displayName: 'Second Try', password: strong('second') });
    const second = await linkToken(email, 'verify-email');
    expect(second).not.toBe(first);
    expect((await post('/verify-email', { token: first })).json().code).toBe('LINK_INVALID');
    expect((await post('/verify-email', { token: second })).statusCode).toBe(200);
    expect((await post('/login', { email, password: strong('first') })).statusCode).toBe(401);
    const ok = await post('/login', { email, password: strong('second') });
    expect(ok.json().user.displayName).toBe('Second Try');
  });

  it('lets a verification link expire after 48 hours', async () => {
    const email = newAddress('Late');
    await post('/sign-up', { email, displayName: 'Late Person', password: strong('late') });
    const token = await linkToken(email, 'verify-email');
    ctx.clock.advance(48 * 3600_000);
    expect((await post('/verify-email', { token })).json().code).toBe('LINK_INVALID');
  });

  it('refuses weak and personal passwords with the field path and advice, creating nothing', async () => {
    const email = newAddress('Weak');
    const weak = await post('/sign-up', { email, displayName: 'Weak Person', password: 'password1234' });
    expect(weak.statusCode).toBe(400);
    expect(weak.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(weak.json()).toMatchObject({
      code: 'WEAK_PASSWORD',
      errors: [{ in: 'body', path: '/password', code: 'weak', message: expect.any(String) }],
      feedback: { warning: expect.any(String), suggestions: expect.any(Array) },
    });
    for (const password of [' '.repeat(12), 'aaaaaaaaaaaa'])
      expect((await post('/sign-up', { email, displayName: 'Weak Person', password })).json().code).toBe(
        'WEAK_PASSWORD',
      );
    const personal = await post('/sign-up', { email, displayName: 'Weak Person', password: `${email}-Kq7!` });
    expect(personal.json()).toMatchObject({ code: 'WEAK_PASSWORD', errors: [{ code: 'personal' }] });
    expect(await inbox(email)).toEqual([]);
  });
});

describe('password reset by e-mail', () => {
  it('answers the same for an unknown address and sends it nothing', async () => {
    const known = await signUpAndVerify('Known');
    const a = await post('/password-reset', { email: known.email });
    const b = await post('/password-reset', { email: 'nobody.at.all@mail.example.org' });
    expect([a.statusCode, b.statusCode]).toEqual([202, 202]);
    expect(a.json()).toEqual(b.json());
    expect(await inbox('nobody.at.all@mail.example.org')).toEqual([]);
    expect((await inbox(known.email)).at(-1)!.subject).toBe('Reset your PerMed Calls password');
  });

  it('sets the new password, signs out every session, clears the throttle, and works once', async () => {
    const user = await signUpAndVerify('Reset');
    const other = (await post('/login', { email: user.email, password: user.password })).json();
    // A stranger has locked the account.
    for (let i = 0; i <= THROTTLE_FREE_ATTEMPTS; i++)
      await post('/login', { email: user.email, password: 'guess-guess' });
    expect((await post('/login', { email: user.email, password: user.password })).statusCode).toBe(429);

    await post('/password-reset', { email: user.email });
    const token = await linkToken(user.email, 'reset-password');
    const weak = await post('/password-reset/confirm', { token, password: 'password1234' });
    expect(weak.json()).toMatchObject({ code: 'WEAK_PASSWORD', errors: [{ path: '/password' }] });
    // The refusal did not use up the link.
    const done = await post('/password-reset/confirm', { token, password: strong('renewed') });
    expect(done.statusCode).toBe(204);

    for (const session of [user.tokens.accessToken, other.accessToken]) {
      const res = await get('/me', bearer(session));
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('SESSION_REVOKED');
    }
    expect((await post('/login', { email: user.email, password: user.password })).statusCode).toBe(401);
    expect((await post('/login', { email: user.email, password: strong('renewed') })).statusCode).toBe(200);
    expect((await post('/password-reset/confirm', { token, password: strong('third') })).json().code).toBe(
      'LINK_INVALID',
    );
    expect((await inbox(user.email)).at(-1)!.subject).toBe('Your PerMed Calls password was changed');
    expect(await auditActions(user.tokens.user.id)).toEqual(
      expect.arrayContaining(['user.password_reset_requested by anonymous', 'user.password_reset by self']),
    );
  });

  it('expires the link after an hour, and a newer link replaces an older one', async () => {
    const user = await signUpAndVerify('Expiry');
    await post('/password-reset', { email: user.email });
    const old = await linkToken(user.email, 'reset-password');
    ctx.clock.advance(61_000);
    await post('/password-reset', { email: user.email });
    const newer = await linkToken(user.email, 'reset-password');
    expect((await post('/password-reset/confirm', { token: old, password: strong('x1') })).json().code).toBe(
      'LINK_INVALID',
    );
    ctx.clock.advance(3600_000);
    expect(
      (await post('/password-reset/confirm', { token: newer, password: strong('x2') })).json().code,
    ).toBe('LINK_INVALID');
  });

  it('sends at most one reset mail a minute per account', async () => {
    const user = await signUpAndVerify('Flood');
    for (let i = 0; i < 5; i++)
      expect((await post('/password-reset', { email: user.email })).statusCode).toBe(202);
    expect((await inbox(user.email)).filter((m) => m.subject.startsWith('Reset'))).toHaveLength(1);
  });

  it('verifies an address whose owner resets instead of following the verification link', async () => {
    const email = newAddress('Forgot');
    await post('/sign-up', { email, displayName: 'Forgot Link', password: strong('forgot') });
    await post('/password-reset', { email });
    await post('/password-reset/confirm', {
      token: await linkToken(email, 'reset-password'),
      password: strong('chosen'),
    });
    expect((await post('/login', { email, password: strong('chosen') })).statusCode).toBe(200);
  });
});

describe('password change', () => {
  it('needs the current password, checks the new one, and ends the other sessions only', async () => {
    const user = await signUpAndVerify('Changer');
    const other = (await post('/login', { email: user.email, password: user.password })).json();
    const auth = bearer(user.tokens.accessToken);
    const wrong = await post(
      '/me/password',
      { currentPassword: 'not-it', newPassword: strong('next') },
      auth,
    );
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: '/currentPassword' }] });
    const weak = await post(
      '/me/password',
      { currentPassword: user.password, newPassword: 'aaaaaaaaaaaa' },
      auth,
    );
    expect(weak.json()).toMatchObject({ code: 'WEAK_PASSWORD', errors: [{ path: '/newPassword' }] });
    const ok = await post(
      '/me/password',
      { currentPassword: user.password, newPassword: strong('next') },
      auth,
    );
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ sessionsRevoked: 1 });
    expect((await get('/me', auth)).statusCode).toBe(200);
    expect((await get('/me', bearer(other.accessToken))).statusCode).toBe(401);
    expect((await post('/login', { email: user.email, password: strong('next') })).statusCode).toBe(200);
    expect(await auditActions(user.tokens.user.id)).toEqual(
      expect.arrayContaining(['user.password_change_failed by self', 'user.password_changed by self']),
    );
  });

  it('counts wrong current passwords in the account throttle', async () => {
    const user = await signUpAndVerify('Guessed');
    const auth = bearer(user.tokens.accessToken);
    for (let i = 0; i < THROTTLE_FREE_ATTEMPTS; i++)
      expect(
        (await post('/me/password', { currentPassword: `guess-${i}`, newPassword: strong('n') }, auth))
          .statusCode,
      ).toBe(400);
    const locked = await post(
      '/me/password',
      { currentPassword: user.password, newPassword: strong('n') },
      auth,
    );
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['retry-after']).toBe('30');
  });

  it('does not count refused new passwords once the current one was right', async () => {
    const user = await signUpAndVerify('Fumbler');
    const auth = bearer(user.tokens.accessToken);
    for (let i = 0; i <= THROTTLE_FREE_ATTEMPTS; i++)
      expect(
        (
          await post('/me/password', { currentPassword: user.password, newPassword: 'password1234' }, auth)
        ).json().code,
      ).toBe('WEAK_PASSWORD');
    expect((await post('/login', { email: user.email, password: user.password })).statusCode).toBe(200);
  });
});

describe('profile', () => {
  it('reads and changes name, ORCID, time zone and language, auditing the changed fields', async () => {
    const user = await signUpAndVerify('Profile');
    const auth = bearer(user.tokens.accessToken);
    expect((await get('/me', auth)).json()).toMatchObject({
      orcid: null,
      timeZone: null,
      language: null,
      emailVerified: true,
    });
    const changed = await patchMe(
      { displayName: 'Dr Profile', orcid: '0000-0002-1694-233X', timeZone: 'Europe/Paris', language: 'de' },
      auth,
    );
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({
      displayName: 'Dr Profile',
      orcid: '0000-0002-1694-233X',
      timeZone: 'Europe/Paris',
      language: 'de',
    });
    expect((await get('/me', auth)).json()).toMatchObject({
      displayName: 'Dr Profile',
      orcid: '0000-0002-1694-233X',
    });
    const cleared = await patchMe({ orcid: null }, auth);
    expect(cleared.json()).toMatchObject({ orcid: null, timeZone: 'Europe/Paris' });
    const [row] = await ctx.db.db
      .select({ details: schema.auditEvents.details })
      .from(schema.auditEvents)
      .where(
        and(
          eq(schema.auditEvents.targetId, user.tokens.user.id),
          eq(schema.auditEvents.action, 'user.profile_changed'),
        ),
      )
      .orderBy(asc(schema.auditEvents.id))
      .limit(1);
    expect(row!.details).toEqual({ fields: ['displayName', 'language', 'orcid', 'timeZone'] });
  });

  it.each([
    [{ orcid: '0000-0002-1694-2330' }, '/orcid'],
    [{ orcid: 'https://orcid.org/0000-0002-1694-233X' }, '/orcid'],
    [{ timeZone: 'Mars/Olympus' }, '/timeZone'],
    [{ language: 'es' }, '/language'],
    [{ displayName: '   ' }, '/displayName'],
    [{ email: 'other@example.org' }, '/email'],
  ])('refuses %j at %s', async (body, path) => {
    const user = await signUpAndVerify('Bad');
    const res = await patchMe(body, bearer(user.tokens.accessToken));
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_FAILED');
    expect(res.json().errors[0].path).toBe(path);
  });

  it('answers {} with the profile as it is, changing nothing', async () => {
    const user = await signUpAndVerify('Same');
    const auth = bearer(user.tokens.accessToken);
    expect((await patchMe({ timeZone: 'Europe/Paris' }, auth)).statusCode).toBe(200);
    const res = await patchMe({}, auth);
    expect(res.statusCode).toBe(200);
    expect(res.json().timeZone).toBe('Europe/Paris');
  });
});

describe('personal data export', () => {
  it('gives the person everything held about them, and nothing secret', async () => {
    const user = await signUpAndVerify('Export');
    const userId = user.tokens.user.id;
    await ctx.db.db
      .insert(schema.roleGrants)
      .values({ userId, role: 'applicant', scopeType: 'proposal', scopeId: 'p-export', subRole: 'editor' });
    const [call] = await ctx.db.db
      .insert(schema.calls)
      .values({ slug: 'export-call', draft: {}, createdAt: ctx.clock.now() })
      .returning({ id: schema.calls.id });
    const other = await ctx.user([], 'coordinator');
    const [proposal] = await ctx.db.db
      .insert(schema.proposals)
      .values({
        callId: call!.id,
        stage: 'pre-proposal',
        acronym: 'EXPORT',
        coordinatorUserId: other.id,
        draft: {},
        createdAt: ctx.clock.now(),
        updatedAt: ctx.clock.now(),
      })
      .returning({ id: schema.proposals.id });
    await ctx.db.db.insert(schema.proposalMembers).values({
      proposalId: proposal!.id,
      userId,
      role: 'editor',
      partnerId: 'lab',
      addedAt: ctx.clock.now(),
    });
    await ctx.db.db.insert(schema.proposalPartners).values({
      proposalId: proposal!.id,
      partnerId: 'lab',
      position: 1,
      section: { pi: { name: 'Export Person', email: user.email } },
      updatedAt: ctx.clock.now(),
    });

    const res = await get('/me/export', bearer(user.tokens.accessToken));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="permed-calls-personal-data.json"');
    const data = res.json();
    expect(data).toMatchObject({
      format: 'permed-calls/personal-data/v1',
      user: {
        id: userId,
        email: user.email,
        displayName: 'Export Person',
        emailVerifiedAt: expect.any(String),
      },
      roles: [{ role: 'applicant', scopeType: 'proposal', scopeId: 'p-export', subRole: 'editor' }],
      proposals: {
        coordinated: [],
        memberships: [{ proposalId: proposal!.id, acronym: 'EXPORT', role: 'editor', partnerId: 'lab' }],
        principalInvestigatorOf: [{ proposalId: proposal!.id, partnerId: 'lab' }],
      },
    });
    expect(data.sessions).toHaveLength(1);
    expect(Object.keys(data.sessions[0]).sort()).toEqual([
      'createdAt',
      'expiresAt',
      'id',
      'ip',
      'revokedAt',
      'userAgent',
    ]);
    expect(data.auditEventsAsActor.map((a: { action: string }) => a.action)).toEqual(
      expect.arrayContaining(['user.signed_up', 'user.email_verified', 'auth.login']),
    );
    const text = res.body;
    expect(text).not.toMatch(/scrypt\$|passwordHash|refreshTokenHash|tokenHash/);
    // The coordinator's data is not in it.
    expect(text).not.toContain(other.email);
    expect(await auditActions(userId)).toContain('user.data_exported by self');
  });

  it('needs a signed-in person', async () => {
    expect((await app.inject('/api/auth/me/export')).statusCode).toBe(401);
  });
});

describe('housekeeping', () => {
  it('forgets quiet throttles, expired links and sign-ups never verified in 30 days', async () => {
    const pendingEmail = newAddress('Never');
    await post('/sign-up', { email: pendingEmail, displayName: 'Never Verified', password: strong('never') });
    const kept = await signUpAndVerify('Kept');
    await post('/login', { email: 'sprayed@mail.example.org', password: 'guess-guess' });
    const before = await pruneAccountState(ctx.db.db, ctx.clock.now());
    expect(before.pendingAccounts).toBe(0);

    ctx.clock.advance(30 * 24 * 3600_000 + 1000);
    const after = await pruneAccountState(ctx.db.db, ctx.clock.now());
    expect(after.pendingAccounts).toBeGreaterThanOrEqual(1);
    expect(after.throttles).toBeGreaterThanOrEqual(1);
    expect(after.tokens).toBeGreaterThanOrEqual(1);
    const emails = (await ctx.db.db.select({ email: schema.users.email }).from(schema.users)).map(
      (u) => u.email,
    );
    expect(emails).not.toContain(pendingEmail);
    expect(emails).toContain(kept.email);
    expect(await ctx.db.db.select().from(schema.loginThrottles)).toEqual([]);
    // The address is free again: a new sign-up gets a verification link, not "already registered".
    await post('/sign-up', { email: pendingEmail, displayName: 'Second Chance', password: strong('chance') });
    expect((await inbox(pendingEmail)).at(-1)!.subject).toBe('Confirm your e-mail address for PerMed Calls');
  });
});

describe('limits and documentation', () => {
  it('rate-limits sign-up, verification and reset per client address', async () => {
    for (const [url, payload] of [
      ['/sign-up', { email: 'limit@mail.example.org', displayName: 'L', password: 'x' }],
      ['/verify-email', { token: 'x'.repeat(43) }],
      ['/password-reset', { email: 'limit@mail.example.org' }],
      ['/password-reset/confirm', { token: 'x'.repeat(43), password: 'x' }],
    ] as const) {
      const codes: number[] = [];
      for (let i = 0; i < 21; i++)
        codes.push(
          (await app.inject({ method: 'POST', url: `/api/auth${url}`, remoteAddress: '10.99.0.1', payload }))
            .statusCode,
        );
      expect(codes.at(-1)).toBe(429);
      expect(codes.slice(0, 20)).not.toContain(429);
    }
  });

  it('documents every account route with its operation id and response schemas', async () => {
    const doc = (await app.inject('/docs/json')).json();
    const ops: Record<string, [string, string[]]> = {
      signUp: ['/api/auth/sign-up', ['202', '400', '429']],
      verifyEmail: ['/api/auth/verify-email', ['200', '400']],
      requestPasswordReset: ['/api/auth/password-reset', ['202', '429']],
      resetPassword: ['/api/auth/password-reset/confirm', ['204', '400']],
      changePassword: ['/api/auth/me/password', ['200', '400', '429']],
      exportMyData: ['/api/auth/me/export', ['200']],
      updateMe: ['/api/auth/me', ['200', '400']],
      login: ['/api/auth/login', ['200', '429']],
      refreshSession: ['/api/auth/refresh', ['200']],
      logout: ['/api/auth/logout', ['204']],
      getMe: ['/api/auth/me', ['200']],
    };
    for (const [operationId, [path, statuses]] of Object.entries(ops)) {
      const operation = Object.values(
        doc.paths[path] as Record<string, { operationId: string; responses: object }>,
      ).find((o) => o.operationId === operationId);
      expect(operation, operationId).toBeDefined();
      expect(Object.keys(operation!.responses)).toEqual(expect.arrayContaining(statuses));
    }
  });
});
