// Issue 16's promise, in a real browser: a person who has never seen the platform opens it, finds
// the live demo call, signs up, confirms the address from the mail, signs in, starts a proposal,
// fills its sections, builds an eligible consortium from three countries (the live check says so),
// uploads the PDF, submits, and downloads the receipt — following links only, never typing a URL
// after the first page and the mail's link. The same in German and in French, with the headings
// read in that language. Every step's page passes axe (WCAG 2.2 A/AA).
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from '@playwright/test';
import { readPdf, validPdf } from '@permed/documents/testing';
import { mailLink, newAddress } from './accounts-support.ts';
import { addPartner, consortium, step, words, type Language } from './apply-journey-support.ts';
import { axeViolations, collectProblems, startWorld, visitor, type World } from './platform.ts';

let world: World;
const consortiumHeading = { en: 'Consortium', de: 'Konsortium', fr: 'Consortium' } as const;

beforeAll(async () => {
  // Three people sign up and in from 127.0.0.1 within a minute; the limit has its own tests.
  world = await startWorld({ config: { AUTH_RATE_LIMIT_PER_MINUTE: 1000 } });
});
afterAll(async () => {
  await world?.close();
});

async function accessible(page: Page, label: string): Promise<void> {
  expect(await axeViolations(page), label).toEqual([]);
}

