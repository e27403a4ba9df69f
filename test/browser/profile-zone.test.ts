// "Your time" beside a deadline follows the zone chosen in the profile: a person in Lisbon whose
// profile says Asia/Tokyo reads the call's deadline in Tokyo time; signed out, the same browser
// shows Lisbon's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from '@playwright/test';
import { axeViolations, collectProblems, startWorld, visitor, type World } from './platform.ts';
import { api, person, signIn } from './workspace-support.ts';

let world: World;

beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

const lisbon = { ...visitor, timezoneId: 'Europe/Lisbon' };

/** The zone named in the first "Your time" row of the call page. */
async function yourTimeZone(page: Page): Promise<string> {
  const row = page.locator('.times__row', { hasText: 'Your time' }).first();
  await expect.poll(async () => row.locator('.zone').textContent(), { timeout: 10_000 }).toMatch(/· /);
  return ((await row.locator('.zone').textContent()) ?? '').split('· ')[1]!.trim();
}

describe('the time zone of the profile', () => {
  it('reads the deadline in the profile zone when signed in, in the browser zone when not', async () => {
    const who = await person(world, 'tokyo');
    const saved = await api<{ timeZone: string }>(world, who, 'PATCH', '/api/auth/me', {
      timeZone: 'Asia/Tokyo',
    });
    expect(saved.body.timeZone).toBe('Asia/Tokyo');

    const signedIn = await world.browser.newContext(lisbon);
    await signIn(world, signedIn, who);
    const page = await signedIn.newPage();
    const problems = collectProblems(page);
    await page.goto(`${world.base}/calls/live-demo-call`);
    await expect.poll(() => yourTimeZone(page), { timeout: 10_000 }).toBe('Asia/Tokyo');
    // The call's own zone row is untouched.
    await expect
      .poll(() => page.locator('.times__row', { hasText: 'Call time' }).first().textContent())
      .not.toContain('Asia/Tokyo');
    // The footer names the same zone the deadlines are read in.
    expect(await page.locator('footer').textContent()).toContain('(Asia/Tokyo)');
    expect(await axeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await signedIn.close();

    const signedOut = await world.browser.newContext(lisbon);
    const anon = await signedOut.newPage();
    const meCalls: string[] = [];
    anon.on('request', (r) => {
      if (r.url().includes('/api/auth/me')) meCalls.push(r.url());
    });
    await anon.goto(`${world.base}/calls/live-demo-call`);
    expect(await yourTimeZone(anon)).toBe('Europe/Lisbon');
    expect(await anon.locator('footer').textContent()).toContain('(Europe/Lisbon)');
    // Signed out, the page asks for no profile.
    expect(meCalls).toEqual([]);
    await signedOut.close();
  });
});
