// A person's account in a real browser: signs up (a weak password first, refused with the
// checker's advice), confirms the address from the mail, signs in, edits the profile (an ORCID
// with a wrong check digit is refused at once, then fixed), downloads their data, signs out;
// forgets the password and sets a new one; sees their proposals with state and deadline; is sent
// to sign in by pages that need it and brought back. Sign-in is also done with the keyboard
// alone. Every page passes axe's WCAG 2.2 A/AA rules at 1280 px and 360 px.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from '@playwright/test';
import { mailLink, newAddress, shot, startProposal, verifiedAccount } from './accounts-support.ts';
import { axeViolations, collectProblems, startWorld, visitor, type World } from './platform.ts';

let world: World;

beforeAll(async () => {
  // Each test signs in several times from 127.0.0.1; the per-address limit is not what is tested.
  world = await startWorld({ config: { AUTH_RATE_LIMIT_PER_MINUTE: 1000 } });
});
afterAll(async () => {
  await world?.close();
});

async function newPage(options = visitor) {
  const context = await world.browser.newContext({ ...options, acceptDownloads: true });
  const page = await context.newPage();
  return { page, problems: collectProblems(page), close: () => context.close() };
}

/**
 * Console errors other than the browser's note on each refused request: these journeys make the
 * server refuse on purpose (a weak password, a wrong one), and Chromium logs every 4xx answer.
 */
const unexpected = (problems: string[]) =>
  problems.filter((p) => !/^Failed to load resource: the server responded with a status of 4\d\d/.test(p));

/** axe at the desktop width and at 360 px, then back. */
async function expectAccessible(page: Page, name: string): Promise<void> {
  expect(await axeViolations(page), `${name} at 1280 px`).toEqual([]);
  await shot(page, `${name}-1280`);
  await page.setViewportSize({ width: 360, height: 800 });
  expect(await axeViolations(page), `${name} at 360 px`).toEqual([]);
  await shot(page, `${name}-360`);
  await page.setViewportSize({ width: 1280, height: 900 });
}

