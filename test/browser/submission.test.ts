// A coordinator hands in a proposal in a real browser: uploads the PDF (drop zone's picker, the
// content check's refusals in plain words, replace, download), submits through the confirm dialog
// (a double click stores one version), keeps the receipt (on screen, as PDF, on paper), reads the
// history, and meets a deadline that has passed. Every page passes axe at 1280 and 360 px.
import { mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from '@playwright/test';
import { systemActor } from '@permed/db';
import { encryptedPdf, readPdf, validPdf } from '@permed/documents/testing';
import { advanceWorkflow } from '@permed/service-kit';
import type { TestUser } from '@permed/testing';
import { axeViolations } from './platform.ts';
import {
  LATE_CALL,
  STAGES_CALL,
  apiGet,
  apiPost,
  createProposal,
  inZone,
  largePdf,
  pickFile,
  sha256,
  signedInPage,
  startSubmissionWorld,
  uploadThroughApi,
  type SubmissionWorld,
} from './submission-support.ts';

type ProposalEvent = Extract<
  Parameters<typeof advanceWorkflow>[1]['event'],
  { type: 'START_ELIGIBILITY_CHECK' | 'DECLARE_ELIGIBLE' | 'INVITE' | 'START_REVIEW' | 'OPEN_REBUTTAL' }
>;

let w: SubmissionWorld;
let coordinator: TestUser;
let proposalId: string;
// Screenshots to look at (not compared): the pages, the receipt on screen and in print.
const shots = path.join(tmpdir(), 'submission-screenshots');

interface Receipt {
  version: number;
  acronym: string;
  contentHash: string;
  submittedAt: string;
  zone: string;
}
interface Proposal {
  documents: { kind: string; sha256: string; pages: number }[];
  allowedEvents: string[];
}

beforeAll(async () => {
  await mkdir(shots, { recursive: true });
  w = await startSubmissionWorld();
  coordinator = await w.world.ctx.user([], 'coordinator');
  proposalId = await createProposal(w, coordinator);
});
afterAll(async () => {
  await w?.close();
});

const pdfFile = (name: string, bytes: Uint8Array, mimeType = 'application/pdf') => ({
  name,
  mimeType,
  buffer: Buffer.from(bytes),
});

async function shot(page: Page, name: string) {
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
}

describe('upload', () => {
  it('refuses a non-PDF and an encrypted PDF in plain words, stores a real one, replaces it, downloads it', async () => {
    const { page, context, problems } = await signedInPage(w, coordinator);
    await page.goto(`${w.base}/proposals/${proposalId}/documents`);
    await page.getByRole('heading', { level: 1, name: /Documents/ }).waitFor();
    await page.getByText('No proposal document yet').waitFor();

    // Not a PDF, whatever its name says: the server's 415 in plain words.
    await pickFile(
      page,
      'Choose a PDF…',
      pdfFile('proposal.pdf', new TextEncoder().encode('Hello, not a PDF')),
    );
    const alert = page.getByRole('alert').filter({ hasText: 'was not accepted' });
    await alert.getByText('This file is not a PDF.').waitFor();
    // Encrypted: the 422 with reason ENCRYPTED.
    await pickFile(page, 'Choose a PDF…', pdfFile('locked.pdf', encryptedPdf()));
    await alert.getByText('protected with a password or encryption').waitFor();
    expect(await alert.textContent()).toContain('locked.pdf');
    await shot(page, 'upload-refused');
    // Nothing was stored by either.
    expect((await apiGet<Proposal>(w, coordinator, `/api/proposals/${proposalId}`)).documents).toEqual([]);

    // A real PDF, sent with a measured progress bar, then listed with its pages and hash.
    const first = await validPdf({ pages: 2 });
    await pickFile(page, 'Choose a PDF…', pdfFile('heart-failure.pdf', first));
    await page.getByText('heart-failure.pdf is stored.').waitFor();
    const slot = page
      .locator('section')
      .filter({ has: page.getByRole('heading', { name: /Proposal document/ }) });
    await slot.getByText(/^2 pages · /).waitFor();
    await slot.getByText(sha256(first)).waitFor();
    const stored = (await apiGet<Proposal>(w, coordinator, `/api/proposals/${proposalId}`)).documents;
    expect(stored.map((d) => [d.kind, d.sha256])).toEqual([['proposal', sha256(first)]]);

    // Replace: the page names what it replaces (If-Match), so the server takes it.
    const second = await validPdf({ pages: 3, title: 'second' });
    await pickFile(page, 'Replace with another PDF…', pdfFile('heart-failure-v2.pdf', second));
    await page.getByText('heart-failure-v2.pdf is stored.').waitFor();
    await slot.getByText(/^3 pages · /).waitFor();
    const replaced = (await apiGet<Proposal>(w, coordinator, `/api/proposals/${proposalId}`)).documents;
    expect(replaced).toHaveLength(1);
    expect(replaced[0]?.sha256).toBe(sha256(second));

    // Download: the bytes stored are the bytes sent.
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download heart-failure-v2.pdf' }).click();
    const file = await (await download).path();
    expect(sha256(await readFile(file))).toBe(sha256(second));
    await shot(page, 'upload-stored');
    expect(problems.filter((p) => !p.includes('status of 4'))).toEqual([]);
    await context.close();
  });

  it('shows the real upload progress while the bytes go out (throttled network)', async () => {
    const other = await createProposal(w, coordinator);
    const { page, context } = await signedInPage(w, coordinator);
    await page.goto(`${w.base}/proposals/${other}/documents`);
    await page.getByText('No proposal document yet').waitFor();
    // ~400 kB at 200 kB/s: two seconds of upload the progress bar must report as it happens.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 20,
      downloadThroughput: 10_000_000,
      uploadThroughput: 200_000,
    });
    const big = await largePdf(400_000);
    await pickFile(page, 'Choose a PDF…', pdfFile('long.pdf', big));
    const bar = page.getByRole('progressbar', { name: /Sending long\.pdf/ });
    await bar.waitFor();
    const seen = new Set<number>();
    while (await bar.isVisible()) {
      const now = Number(await bar.getAttribute('aria-valuenow').catch(() => null));
      if (Number.isFinite(now)) seen.add(now);
      await page.waitForTimeout(100);
    }
    // Several distinct, growing readings below the total: measured, not a spinner.
    const readings = [...seen].filter((n) => n > 0 && n < big.length + 10_000);
    expect(readings.length, `readings ${[...seen].join(',')} of ${big.length} bytes`).toBeGreaterThan(2);
    await page.getByText('long.pdf is stored.').waitFor();
    await context.close();
  });
});

