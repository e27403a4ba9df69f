// Helpers of the workspace browser tests: people with accounts, signed in by seeding the session
// the way the sign-in page leaves it (refresh token and user in localStorage), proposals and
// invitations made through the API, and the invitation token read from the outbox (the e-mail).
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import type { BrowserContext, Locator, Page } from '@playwright/test';
import { schema } from '@permed/db';
import type { World } from './platform.ts';

export interface Person {
  id: string;
  email: string;
  password: string;
  auth: { authorization: string };
}

export async function person(world: World, name: string): Promise<Person> {
  const user = await world.ctx.user([], name);
  return { id: user.id, email: user.email, password: user.password, auth: user.auth };
}

/** Signs the browser context in through the API, as the sign-in page would. */
export async function signIn(world: World, context: BrowserContext, who: Person): Promise<void> {
  const res = await fetch(`${world.base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: who.email, password: who.password }),
  });
  if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const tokens = (await res.json()) as { refreshToken: string; user: unknown };
  // Only when none is there: the page rotates the refresh token on use, and a later navigation
  // must not put the spent one back.
  await context.addInitScript(
    ([refresh, user]) => {
      if (!localStorage.getItem('permed.refreshToken')) {
        localStorage.setItem('permed.refreshToken', refresh);
        localStorage.setItem('permed.user', user);
      }
    },
    [tokens.refreshToken, JSON.stringify(tokens.user)] as const,
  );
}

export async function api<T>(
  world: World,
  who: Person,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T; etag: string | null }> {
  const res = await fetch(`${world.base}${path}`, {
    method,
    headers: {
      ...who.auth,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T, etag: res.headers.get('etag') };
}

export function partner(
  id: string,
  name: string,
  country: string,
  funderId: string,
  coordinator = false,
  personnel = 20_000_000,
) {
  return {
    id,
    organisation: { name, country, type: 'academia' as const },
    pi: { name: `PI of ${name}`, email: `${id}@example.org` },
    funderId,
    coordinator,
    budget: {
      currency: 'EUR',
      personnel,
      consumables: 0,
      equipment: 0,
      travel: 0,
      subcontracting: 0,
      overhead: 0,
    },
  };
}

export async function createProposal(
  world: World,
  coordinator: Person,
  acronym: string,
  partners: ReturnType<typeof partner>[] = [],
): Promise<string> {
  const res = await api<{ id: string }>(world, coordinator, 'POST', '/api/proposals', {
    callSlug: 'live-demo-call',
    acronym,
    modules: ['1A', '3B'],
    durationMonths: 36,
    partners,
  });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

/** Invites by e-mail through the API; returns the token as the e-mail carries it. */
export async function invite(
  world: World,
  coordinator: Person,
  proposalId: string,
  email: string,
  partnerId?: string,
): Promise<string> {
  const res = await api(world, coordinator, 'POST', `/api/proposals/${proposalId}/invitations`, {
    email,
    role: 'editor',
    ...(partnerId ? { partnerId } : {}),
  });
  if (res.status !== 201) throw new Error(`invite failed: ${res.status} ${JSON.stringify(res.body)}`);
  return invitationLink(world, email);
}

/** The link of the latest invitation e-mail to `email` (the outbox holds the mail until sent). */
export async function invitationLink(world: World, email: string): Promise<string> {
  const mails = (
    await world.ctx.db.db.select().from(schema.outbox).where(eq(schema.outbox.kind, 'mail'))
  ).filter((m) => m.payload.to === email.toLowerCase() && String(m.payload.subject).startsWith('Invitation'));
  const last: unknown = mails.at(-1)?.payload.text;
  const text = typeof last === 'string' ? last : '';
  const link = /(http\S+\/proposal-invitation#[A-Za-z0-9_-]+)/.exec(text)?.[1];
  if (!link) throw new Error(`no invitation link in: ${text}`);
  return link;
}

/** Chooses an option of a React Aria ComboBox as a person does: type, then pick. */
export async function chooseFunder(page: Page, scope: Locator, typed: string, option: RegExp): Promise<void> {
  const box = scope.getByRole('combobox', { name: 'Funder' });
  // Open the list with its button, type to filter it, pick the funder.
  await scope.getByRole('button', { name: 'Show the funders' }).click();
  await box.fill(typed);
  await page.getByRole('option', { name: option }).click();
  await expect.poll(() => box.inputValue()).toMatch(option);
}

/** Screenshots of the pages, to look at as a person would (in the system's temp directory). */
export const screenshotDir = path.join(tmpdir(), 'permed-workspace-screenshots');

export async function shoot(page: Page, name: string): Promise<void> {
  await mkdir(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}
