// Helpers of the accounts browser tests: the mail a person receives (the platform's outbox, which
// the mailer delivers as it is), accounts and proposals made through the API as a person would,
// and screenshots.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Page } from '@playwright/test';
import { schema } from '@permed/db';
import type { World } from './platform.ts';

interface Mail {
  to: string;
  subject: string;
  text: string;
}

let mailbox = 0;
/** A fresh address per person, so tests never read each other's mail. */
export const newAddress = (name: string) =>
  `${name.toLowerCase()}.${++mailbox}.${Date.now()}@mail.example.org`;

/** What the person finds in their inbox, oldest first. */
export async function inbox(world: World, to: string): Promise<Mail[]> {
  const rows = await world.ctx.db.db
    .select({ payload: schema.outbox.payload })
    .from(schema.outbox)
    .where(and(eq(schema.outbox.kind, 'mail'), sql`${schema.outbox.payload}->>'to' = ${to}`))
    .orderBy(asc(schema.outbox.id));
  return rows.map((r) => r.payload as unknown as Mail);
}

/**
 * The page of the newest mail link to `page`, on this test's platform: the mail names PUBLIC_URL,
 * the link's path and token are what the person follows.
 */
export async function mailLink(
  world: World,
  to: string,
  page: 'verify-email' | 'reset-password',
): Promise<string> {
  const pattern = new RegExp(`/${page}\\?token=([A-Za-z0-9_-]+)`);
  // The mail is written in the same transaction as the answer; poll briefly all the same.
  for (let i = 0; i < 20; i++) {
    const mail = (await inbox(world, to)).findLast((m) => pattern.test(m.text));
    if (mail) return `${world.base}/${page}?token=${pattern.exec(mail.text)![1]!}`;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${page} link in the inbox of ${to}`);
}

async function api<T>(world: World, method: string, path: string, body?: object, token?: string): Promise<T> {
  const res = await fetch(world.base + path, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (res.status === 204 ? null : await res.json()) as T;
}

/** A verified account made through the API (sign-up, the mail's link), and its access token. */
export async function verifiedAccount(
  world: World,
  name: string,
  password = 'quiet lantern orbits marble 42',
): Promise<{ email: string; password: string; displayName: string; token: string }> {
  const email = newAddress(name);
  const displayName = `${name} Tester`;
  await api(world, 'POST', '/api/auth/sign-up', { email, displayName, password, language: 'en' });
  const link = new URL(await mailLink(world, email, 'verify-email'));
  await api(world, 'POST', '/api/auth/verify-email', { token: link.searchParams.get('token') });
  const tokens = await api<{ accessToken: string }>(world, 'POST', '/api/auth/login', { email, password });
  return { email, password, displayName, token: tokens.accessToken };
}

/** A proposal started in a call by the person holding `token`; they become its coordinator. */
export async function startProposal(
  world: World,
  token: string,
  body: { callSlug: string; acronym: string; title: string },
): Promise<{ id: string }> {
  return api<{ id: string }>(world, 'POST', '/api/proposals', body, token);
}

/** Where the screenshots go, for a person to look at: the system's temporary directory. */
export const shotsDir = join(tmpdir(), 'permed-calls-shots', 'accounts');

export async function shot(page: Page, name: string, fullPage = true): Promise<void> {
  mkdirSync(shotsDir, { recursive: true });
  await page.screenshot({ path: join(shotsDir, `${name}.png`), fullPage });
}