describe('submit and receipt', () => {
  it('a double click on confirm stores one version; the receipt shows number, both zones, hash, and its PDF', async () => {
    const { page, context, problems } = await signedInPage(w, coordinator);
    await page.goto(`${w.base}/proposals/${proposalId}/submit`);
    await page.getByText('Nothing blocks the submission.').waitFor();
    await shot(page, 'submit-report');
    await page.getByRole('button', { name: 'Submit…' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Submit this proposal?' });
    await dialog.waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, 'submit-confirm');
    // Two presses as fast as a person's double click, and the requests they make.
    const submits: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/submit') && r.method() === 'POST')
        submits.push(r.headers()['idempotency-key'] ?? '');
    });
    await dialog.getByRole('button', { name: 'Submit now' }).dblclick();
    await page.waitForURL(`**/proposals/${proposalId}/receipts/1`);

    const versions = await apiGet<Receipt[]>(w, coordinator, `/api/proposals/${proposalId}/versions`);
    expect(versions).toHaveLength(1);
    // Whatever reached the server carried one key, so even two requests would store one version.
    expect(submits.length).toBeGreaterThan(0);
    expect(new Set(submits).size).toBe(1);
    const receipt = versions[0]!;

    const card = page.locator('section.receipt');
    await card.getByText('PGX-HEART v1').waitFor();
    const text = (await card.textContent()) ?? '';
    expect(text).toContain(inZone(receipt.submittedAt, 'UTC'));
    expect(text).toContain(inZone(receipt.submittedAt, receipt.zone));
    expect(text).toContain(receipt.zone);
    expect(text).toContain(receipt.contentHash);
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, 'receipt');

    // The receipt PDF: a PDF that names the proposal and the version.
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download the receipt (PDF)' }).click();
    const bytes = await readFile(await (await download).path());
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pdf = await readPdf(bytes);
    expect(pdf.info.title).toBe('Submission receipt – PGX-HEART version 1');
    // The hash wraps over two lines in the PDF.
    expect(pdf.text.replace(/\s/g, '')).toContain(receipt.contentHash);

    // On paper: the receipt only, black on white, no navigation.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.site-header').isVisible()).toBe(false);
    expect(await page.getByRole('navigation', { name: 'Proposal pages' }).isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Print' }).isVisible()).toBe(false);
    const colours = await card.evaluate((el) => {
      const view = el.ownerDocument.defaultView!;
      const style = view.getComputedStyle(el);
      return [
        style.color,
        style.backgroundColor,
        view.getComputedStyle(el.ownerDocument.body).backgroundColor,
      ];
    });
    expect(colours).toEqual(['rgb(0, 0, 0)', 'rgb(255, 255, 255)', 'rgb(255, 255, 255)']);
    await shot(page, 'receipt-print');
    await page.pdf({ path: path.join(shots, 'receipt-print.pdf'), format: 'A4' });
    await page.emulateMedia({ media: 'screen' });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('a second intent is a second version, and the history says what changed', async () => {
    // Between the two submissions the consortium replaces its PDF.
    const current = (await apiGet<Proposal>(w, coordinator, `/api/proposals/${proposalId}`)).documents[0]!;
    const { page, context } = await signedInPage(w, coordinator);
    await page.goto(`${w.base}/proposals/${proposalId}/documents`);
    await pickFile(page, 'Replace with another PDF…', pdfFile('final.pdf', await validPdf({ pages: 4 })));
    await page.getByText('final.pdf is stored.').waitFor();
    expect(
      (await apiGet<Proposal>(w, coordinator, `/api/proposals/${proposalId}`)).documents[0]?.sha256,
    ).not.toBe(current.sha256);
    await page.getByRole('link', { name: 'Submit' }).click();
    await page.getByText('Nothing blocks the submission.').waitFor();
    // With the keyboard alone: the dialog takes the focus, Escape gives it back, Enter submits.
    const open = page.getByRole('button', { name: 'Submit…' });
    await open.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('alertdialog', { name: 'Submit this proposal?' });
    await dialog.waitFor();
    expect(await dialog.evaluate((el) => el.contains(el.ownerDocument.activeElement))).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await open.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    const confirm = dialog.getByRole('button', { name: 'Submit now' });
    for (let i = 0; i < 4 && !(await confirm.evaluate((el) => el === el.ownerDocument.activeElement)); i++) {
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/proposals/${proposalId}/receipts/2`);
    await page.getByText('PGX-HEART v2').first().waitFor();
    expect(await apiGet<Receipt[]>(w, coordinator, `/api/proposals/${proposalId}/versions`)).toHaveLength(2);

    await page.getByRole('link', { name: 'All versions of this proposal' }).click();
    await page.getByRole('heading', { level: 1, name: /History/ }).waitFor();
    const items = page.locator('ol.versions > li');
    await expect.poll(() => items.count()).toBe(2);
    await items
      .nth(0)
      .getByRole('heading', { name: /Version PGX-HEART v2/ })
      .waitFor();
    await items.nth(0).getByText('Document replaced: final.pdf').waitFor();
    await items
      .nth(1)
      .getByRole('heading', { name: /Version PGX-HEART v1/ })
      .waitFor();
    await items.nth(1).getByText('First submission of this stage.').waitFor();
    // Later stages not reached yet, each saying so.
    await page.getByText('Not reached yet: after the pre-proposal evaluation').waitFor();
    await page.getByText('Not reached yet: the reviews are shown here').waitFor();
    await page.getByText('Not decided yet.').waitFor();
    await shot(page, 'history');
    await context.close();
  });
});

describe('one intent, one version', () => {
  it('a retry after a lost answer sends the same Idempotency-Key, and the server keeps one version', async () => {
    const id = await createProposal(w, coordinator);
    await uploadThroughApi(w, coordinator, id, await validPdf({ pages: 2 }));
    const { page, context } = await signedInPage(w, coordinator);
    const keys: string[] = [];
    // The first submit reaches the server and is stored, but its answer is lost on the way back.
    await page.route('**/api/proposals/*/submit', async (route) => {
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (keys.length === 1) {
        await route.fetch();
        await route.abort('connectionreset');
      } else {
        await route.continue();
      }
    });
    await page.goto(`${w.base}/proposals/${id}/submit`);
    await page.getByText('Nothing blocks the submission.').waitFor();
    await page.getByRole('button', { name: 'Submit…' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.getByRole('button', { name: 'Submit now' }).click();
    await dialog.getByText('The platform could not be reached.').waitFor();
    expect(await apiGet<Receipt[]>(w, coordinator, `/api/proposals/${id}/versions`)).toHaveLength(1);
    await dialog.getByRole('button', { name: 'Try again' }).click();
    await page.waitForURL(/\/receipts\/\d+$/);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[\w.:-]{1,128}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(await apiGet<Receipt[]>(w, coordinator, `/api/proposals/${id}/versions`)).toHaveLength(1);
    expect(page.url()).toMatch(/\/receipts\/1$/);
    await context.close();
  });
});

describe('after the deadline', () => {
  it('a submit the server refuses as late says when it closed; then the button is gone', async () => {
    const late = await createProposal(w, coordinator, LATE_CALL);
    await uploadThroughApi(w, coordinator, late, await validPdf({ pages: 2 }));
    const { page, context } = await signedInPage(w, coordinator);
    await page.goto(`${w.base}/proposals/${late}/submit`);
    await page.getByText('Nothing blocks the submission.').waitFor();
    await page.getByRole('button', { name: 'Submit…' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor();
    // The deadline passes while the dialog is open: the server's clock decides.
    w.world.ctx.clock.set(new Date(w.lateDeadline.getTime() + 60_000));
    await dialog.getByRole('button', { name: 'Submit now' }).click();
    await page.getByRole('heading', { name: 'Submission closed' }).waitFor();
    const closed = page
      .locator('section')
      .filter({ has: page.getByRole('heading', { name: 'Submission closed' }) });
    const text = (await closed.textContent()) ?? '';
    expect(text).toContain(inZone(w.lateDeadline, 'America/New_York'));
    expect(text).toContain(inZone(w.lateDeadline, 'Europe/Brussels'));
    expect(await page.getByRole('button', { name: 'Submit…' }).count()).toBe(0);
    expect(await apiGet<Receipt[]>(w, coordinator, `/api/proposals/${late}/versions`)).toEqual([]);

    // Coming back later: no button, and the page says when it closed.
    await page.reload();
    await page.getByRole('heading', { name: 'Submission closed' }).waitFor();
    await page.getByText('It can no longer be submitted.').waitFor();
    expect(await page.getByRole('button', { name: 'Submit…' }).count()).toBe(0);
    expect((await closed.textContent()) ?? '').toContain(inZone(w.lateDeadline, 'Europe/Brussels'));
    await shot(page, 'submit-closed');
    await context.close();
  });
});

describe('accessibility and languages', () => {
  for (const width of [1280, 360]) {
    it(`every submission page has 0 axe violations at ${width} px`, async () => {
      const { page, context } = await signedInPage(w, coordinator, { width });
      for (const [name, url] of [
        ['documents', `/proposals/${proposalId}/documents`],
        ['submit', `/proposals/${proposalId}/submit`],
        ['receipt', `/proposals/${proposalId}/receipts/1`],
        ['history', `/proposals/${proposalId}/history`],
      ] as const) {
        await page.goto(w.base + url);
        await page.getByRole('navigation', { name: 'Proposal pages' }).waitFor();
        await page.getByText('Loading…').first().waitFor({ state: 'detached' });
        expect(await axeViolations(page), `${name} at ${width} px`).toEqual([]);
        await shot(page, `${name}-${width}`);
      }
      await context.close();
    });
  }

  for (const [language, receipt, history, refusal] of [
    [
      'de',
      'Eingangsbestätigung der Einreichung',
      'Eingereichte Fassungen',
      { button: 'PDF auswählen…', text: 'Diese Datei ist keine PDF.' },
    ],
    [
      'fr',
      'Accusé de réception de la soumission',
      'Versions soumises',
      { button: 'Choisir un PDF…', text: "Ce fichier n'est pas un PDF." },
    ],
  ] as const) {
    it(`reads the receipt and the history in ${language}, and a refusal`, async () => {
      const { page, context } = await signedInPage(w, coordinator, { locale: language });
      const fresh = await createProposal(w, coordinator);
      await page.goto(`${w.base}/proposals/${fresh}/documents`);
      await pickFile(page, refusal.button, pdfFile('a.pdf', new TextEncoder().encode('not a PDF')));
      await page.getByRole('alert').getByText(refusal.text).waitFor();
      await page.goto(`${w.base}/proposals/${proposalId}/receipts/1`);
      await page.getByRole('heading', { name: receipt }).waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await shot(page, `receipt-${language}`);
      await page.goto(`${w.base}/proposals/${proposalId}/history`);
      await page.getByRole('heading', { name: history }).waitFor();
      await shot(page, `history-${language}`);
      await context.close();
    });
  }
});

// Last: it moves the server's clock a month on, past the other calls' pre-proposal deadlines.
describe('later stages', () => {
  it('opens the full proposal with its change report, then answers the reviews within the limit', async () => {
    const id = await createProposal(w, coordinator, STAGES_CALL);
    await uploadThroughApi(w, coordinator, id, await validPdf({ pages: 2 }));
    await apiPost(w, coordinator, `/api/proposals/${id}/submit`);
    // The scheduler's, the funders' and the call office's steps, taken on the lifecycle directly.
    const step = async (...events: ProposalEvent[]) => {
      for (const event of events) {
        await advanceWorkflow(w.world.ctx.db.db, {
          kind: 'proposal',
          subjectId: id,
          event,
          actor: systemActor,
          at: w.world.ctx.clock.now(),
        });
      }
    };
    await step(
      { type: 'START_ELIGIBILITY_CHECK' },
      { type: 'DECLARE_ELIGIBLE', pendingVerdicts: 0, ineligibleVerdicts: 0 },
      { type: 'INVITE' },
    );
    w.world.ctx.clock.set(new Date(w.stages['full-proposal-submission'].opensAt.getTime() + 3_600_000));
    coordinator = await w.world.signIn(coordinator);

    let { page, context } = await signedInPage(w, coordinator);
    await page.goto(`${w.base}/proposals/${id}/history`);
    const full = page
      .locator('section')
      .filter({ has: page.getByRole('heading', { name: 'Full proposal' }) });
    await full.getByText('The consortium is invited to submit a full proposal.').waitFor();
    await full.getByRole('button', { name: 'Open the full proposal' }).click();
    await full.getByText('Carried over from pre-proposal version 1').waitFor();
    await full.getByText('No changes to the consortium or the budget.').waitFor();
    await full.getByText("No change needs the call office's approval.").waitFor();
    await page.getByText('Not reached yet: the reviews are shown here').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, 'history-full-stage');

    // Full proposal submitted, reviewed; the rebuttal opens with one anonymised review.
    await uploadThroughApi(w, coordinator, id, await validPdf({ pages: 5 }));
    await apiPost(w, coordinator, `/api/proposals/${id}/submit`);
    await step({ type: 'START_REVIEW' }, { type: 'OPEN_REBUTTAL' });
    w.reviews.set(id, [
      {
        label: 'Reviewer 1',
        stage: 'full-proposal',
        scores: [{ criterionId: 'excellence', score: 4.5 }],
        comments: [{ criterionId: 'excellence', text: 'Strong cohort, thin on data sharing.' }],
      },
    ]);
    const rebuttalOpens = w.stages.rebuttal.opensAt.getTime();
    w.world.ctx.clock.set(new Date(rebuttalOpens + 3_600_000));
    // Three weeks on, the sessions have ended: sign in again.
    coordinator = await w.world.signIn(coordinator);
    await context.close();
    ({ page, context } = await signedInPage(w, coordinator));
    await page.goto(`${w.base}/proposals/${id}/history`);
    const rebuttal = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Rebuttal' }) });
    await rebuttal.getByText('Strong cohort, thin on data sharing.').waitFor();
    const rebuttalText = (await rebuttal.textContent()) ?? '';
    expect(rebuttalText).toContain(inZone(w.stages.rebuttal.closesAt, 'Europe/Brussels'));
    expect(rebuttalText).toContain(inZone(w.stages.rebuttal.closesAt, 'America/New_York'));
    // Versions of both stages are listed.
    await page.getByRole('heading', { name: /Version PGX-HEART v2/ }).waitFor();

    // Counted in code points as the server counts: 101 emoji are over the limit of 100.
    const answer = rebuttal.getByRole('textbox', { name: 'Your answer to the reviewers' });
    await answer.fill('😀'.repeat(101));
    await rebuttal.getByText('101 of 100 characters').waitFor();
    expect(await rebuttal.getByRole('button', { name: 'Send the answer' }).isDisabled()).toBe(true);
    await answer.fill('😀'.repeat(100));
    await rebuttal.getByText('100 of 100 characters').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, 'history-rebuttal');
    await rebuttal.getByRole('button', { name: 'Send the answer' }).click();
    await rebuttal.getByRole('heading', { name: 'Your answer', exact: true }).waitFor();
    const stored = await apiGet<{ characters: number }>(w, coordinator, `/api/proposals/${id}/rebuttal`);
    expect(stored.characters).toBe(100);
    await page.getByText('Not decided yet.').waitFor();
    await context.close();
  });
});
