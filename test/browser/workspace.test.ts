// The consortium's workspace in a real browser: a coordinator applies to the live demo call and
// builds a three-country consortium while the eligibility check explains what is missing; two
// people edit one section and the later save shows both versions instead of losing either; an
// invited partner follows the e-mail's link, signs in, accepts and edits its own section only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from '@playwright/test';
import { axeViolations, collectProblems, startWorld, visitor, type World } from './platform.ts';
import {
  api,
  chooseFunder,
  createProposal,
  invite,
  partner,
  person,
  shoot,
  signIn,
  type Person,
} from './workspace-support.ts';

let world: World;

beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

async function signedInPage(who: Person, options = visitor) {
  const context = await world.browser.newContext(options);
  await signIn(world, context, who);
  const page = await context.newPage();
  return { page, context, problems: collectProblems(page) };
}

async function expectAccessible(page: Page, label: string): Promise<void> {
  for (const width of [1280, 360]) {
    await page.setViewportSize({ width, height: 900 });
    expect(await axeViolations(page), `${label} at ${width} px`).toEqual([]);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

async function addPartner(
  page: Page,
  p: {
    name: string;
    country: string;
    funder: RegExp;
    typed: string;
    personnel: string;
    coordinator?: boolean;
  },
): Promise<void> {
  await page.getByRole('button', { name: 'Add a partner' }).click();
  const form = page.getByRole('form', { name: 'New partner' });
  const org = form.getByRole('group', { name: 'Organisation' });
  await org.getByLabel('Name').fill(p.name);
  await org.getByLabel('Country').selectOption(p.country);
  await org.getByLabel('Type').selectOption('academia');
  const pi = form.getByRole('group', { name: 'Principal investigator' });
  await pi.getByLabel('Name').fill(`PI of ${p.name}`);
  await pi.getByLabel('E-mail').fill(`pi.${p.country.toLowerCase()}@example.org`);
  if (p.coordinator) await pi.getByLabel('This partner coordinates the consortium').check();
  await chooseFunder(page, form, p.typed, p.funder);
  await form.getByLabel('Personnel (EUR)').fill(p.personnel);
  await form.getByRole('button', { name: 'Add partner', exact: true }).click();
  await page.getByRole('heading', { level: 3, name: new RegExp(p.name) }).waitFor();
}

const panel = (page: Page): Locator => page.getByRole('complementary', { name: 'Eligibility check' });

describe('a coordinator builds a consortium', () => {
  it('applies from the call page, sees why two partners are not eligible, adds a third and sees it clear', async () => {
    const coordinator = await person(world, 'coordinator');
    const { page, context, problems } = await signedInPage(coordinator);
    await page.goto(`${world.base}/calls/live-demo-call`);
    const apply = page.getByRole('region', { name: 'Apply to this call' });
    await apply.getByLabel('Acronym').fill('PGX-KIDS');
    await apply.getByRole('button', { name: 'Start a proposal' }).click();
    await page.waitForURL(/\/proposals\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { level: 1, name: /PGX-KIDS/ }).waitFor();
    await expect.poll(() => panel(page).getByRole('status').textContent()).toContain('Add partners');

    // The sections: title, abstract with its counter in code points, modules, duration.
    await page.getByLabel('Title', { exact: true }).fill('Pharmacogenomics for children');
    await page.getByLabel('Abstract').fill('Dosing 😀 by genotype.');
    await page.getByText('21 of 1600 characters').waitFor(); // the emoji is one character
    await page.getByRole('checkbox', { name: /1A/ }).check();
    await page.getByRole('checkbox', { name: /3B/ }).check();
    await page.getByLabel('Duration (months)').fill('36');
    await page.getByRole('button', { name: 'Save proposal sections' }).click();
    await page.getByText('Saved.').first().waitFor();

    await addPartner(page, {
      name: 'Charité',
      country: 'DE',
      typed: 'BMBF',
      funder: /^BMBF/,
      personnel: '200000',
      coordinator: true,
    });
    // Money through Intl, with the requested total shown.
    await page.getByText('€200,000').first().waitFor();
    await addPartner(page, {
      name: 'Inserm',
      country: 'FR',
      typed: 'ANR',
      funder: /^ANR/,
      personnel: '150000',
    });

    // Two partners from two countries: the call's rules say why that is not enough, with sources.
    const verdict = panel(page);
    await expect
      .poll(() => verdict.getByRole('status').textContent())
      .toMatch(/Not eligible yet: 2 blocking/);
    await verdict
      .getByText(/The call requires at least 3 partners eligible for funding; only 2 are/)
      .waitFor();
    await verdict.getByText(/must come from at least 3 countries; they come from 2 countries/).waitFor();
    const rule = verdict.getByRole('listitem').filter({ hasText: 'at least 3 partners eligible' });
    expect(await rule.textContent()).toMatch(/Rule:/);
    expect(await rule.getByRole('link').getAttribute('href')).toMatch(/^https?:\/\//);
    await shoot(page, 'workspace-error-desktop');

    // The live check follows the form before it is saved: a Spanish partner with ISCIII.
    await page.getByRole('button', { name: 'Add a partner' }).click();
    const form = page.getByRole('form', { name: 'New partner' });
    const org = form.getByRole('group', { name: 'Organisation' });
    await org.getByLabel('Name').fill('Hospital Clínic');
    await org.getByLabel('Country').selectOption('ES');
    await org.getByLabel('Type').selectOption('clinical-public-health');
    const pi = form.getByRole('group', { name: 'Principal investigator' });
    await pi.getByLabel('Name').fill('Dr Puig');
    await pi.getByLabel('E-mail').fill('puig@example.org');
    await chooseFunder(page, form, 'ISCIII', /^ISCIII/);
    await form.getByLabel('Personnel (EUR)').fill('180000');
    await expect.poll(() => verdict.getByRole('status').textContent()).toMatch(/No blocking problem/);
    expect(await verdict.getByText(/only 2 are/).count()).toBe(0);
    // ISCIII's national rule still warns, per funder, without blocking.
    await verdict.getByRole('heading', { name: /National rules of ISCIII/ }).waitFor();
    await form.getByRole('button', { name: 'Add partner', exact: true }).click();
    await page.getByRole('heading', { level: 3, name: /Hospital Clínic/ }).waitFor();

    const id = new URL(page.url()).pathname.split('/').at(-1)!;
    const saved = await api<{ partners: { id: string; funderId: string; budget: { personnel: number } }[] }>(
      world,
      coordinator,
      'GET',
      `/api/proposals/${id}`,
    );
    expect(saved.body.partners.map((p) => [p.funderId, p.budget.personnel])).toEqual([
      ['bmbf', 20_000_000],
      ['anr', 15_000_000],
      ['isciii', 18_000_000],
    ]);
    await shoot(page, 'workspace-eligible-desktop');
    await expectAccessible(page, 'workspace');
    await page.setViewportSize({ width: 360, height: 780 });
    await shoot(page, 'workspace-phone');
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('two people edit the same section', () => {
  it('the later save gets 412, sees both versions, keeps theirs and loses nothing', async () => {
    const coordinator = await person(world, 'anna');
    const colleague = await person(world, 'ben');
    const id = await createProposal(world, coordinator, 'TWO-EDIT', [
      partner('charite', 'Charité', 'DE', 'bmbf', true),
    ]);
    const token = new URL(await invite(world, coordinator, id, colleague.email)).hash.slice(1);
    expect((await api(world, colleague, 'POST', '/api/proposals/invitations/accept', { token })).status).toBe(
      200,
    );

    const a = await signedInPage(coordinator);
    const b = await signedInPage(colleague);
    for (const { page } of [a, b]) {
      await page.goto(`${world.base}/proposals/${id}`);
      await page.getByRole('heading', { level: 1, name: /TWO-EDIT/ }).waitFor();
    }
    // Ben starts typing first; Anna saves first.
    await b.page.getByRole('textbox', { name: 'Abstract' }).fill('Ben’s abstract, typed carefully.');
    await b.page.getByLabel('Title', { exact: true }).fill('Ben’s title');
    await a.page.getByRole('textbox', { name: 'Abstract' }).fill('Anna’s abstract.');
    await a.page.getByRole('button', { name: 'Save proposal sections' }).click();
    await a.page.getByText('Saved.').first().waitFor();

    await b.page.getByRole('button', { name: 'Save proposal sections' }).click();
    const conflict = b.page
      .getByRole('alert')
      .filter({ hasText: 'Someone else changed this while you were editing' });
    await conflict.waitFor();
    const field = conflict.getByRole('group', { name: 'Abstract' });
    expect(await field.getByTestId('conflict-theirs').textContent()).toBe('Anna’s abstract.');
    expect(await field.getByTestId('conflict-mine').textContent()).toBe('Ben’s abstract, typed carefully.');
    // Ben's text is still in the field while he decides.
    expect(await b.page.getByRole('textbox', { name: 'Abstract' }).inputValue()).toBe(
      'Ben’s abstract, typed carefully.',
    );
    await shoot(b.page, 'workspace-conflict-desktop');
    expect(await axeViolations(b.page)).toEqual([]);
    await field.getByRole('button', { name: 'Keep mine' }).click();
    await b.page.getByText('Saved.').first().waitFor();

    const now = await api<{ header: { abstract: string; title: string; version: number } }>(
      world,
      coordinator,
      'GET',
      `/api/proposals/${id}`,
    );
    expect(now.body.header.abstract).toBe('Ben’s abstract, typed carefully.');
    // The field only Ben changed went through with the same save.
    expect(now.body.header.title).toBe('Ben’s title');
    expect(now.body.header.version).toBe(3);
    expect(a.problems.filter((p) => !p.includes('412'))).toEqual([]);
    await a.context.close();
    await b.context.close();
  });
});

describe('unsaved work', () => {
  it('asks before leaving the page with unsaved text, and stays when told to', async () => {
    const coordinator = await person(world, 'fiona');
    const id = await createProposal(world, coordinator, 'LEAVING');
    const { page, context, problems } = await signedInPage(coordinator);
    await page.goto(`${world.base}/proposals/${id}`);
    await page.getByRole('textbox', { name: 'Abstract' }).fill('Half a thought');
    await page.getByText('Unsaved changes').waitFor();
    const asked: string[] = [];
    page.once('dialog', (dialog) => {
      asked.push(dialog.message());
      void dialog.dismiss();
    });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Calls' }).click();
    await expect
      .poll(() => asked)
      .toEqual(['You have changes that are not saved. Leave this page and lose them?']);
    expect(new URL(page.url()).pathname).toBe(`/proposals/${id}`);
    expect(await page.getByRole('textbox', { name: 'Abstract' }).inputValue()).toBe('Half a thought');
    // Once saved, leaving asks nothing.
    await page.getByRole('button', { name: 'Save proposal sections' }).click();
    await page.getByText('Saved.').first().waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Calls' }).click();
    await page.waitForURL(`${world.base}/`);
    expect(asked).toHaveLength(1);
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('signed out', () => {
  it('asks to sign in, and comes back here afterwards, when the session has ended', async () => {
    const coordinator = await person(world, 'gina');
    const id = await createProposal(world, coordinator, 'EXPIRED');
    const context = await world.browser.newContext(visitor);
    // What a browser holds after its refresh token was revoked elsewhere.
    await context.addInitScript(() => {
      localStorage.setItem('permed.refreshToken', 'revoked-elsewhere');
      localStorage.setItem(
        'permed.user',
        JSON.stringify({ id: 'x', email: 'x@example.org', displayName: 'X' }),
      );
    });
    const page = await context.newPage();
    await page.goto(`${world.base}/proposals/${id}`);
    await page.getByRole('heading', { level: 1, name: 'Sign in to open this proposal' }).waitFor();
    expect(await page.getByRole('link', { name: 'Sign in', exact: true }).last().getAttribute('href')).toBe(
      `/sign-in?redirect=${encodeURIComponent(`/proposals/${id}`)}`,
    );
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });
});

describe('an invited partner', () => {
  it('opens the e-mail link signed out, signs in, accepts, and edits its own section only', async () => {
    const coordinator = await person(world, 'carla');
    const guest = await person(world, 'didier');
    const id = await createProposal(world, coordinator, 'INVITED', [
      partner('charite', 'Charité', 'DE', 'bmbf', true),
      partner('inserm', 'Inserm', 'FR', 'anr'),
    ]);
    const link = await invite(world, coordinator, id, guest.email, 'inserm');
    expect(link).toMatch(/^http:\/\/[^/]+\/proposal-invitation#[A-Za-z0-9_-]{43}$/);

    const context = await world.browser.newContext(visitor);
    const page = await context.newPage();
    const problems = collectProblems(page);
    await page.goto(link.replace(/^http:\/\/[^/]+/, world.base));
    await page.getByRole('heading', { level: 1, name: 'Invitation to a proposal' }).waitFor();
    // The token leaves the address bar; the way back after signing in needs no fragment.
    expect(new URL(page.url()).hash).toBe('');
    const signInLink = page.getByRole('link', { name: 'Sign in' }).last();
    expect(await signInLink.getAttribute('href')).toBe('/sign-in?redirect=%2Fproposal-invitation');
    expect(await page.getByRole('link', { name: 'Create an account' }).getAttribute('href')).toBe(
      '/sign-up?redirect=%2Fproposal-invitation',
    );
    await expectAccessible(page, 'invitation (signed out)');
    await shoot(page, 'invitation-signed-out');

    // Signing in (here: the session the sign-in page would leave), then back to the redirect.
    await signIn(world, context, guest);
    await page.goto(`${world.base}/proposal-invitation`);
    await page.getByText(`You are signed in as ${guest.email}`).waitFor();
    await expectAccessible(page, 'invitation (signed in)');
    await page.getByRole('button', { name: 'Accept the invitation' }).click();
    await page.waitForURL(new RegExp(`/proposals/${id}#partner-inserm$`));

    // Its own section is editable, the coordinator's is read only, the proposal's header too.
    const own = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: /Inserm/ }) });
    await own.getByText('Your section').waitFor();
    const other = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: /Charité/ }) });
    await other.getByText(/Read only/).waitFor();
    expect(await other.getByRole('button').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Save proposal sections' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Add a partner' }).count()).toBe(0);

    // The link of the invitation opened the partner's own section for editing.
    const form = page.getByRole('form', { name: 'Edit Inserm' });
    expect(await own.getByRole('form', { name: 'Edit Inserm' }).count()).toBe(1);
    await form.getByLabel('Travel (EUR)').fill('12000');
    await form.getByRole('button', { name: 'Save partner' }).click();
    await form.getByText('Saved.').waitFor();
    await expectAccessible(page, 'workspace (partner)');
    await shoot(page, 'workspace-partner');

    const view = await api<{ partners: { id: string; version: number; budget: { travel: number } }[] }>(
      world,
      guest,
      'GET',
      `/api/proposals/${id}`,
    );
    expect(view.body.partners.find((p) => p.id === 'inserm')?.budget.travel).toBe(1_200_000);
    // The server, not only the page, refuses the other section.
    const charite = view.body.partners.find((p) => p.id === 'charite')!;
    const refused = await api<{ code: string }>(
      world,
      guest,
      'PUT',
      `/api/proposals/${id}/partners/charite`,
      partner('charite', 'Charité (changed)', 'DE', 'bmbf', true),
      { 'if-match': `"${charite.version}"` },
    );
    expect(refused.status).toBe(403);
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('the workspace in German and French', () => {
  it('shows the sections, the consortium and the check in each language without violations', async () => {
    const coordinator = await person(world, 'eva');
    const id = await createProposal(world, coordinator, 'LANGS', [
      partner('charite', 'Charité', 'DE', 'bmbf', true),
    ]);
    for (const [language, heading, consortium, sentence] of [
      [
        'de',
        'Prüfung der Förderfähigkeit',
        'Konsortium',
        'Das Konsortium muss mindestens 3 förderfähige Partner',
      ],
      [
        'fr',
        "Vérification de l'éligibilité",
        'Consortium',
        'Le consortium doit compter au moins 3 partenaires éligibles',
      ],
    ] as const) {
      const { page, context, problems } = await signedInPage(coordinator, { ...visitor, locale: language });
      await context.addInitScript((l) => localStorage.setItem('permed.language', l), language);
      await page.goto(`${world.base}/proposals/${id}`);
      await page.getByRole('heading', { level: 2, name: heading }).waitFor();
      await page.getByRole('heading', { level: 2, name: consortium }).waitFor();
      await expect
        .poll(() => panel(page).or(page.getByRole('complementary')).first().textContent())
        .toMatch(/\d/);
      // One partner fails the call's minimum of three: the finding leads with the rule's sentence in
      // the interface language, and the server's English explanation follows, marked as English.
      const finding = page
        .getByRole('complementary', { name: heading })
        .getByRole('listitem')
        .filter({ hasText: sentence });
      await finding.waitFor({ timeout: 15_000 });
      expect(await finding.locator('.finding__message').textContent()).toContain(sentence);
      const original = finding.locator('[lang="en"]');
      expect(await original.textContent()).toMatch(
        /^The call requires at least 3 partners eligible for funding/,
      );
      await expectAccessible(page, `workspace (${language})`);
      await shoot(page, `workspace-${language}`);
      expect(problems).toEqual([]);
      await context.close();
    }
  });
});