async function apply(language: Language): Promise<void> {
  const w = words[language];
  const context = await world.browser.newContext({ ...visitor, locale: w.locale, acceptDownloads: true });
  const page = await context.newPage();
  const problems = collectProblems(page);
  const acronym = { en: 'PGX-KIDS', de: 'PGX-KINDER', fr: 'PGX-ENFANTS' }[language];
  const displayName = { en: 'Ana Ruiz', de: 'Jonas Weber', fr: 'Claire Martin' }[language];
  const email = newAddress(`applicant-${language}`);
  const password = 'quiet lantern orbits marble 42';

  // The home page lists the live demo call; its page invites a visitor to create an account.
  await page.goto(world.base + '/');
  await page.locator('main a[href="/calls/live-demo-call"]').first().click();
  await page.getByRole('heading', { level: 1, name: /Live demo call/ }).waitFor();
  await accessible(page, 'call page');
  await step(page, language, '01-call');
  await page.getByRole('link', { name: w.signUpLink }).first().click();

  // Sign up; the page says to look in the mailbox.
  await page.getByRole('heading', { level: 1 }).waitFor();
  await page.getByLabel(w.name, { exact: true }).fill(displayName);
  await page.getByLabel(w.email, { exact: true }).fill(email);
  await page.getByLabel(w.newPassword).fill(password);
  await accessible(page, 'sign-up');
  await page.getByRole('button', { name: w.createAccount }).click();
  await page.getByRole('heading', { level: 1, name: w.checkMail }).waitFor();
  await step(page, language, '02-check-mail');

  // The mail's link confirms the address, and the page leads to sign-in.
  await page.goto(await mailLink(world, email, 'verify-email'));
  await page.getByText(w.confirmed).waitFor();
  await accessible(page, 'verified');
  await step(page, language, '03-verified');
  await page.getByRole('main').getByRole('link', { name: w.signIn }).click();
  await page.getByRole('heading', { level: 1, name: w.signIn }).waitFor();
  await page.getByLabel(w.email, { exact: true }).fill(email);
  await page.getByLabel(w.password, { exact: true }).fill(password);
  await accessible(page, 'sign-in');
  await page.getByRole('main').getByRole('button', { name: w.signIn }).click();

  // Back where the person was going when they chose to create an account: the call's apply form.
  await page.waitForURL(/\/calls\/live-demo-call/);
  const start = page.getByRole('region', { name: w.apply });
  await start.getByLabel(w.acronym).fill(acronym);
  await start.getByRole('button', { name: w.start }).click();

  // The workspace: sections, then the consortium, with the live eligibility check beside them.
  await page.getByRole('heading', { level: 1, name: new RegExp(acronym) }).waitFor();
  const panel = page.getByRole('complementary', { name: w.eligibility });
  await panel.getByRole('heading', { name: w.eligibility }).waitFor();
  await page.getByLabel(w.title, { exact: true }).fill('Pharmacogenomic dosing for children');
  await page
    .getByLabel(w.abstract)
    .fill('Three partners from three countries combine pre-clinical work and ethics.');
  await page.getByLabel(w.keywords).fill('pharmacogenomics, paediatrics');
  await page.getByRole('checkbox', { name: /^1A/ }).check();
  await page.getByRole('checkbox', { name: /^3B/ }).check();
  await page.getByLabel(w.duration).fill('36');
  await page.getByRole('button', { name: w.saveSections }).click();
  await page.getByText(w.saved).first().waitFor();
  for (const partner of consortium) await addPartner(page, w, partner);
  await expect.poll(() => panel.getByRole('status').textContent(), { timeout: 10_000 }).toMatch(w.eligible);
  await accessible(page, 'workspace');
  await step(page, language, '04-workspace');
  // The README's picture: the consortium beside the live check, one screen at 1280 px.
  await page
    .getByRole('heading', { level: 2, name: consortiumHeading[language] })
    .evaluate((heading) => heading.scrollIntoView({ block: 'start' }));
  await step(page, language, 'readme-workspace', false);

  // Documents, reached by the proposal's own navigation: the PDF.
  const nav = page.getByRole('navigation', { name: w.nav });
  await nav.getByRole('link', { name: w.documents, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: new RegExp(w.documents) }).waitFor();
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: w.choosePdf }).first().click();
  const pdf = await validPdf({ pages: 2 });
  await (
    await chooser
  ).setFiles({ name: 'proposal.pdf', mimeType: 'application/pdf', buffer: Buffer.from(pdf) });
  await page.getByText(w.stored('proposal.pdf')).waitFor();
  await accessible(page, 'documents');
  await step(page, language, '05-documents');

  // Submit, confirmed in the dialog; the receipt follows.
  await nav.getByRole('link', { name: w.submitTab, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: new RegExp(w.submitTab) }).waitFor();
  await page.locator('.report__verdict').waitFor();
  // Only this page is marked current, not the workspace above it in the path.
  expect(await nav.locator('[aria-current="page"]').allTextContents()).toEqual([w.submitTab]);
  await step(page, language, '06-submit');
  await page.getByRole('button', { name: w.submitOpen }).click();
  const dialog = page.getByRole('alertdialog', { name: w.confirmTitle });
  await accessible(page, 'submit dialog');
  await dialog.getByRole('button', { name: w.submitNow }).click();
  await page.waitForURL(/\/proposals\/[^/]+\/receipts\/1$/);
  await page.getByRole('heading', { level: 1, name: new RegExp(w.receipt) }).waitFor();
  await page.getByText(w.received).waitFor();
  const number = (await page.locator('.receipt__number').textContent())?.trim();
  expect(number).toBe(`${acronym} v1`);
  await accessible(page, 'receipt');
  await step(page, language, '07-receipt');
  await step(page, language, 'readme-receipt', false);

  // The receipt as a PDF: a PDF that names this submission.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: w.download }).click();
  const bytes = await readFile(await (await download).path());
  expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  const receipt = await readPdf(bytes);
  expect(receipt.info.title).toBe(`Submission receipt – ${acronym} version 1`);
  expect(receipt.text).toContain(acronym);

  // What the API says, asked as the applicant: submitted, with this document.
  const id = /\/proposals\/([^/]+)\/receipts/.exec(page.url())![1]!;
  const login = await fetch(`${world.base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const view = await fetch(`${world.base}/api/proposals/${id}`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  const proposal = (await view.json()) as {
    state: string;
    header: { acronym: string };
    partners: { organisation: { country: string } }[];
  };
  expect(proposal.state).toBe('submitted');
  expect(proposal.header.acronym).toBe(acronym);
  expect(proposal.partners.map((p) => p.organisation.country).sort()).toEqual(['DE', 'ES', 'FR']);

  // My proposals, from the header's menu, lists it as submitted and leads back to its workspace.
  await page.getByRole('button', { name: new RegExp(displayName) }).click();
  await page.getByRole('link', { name: w.myProposals }).click();
  await page.getByRole('heading', { level: 1, name: w.myProposals }).waitFor();
  const item = page.getByRole('listitem').filter({ hasText: acronym });
  await item.getByText(w.submittedBadge, { exact: true }).waitFor();
  await accessible(page, 'my proposals');
  await step(page, language, '08-my-proposals');
  await item.getByRole('link', { name: new RegExp(acronym) }).click();
  await page.getByRole('heading', { level: 1, name: new RegExp(acronym) }).waitFor();
  expect(await nav.locator('[aria-current="page"]').allTextContents()).toEqual([w.workspace]);

  // Refused API calls show up as console errors of the form "status of 4xx"; nothing else may.
  expect(problems.filter((p) => !p.includes('status of 4'))).toEqual([]);
  await context.close();
}

describe('applying to the live demo call in the browser, from sign-up to receipt', () => {
  it('in English', async () => {
    await apply('en');
  });
  it('auf Deutsch', async () => {
    await apply('de');
  });
  it('en français', async () => {
    await apply('fr');
  });
});
