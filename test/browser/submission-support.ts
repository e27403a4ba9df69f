// The submission pages' world: the real platform listening on a free port over a test database,
// a published call (the demo call's rules and funders) whose pre-proposal window is open, and a
// second one whose deadline is minutes away, for the late submit. The server's clock is the test
// context's ManualClock, so a test moves it past a deadline; a coordinator's proposal is made
// through the API, and the browser is signed in by the sign-in API's own tokens.
import { createHash, randomBytes } from 'node:crypto';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { PDFDocument } from 'pdf-lib';
import type { App } from '@permed/http';
import type { TestUser } from '@permed/testing';
import { chromiumPath, ensureWebBuild } from '@permed/web';
import type { AnonymisedReview } from '../../services/proposals/src/deps.ts';
import {
  completeProposal,
  createWorld,
  multipart,
  stageTimes,
  type World,
} from '../../services/proposals/src/testing/factories.ts';
import { collectProblems, visitor } from './platform.ts';

export const MAIN_CALL = 'submission-call';
export const LATE_CALL = 'closing-call';
/** A call with a rebuttal (100 code points), for the later stages. */
export const STAGES_CALL = 'staged-call';

export interface SubmissionWorld {
  base: string;
  app: App;
  world: World;
  browser: Browser;
  /** The late call's pre-proposal deadline (UTC), minutes after the start. */
  lateDeadline: Date;
  /** The stage instants of the main call and the stages call (both laid out from the start). */
  stages: ReturnType<typeof stageTimes>;
  /** The anonymised reviews the rebuttal shows, by proposal (the evaluation service's seam). */
  reviews: Map<string, AnonymisedReview[]>;
  close(): Promise<void>;
}

export async function startSubmissionWorld(): Promise<SubmissionWorld> {
  ensureWebBuild({ log: (line) => console.log(line) });
  const executablePath = chromiumPath();
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const reviews = new Map<string, AnonymisedReview[]>();
  const world = await createWorld({
    now: now.toISOString(),
    extras: { reviews: { anonymisedReviews: async (id) => reviews.get(id) ?? [] } },
    // Every page of these tests signs in (sign-in, then a refresh) from 127.0.0.1: more than the
    // default 20 authentication requests a minute from one address. The limit has its own tests.
    config: { AUTH_RATE_LIMIT_PER_MINUTE: 1000 },
  });
  await world.publishCall(MAIN_CALL);
  await world.publishCall(STAGES_CALL, {}, { rebuttal: { enabled: true, maxCharacters: 100 } });
  const lateDeadline = new Date(now.getTime() + 5 * 60_000);
  await world.publishCall(LATE_CALL, { preDeadline: lateDeadline });
  const base = await world.app.listen({ host: '127.0.0.1', port: 0 });
  const browser = await chromium.launch({ executablePath });
  return {
    base,
    app: world.app,
    world,
    browser,
    lateDeadline,
    stages: stageTimes({ now }),
    reviews,
    async close() {
      await browser.close();
      await world.close();
    },
  };
}

/** A complete, eligible proposal of `user` in `call` (no document yet); its id. */
export async function createProposal(w: SubmissionWorld, user: TestUser, call = MAIN_CALL): Promise<string> {
  const res = await w.app.inject({
    method: 'POST',
    url: '/api/proposals',
    headers: user.auth,
    payload: completeProposal(call),
  });
  if (res.statusCode !== 201) throw new Error(`proposal not created: ${res.body}`);
  return res.json<{ id: string }>().id;
}

/** Uploads the proposal PDF through the API, as a first upload. */
export async function uploadThroughApi(w: SubmissionWorld, user: TestUser, id: string, pdf: Uint8Array) {
  const body = multipart(pdf);
  const res = await w.app.inject({
    method: 'PUT',
    url: `/api/proposals/${id}/documents/proposal`,
    headers: { ...user.auth, ...body.headers, 'if-none-match': '*' },
    payload: body.payload,
  });
  if (res.statusCode !== 200) throw new Error(`upload failed: ${res.body}`);
}

/** Sends an action (submit, full-proposal) as `user` and checks it was taken. */
export async function apiPost(w: SubmissionWorld, user: TestUser, url: string): Promise<void> {
  const res = await w.app.inject({ method: 'POST', url, headers: user.auth });
  if (res.statusCode !== 200 && res.statusCode !== 201) throw new Error(`POST ${url}: ${res.body}`);
}

export async function apiGet<T>(w: SubmissionWorld, user: TestUser, url: string): Promise<T> {
  const res = await w.app.inject({ url, headers: user.auth });
  if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode} ${res.body}`);
  return res.json<T>();
}

/**
 * A browser context signed in as `user`: the sign-in API's tokens, kept where the app's session
 * layer keeps them (app/lib/session.ts), set once (the refresh token rotates on use).
 */
export async function signedInPage(
  w: SubmissionWorld,
  user: TestUser,
  options: { width?: number; locale?: string } = {},
): Promise<{ page: Page; context: BrowserContext; problems: string[] }> {
  const res = await fetch(`${w.base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: user.email, password: user.password }),
  });
  if (!res.ok) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const tokens = (await res.json()) as { refreshToken: string; user: unknown };
  const context = await w.browser.newContext({
    ...visitor,
    locale: options.locale ?? visitor.locale,
    viewport: { width: options.width ?? 1280, height: 900 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const problems = collectProblems(page);
  await page.goto(`${w.base}/nowhere-yet`);
  await page.evaluate(
    ([refresh, who, language]) => {
      localStorage.setItem('permed.refreshToken', refresh);
      localStorage.setItem('permed.user', who);
      localStorage.setItem('permed.language', language);
    },
    [tokens.refreshToken, JSON.stringify(tokens.user), (options.locale ?? 'en').slice(0, 2)] as const,
  );
  return { page, context, problems };
}

/** Picks a file with the page's own file picker (React Aria FileTrigger), as a person does. */
export async function pickFile(
  page: Page,
  button: string | RegExp,
  file: { name: string; mimeType: string; buffer: Buffer },
): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: button }).first().click();
  await (await chooser).setFiles(file);
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export const inZone = (iso: string | Date, zone: string, locale = 'en-US') =>
  new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: zone }).format(
    new Date(iso),
  );

/**
 * A valid one-page PDF of about `bytes` bytes: random (incompressible) filler in a stream object,
 * so an upload takes long enough on a throttled link to watch its progress.
 */
export async function largePdf(bytes: number): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  document.addPage([595, 842]);
  document.context.register(document.context.stream(randomBytes(bytes)));
  return document.save();
}