async function signInWith(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const strong = 'violet harbour cinnamon glacier 7';

describe('a person makes an account and looks after it', () => {
  it('signs up, confirms the address, signs in, edits the profile, downloads the data, signs out', async () => {
    const { page, problems, close } = await newPage();
    const email = newAddress('Grace');
    await page.goto(world.base + '/sign-up');
    await page.getByRole('heading', { level: 1, name: 'Create an account' }).waitFor();
    // The language is preselected from the interface.
    expect(await page.getByLabel('Language of pages and e-mails').inputValue()).toBe('en');
    await expectAccessible(page, 'sign-up');

    // Client-side first: an empty form names every missing field and focuses the first.
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect.poll(() => page.locator(':focus').getAttribute('autocomplete')).toBe('name');
    await page.getByText('Enter your name.').waitFor();

    await page.getByLabel('Name').fill('Grace Hopper');
    await page.getByLabel('E-mail address').fill(email);
    // Long enough, but a common password: the server's checker refuses it with advice.
    await page.getByLabel('New password').fill('password1234');
    await page.getByRole('button', { name: 'Create account' }).click();
    const password = page.getByLabel('New password');
    await page.getByText('This password is too easy to guess.', { exact: false }).first().waitFor();
    expect(await password.getAttribute('aria-invalid')).toBe('true');
    // The error (with the advice) is linked to the field and focus is on it.
    const described = (await password.getAttribute('aria-describedby')) ?? '';
    const errorText = await page.locator(`[id="${described.split(' ')[0]}"]`).textContent();
    expect(errorText).toContain('too easy to guess');
    // zxcvbn's own advice, as the server sent it.
    expect(errorText).toContain('commonly used password');
    await expect.poll(() => password.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await expectAccessible(page, 'sign-up-weak');

    await password.fill(strong);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { level: 1, name: 'Check your mail' }).waitFor();
    // The same words for any address: nothing says whether it had an account.
    const sentText = (await page.locator('main').textContent()) ?? '';
    expect(sentText).not.toContain(email);
    expect(sentText).toContain('If this address can be used for a new account');
    await expectAccessible(page, 'sign-up-sent');

    // Signing in before confirming is refused, with a way to get a new link.
    await page.goto(world.base + '/sign-in');
    await signInWith(page, email, strong);
    await page.getByRole('alert').getByText('not confirmed yet').waitFor();
    await page.getByRole('link', { name: /Sign up again/ }).waitFor();

    // The mail's link confirms the address.
    await page.goto(await mailLink(world, email, 'verify-email'));
    await page.getByText(`Your address ${email} is confirmed`).waitFor();
    await expectAccessible(page, 'verify-email');
    // Used once, the link is spent.
    const spent = await newPage();
    await spent.page.goto(await mailLink(world, email, 'verify-email'));
    await spent.page.getByText('This link is not valid').waitFor();
    await spent.close();

    await page.getByRole('link', { name: 'Sign in' }).last().click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await signInWith(page, email, 'not the password at all');
    await page.getByRole('alert').getByText('The e-mail address or the password is wrong.').waitFor();
    await page.getByLabel('Password', { exact: true }).fill(strong);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // With no page to return to, the person lands on their proposals; the header names them.
    await page.waitForURL('**/proposals');
    await page.getByRole('heading', { level: 1, name: 'My proposals' }).waitFor();
    const menu = page.getByRole('button', { name: /Grace Hopper/ });
    await menu.waitFor();
    expect(await page.evaluate(() => localStorage.getItem('permed.deviceToken'))).toBeTruthy();
    await expectAccessible(page, 'my-proposals-empty');

    // Profile, through the header's menu.
    await menu.click();
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    await page.getByRole('link', { name: 'Profile' }).click();
    await page.getByRole('heading', { level: 1, name: 'Profile' }).waitFor();
    await page.getByText(`Signed in as ${email}.`).waitFor();
    await expectAccessible(page, 'profile');

    await page.getByLabel('Name').fill('Grace B. Hopper');
    // A mistyped ORCID: the check character does not match, said as soon as the iD is complete.
    const orcid = page.getByLabel('ORCID iD');
    await orcid.fill('0000-0002-1825-0098');
    await page.getByText('This ORCID iD has a typing error').waitFor();
    expect(await orcid.getAttribute('aria-invalid')).toBe('true');
    // Saving is refused in the page, with focus on the field to fix.
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => orcid.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await orcid.fill('0000-0002-1825-0097');
    await expect.poll(() => orcid.getAttribute('aria-invalid')).toBeNull();
    // Time zone from the combobox: type a part, pick the zone.
    const zone = page.getByRole('combobox', { name: 'Time zone' });
    await zone.fill('Europe/Berl');
    await page.getByRole('option', { name: 'Europe/Berlin' }).waitFor();
    // React Aria shows the list once it is placed under the field.
    await expect
      .poll(
        () =>
          page
            .locator('.combo__popover')
            .evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).opacity),
        {
          timeout: 3000,
        },
      )
      .toBe('1');
    // The viewport only: a full-page shot resizes the page, and the list closes when it does.
    await shot(page, 'profile-time-zone', false);
    // Chosen with the keyboard: the list also closes when the page scrolls under a pointer.
    await zone.press('ArrowDown');
    await expect.poll(() => zone.getAttribute('aria-activedescendant')).toMatch(/Europe\/Berlin$/);
    await zone.press('Enter');
    await expect.poll(() => zone.inputValue()).toBe('Europe/Berlin');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Your profile is saved.').waitFor();
    // The new name is in the header at once.
    await page.getByRole('button', { name: /Grace B\. Hopper/ }).waitFor();
    // What the server keeps, read as the person through the API.
    const login = await fetch(`${world.base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: strong }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const me = await (
      await fetch(`${world.base}/api/auth/me`, { headers: { authorization: `Bearer ${accessToken}` } })
    ).json();
    expect(me).toMatchObject({
      displayName: 'Grace B. Hopper',
      orcid: '0000-0002-1825-0097',
      timeZone: 'Europe/Berlin',
    });

    // The data export arrives as a JSON file holding the account.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download my data' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('permed-calls-personal-data.json');
    const exported = JSON.parse(await readFile(await download.path(), 'utf8')) as {
      account: { email: string };
    };
    expect(JSON.stringify(exported)).toContain(email);
    expect(JSON.stringify(exported)).toContain('0000-0002-1825-0097');

    // Choosing German for the account changes the interface too.
    await page.getByLabel('Language of pages and e-mails').selectOption('de');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('de');
    await page.getByRole('heading', { level: 1, name: 'Profil' }).waitFor();

    // Sign out from the menu (in German now).
    await page.getByRole('button', { name: /Grace B\. Hopper/ }).click();
    await page.getByRole('button', { name: 'Abmelden' }).click();
    await page.getByRole('link', { name: 'Anmelden' }).waitFor();
    expect(await page.evaluate(() => localStorage.getItem('permed.refreshToken'))).toBeNull();
    // The device token stays: it keeps this browser's sign-ins apart from strangers' failures.
    expect(await page.evaluate(() => localStorage.getItem('permed.deviceToken'))).toBeTruthy();
    // The profile now needs a sign-in again, and comes back after it.
    await page.goto(world.base + '/profile');
    await page.waitForURL(
      (url) => url.pathname === '/sign-in' && url.searchParams.get('redirect') === '/profile',
    );
    expect(unexpected(problems)).toEqual([]);
    await close();
  });

  it('forgets the password and sets a new one from the mail, with the checker’s advice on a weak one', async () => {
    const account = await verifiedAccount(world, 'Ada');
    const { page, problems, close } = await newPage();
    await page.goto(world.base + '/sign-in');
    await page.getByRole('link', { name: 'Forgot your password?' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Forgot your password' }).waitFor();
    await expectAccessible(page, 'forgot-password');
    await page.getByLabel('E-mail address').fill(account.email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await page.getByText('If this address belongs to an account').waitFor();

    await page.goto(await mailLink(world, account.email, 'reset-password'));
    await page.getByRole('heading', { level: 1, name: 'Set a new password' }).waitFor();
    await expectAccessible(page, 'reset-password');
    await page.getByLabel('New password').fill('aaaaaaaaaaaa');
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByText('This password is too easy to guess.').waitFor();
    expect(await page.getByLabel('New password').getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page, 'reset-password-weak');

    // A refused password leaves the link usable.
    const fresh = 'saffron kettle meadow piano 19';
    await page.getByLabel('New password').fill(fresh);
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByText('Your password is changed.').waitFor();
    await page.getByRole('link', { name: 'Sign in' }).last().click();
    await signInWith(page, account.email, account.password);
    await page.getByText('The e-mail address or the password is wrong.').waitFor();
    await page.getByLabel('Password', { exact: true }).fill(fresh);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/proposals');
    expect(unexpected(problems)).toEqual([]);
    await close();
  });

  it('shows the time to try again when the address is locked after too many wrong passwords', async () => {
    const account = await verifiedAccount(world, 'Locked');
    const { page, close } = await newPage();
    await page.goto(world.base + '/sign-in');
    for (let i = 0; i < 5; i++) {
      await signInWith(page, account.email, `wrong password ${i}`);
      await page.getByText('The e-mail address or the password is wrong.').waitFor();
    }
    await signInWith(page, account.email, 'wrong password 5');
    const alert = page.getByRole('alert').filter({ hasText: 'Too many attempts for this address' });
    await alert.waitFor();
    // "try again at 10:42:17 AM": a clock time in the visitor's zone, not a number of seconds.
    expect(await alert.textContent()).toMatch(/try again at .*\d{1,2}:\d{2}/);
    await expectAccessible(page, 'sign-in-limited');
    await close();
  });
});

describe('my proposals', () => {
  it('sends a signed-out visitor to sign in, then lists their proposal with its state and deadline in both zones', async () => {
    const account = await verifiedAccount(world, 'Rosalind');
    const created = await startProposal(world, account.token, {
      callSlug: 'live-demo-call',
      acronym: 'HELIX',
      title: 'Helical structures in personalised oncology',
    });
    const stages = (await (await fetch(`${world.base}/api/calls/live-demo-call/stages`)).json()) as {
      stages: { kind: string; closesAt: { utc: string } }[];
    };
    const deadline = stages.stages.find((s) => s.kind === 'pre-proposal-submission')!.closesAt.utc;

    const { page, problems, close } = await newPage();
    await page.goto(world.base + '/proposals');
    await page.waitForURL(
      (url) => url.pathname === '/sign-in' && url.searchParams.get('redirect') === '/proposals',
    );
    await page.getByText('Sign in to see this page.').waitFor();
    await signInWith(page, account.email, account.password);
    await page.waitForURL('**/proposals');
    const item = page.getByRole('listitem').filter({ hasText: 'HELIX' });
    await item.waitFor();
    // Grouped under its call.
    await page.getByRole('heading', { level: 2, name: /Live demo call/ }).waitFor();
    const text = (await item.textContent()) ?? '';
    expect(text).toContain('Draft');
    expect(text).toContain('Coordinator');
    expect(text).toContain('Pre-proposal submission deadline');
    const inZone = (zone: string) =>
      new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: zone }).format(
        new Date(deadline),
      );
    expect(text).toContain(inZone('America/New_York'));
    expect(text).toContain(inZone('Europe/Brussels'));
    expect(await item.getByRole('link', { name: /HELIX/ }).getAttribute('href')).toBe(
      `/proposals/${created.id}`,
    );
    await expectAccessible(page, 'my-proposals');
    expect(unexpected(problems)).toEqual([]);
    await close();
  });
});

describe('with the keyboard alone', () => {
  it('signs in and opens the account menu without a pointer', async () => {
    const account = await verifiedAccount(world, 'Keys');
    const { page, problems, close } = await newPage();
    await page.goto(world.base + '/sign-in');
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    const focused = async () => {
      const el = page.locator(':focus');
      if ((await el.count()) === 0) return '';
      return el.evaluate(
        (node) =>
          `${node.tagName.toLowerCase()}:${node.getAttribute('autocomplete') ?? node.textContent?.trim()}`,
      );
    };
    // Tab from the top of the page until the e-mail field has focus.
    for (let i = 0; i < 20 && (await focused()) !== 'input:username'; i++) await page.keyboard.press('Tab');
    expect(await focused()).toBe('input:username');
    await page.keyboard.type(account.email);
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('input:current-password');
    await page.keyboard.type(account.password);
    await page.keyboard.press('Enter');
    await page.waitForURL('**/proposals');
    // The menu opens with Enter and closes with Escape, focus back on its button.
    const menu = page.getByRole('button', { name: /Keys Tester/ });
    await menu.focus();
    await page.keyboard.press('Enter');
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('a:My proposals');
    await page.keyboard.press('Escape');
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect(await menu.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    expect(unexpected(problems)).toEqual([]);
    await close();
  });
});

describe('translations', () => {
  it('shows the account pages in German and French', async () => {
    for (const [locale, title] of [
      ['de-DE', 'Konto anlegen'],
      ['fr-FR', 'Créer un compte'],
    ] as const) {
      const { page, close } = await newPage({ ...visitor, locale });
      await page.goto(world.base + '/sign-up');
      await page.getByRole('heading', { level: 1, name: title }).waitFor();
      await shot(page, `sign-up-${locale}`);
      expect(await axeViolations(page)).toEqual([]);
      await close();
    }
  });
});
