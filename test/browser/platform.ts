// The browser tests' world: the real platform (every service, the web app at /) listening on a
// free port over a test database with the demo calls seeded at the real time, and a headless
// Chromium. The web app is rebuilt first when its sources changed, so the tests see this code.
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContextOptions, type Page } from '@playwright/test';
import { seedDemoCalls, seedFunderRegistry } from '@permed/calls-service';
import type { Config } from '@permed/config';
import type { App } from '@permed/http';
import { buildPlatform } from '@permed/platform';
import { createTestContext, type TestContext } from '@permed/testing';
import { chromiumPath, ensureWebBuild } from '@permed/web';

export interface World {
  base: string;
  browser: Browser;
  /** The test database and clock behind the platform (e.g. to read the mail outbox). */
  ctx: TestContext;
  close(): Promise<void>;
}

export async function startWorld(options: { config?: Partial<Config> } = {}): Promise<World> {
  ensureWebBuild({ log: (line) => console.log(line) });
  // Throws (the test fails, never skips) when no Chromium is installed.
  const executablePath = chromiumPath();
  const ctx: TestContext = await createTestContext({ now: new Date(), ...options });
  await seedFunderRegistry(ctx.deps.db);
  await seedDemoCalls({ db: ctx.deps.db, clock: ctx.deps.clock });
  const app: App = await buildPlatform(ctx.config, ctx.deps);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  await amendLiveDemoCall(app, ctx);
  const browser = await chromium.launch({ executablePath });
  return {
    base: address,
    browser,
    ctx,
    async close() {
      await browser.close();
      await app.close();
      await ctx.close();
    },
  };
}

/**
 * Version 2 of the live demo call, through the API as the call office does it: BMBF commits
 * €4.5 million instead of €4 million, so the change log has an entry to show.
 */
async function amendLiveDemoCall(app: App, ctx: TestContext): Promise<void> {
  const office = await ctx.user([{ role: 'call-office', scopeType: 'global', scopeId: '*' }], 'office');
  const current = await app.inject('/api/calls/live-demo-call');
  const definition = current.json<{
    definition: { funders: { funderId: string; commitment: { amountMinor: number } }[] };
  }>().definition;
  const bmbf = definition.funders.find((f) => f.funderId === 'bmbf');
  if (!bmbf) throw new Error('the live demo call has no BMBF');
  bmbf.commitment.amountMinor = 450_000_000;
  const res = await app.inject({
    method: 'POST',
    url: '/api/calls/live-demo-call/versions',
    headers: { ...office.auth, 'if-match': String(current.headers.etag) },
    payload: { reason: 'BMBF raises its national budget', definition },
  });
  if (res.statusCode !== 200 && res.statusCode !== 201) throw new Error(`amend failed: ${res.body}`);
}

/** A visitor in New York reading English, unless told otherwise. */
export const visitor: BrowserContextOptions = {
  locale: 'en-US',
  timezoneId: 'America/New_York',
  viewport: { width: 1280, height: 900 },
};

/** Console errors and CSP refusals of a page, to assert there are none. */
export function collectProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return problems;
}

/** axe with the WCAG 2.0, 2.1 and 2.2 A and AA rules; returns what it found, summarised. */
export async function axeViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'])
    .analyze();
  return result.violations.map(
    (v) =>
      `${v.id} (${v.impact ?? 'n/a'}): ${v.help} — ${v.nodes.length} element(s), e.g. ` +
      v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(' '))
        .join(', '),
  );
}
