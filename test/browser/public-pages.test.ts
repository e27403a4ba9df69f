// A visitor without an account, in a real browser: reads the calls, opens one, sees its deadline
// in their zone and the call's, subscribes to its calendar; reads the pages in German and French;
// does it with the keyboard alone; and every page passes axe's WCAG 2.2 A/AA rules.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from '@playwright/test';
import { axeViolations, collectProblems, startWorld, visitor, type World } from './platform.ts';

let world: World;
let deadline: { utc: string; zone: string };

beforeAll(async () => {
  world = await startWorld();
  const res = await fetch(`${world.base}/api/calls/live-demo-call/stages`);
  const body = (await res.json()) as {
    stages: { kind: string; status: string; closesAt: { utc: string; zone: string } }[];
  };
  const open = body.stages.find((s) => s.kind === 'pre-proposal-submission');
  if (!open) throw new Error('the live demo call has no pre-proposal stage');
  deadline = open.closesAt;
});
afterAll(async () => {
  await world?.close();
});

async function newPage(
  options = visitor,
): Promise<{ page: Page; problems: string[]; close: () => Promise<void> }> {
  const context = await world.browser.newContext(options);
  const page = await context.newPage();
  return { page, problems: collectProblems(page), close: () => context.close() };
}

/** Clicks a language as a person does: on its visible label (the radio input itself is hidden). */
async function chooseLanguage(page: Page, group: string, language: string): Promise<void> {
  const radios = page.getByRole('radiogroup', { name: group });
  await radios
    .locator('label')
    .filter({ has: page.getByRole('radio', { name: language }) })
    .click();
  // Checked, found without the group's name: that changes with the language.
  expect(await page.getByRole('radio', { name: language }).isChecked()).toBe(true);
}

const inZone = (iso: string, zone: string, locale = 'en-US') =>
  new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: zone }).format(
    new Date(iso),
  );

describe('a visitor reads a call and subscribes', () => {
  it('lists the calls with the next deadline counting down in both zones, opens the call, subscribes', async () => {
    const { page, problems, close } = await newPage();
    // The page's clock starts at the real now and can be moved, to watch the countdown run.
    await page.clock.install({ time: new Date() });
    await page.goto(world.base + '/');
    await page.getByRole('heading', { level: 1, name: 'Open and recent calls' }).waitFor();
    const card = page.getByRole('listitem').filter({ hasText: 'Live demo call' });
    await card.getByText('Pre-proposal submission closes').waitFor();
    const timer = card.getByRole('timer');
    const before = await timer.textContent();
    expect(before).toMatch(/\d+ days? \d+ hours? left|\d+ hours? \d+ minutes? left/);
    // Both zones, each named: New York for the visitor, Brussels for the call.
    const text = (await card.textContent()) ?? '';
    expect(text).toContain(inZone(deadline.utc, 'America/New_York'));
    expect(text).toContain('America/New_York');
    expect(text).toContain(inZone(deadline.utc, 'Europe/Brussels'));
    expect(text).toContain('Europe/Brussels');
    // Live: two hours later by the page's clock, the countdown says less.
    await page.clock.fastForward('02:00:00');
    await expect.poll(() => timer.textContent()).not.toBe(before);

    await card.getByRole('link', { name: /Live demo call/ }).click();
    await page.waitForURL('**/calls/live-demo-call');
    await page.getByRole('heading', { level: 1, name: /Live demo call/ }).waitFor();
    const hero = page
      .locator('section')
      .filter({ has: page.getByRole('heading', { name: 'Next deadline' }) });
    await hero.getByRole('timer').waitFor();
    const heroText = (await hero.textContent()) ?? '';
    expect(heroText).toContain(inZone(deadline.utc, 'America/New_York'));
    expect(heroText).toContain(inZone(deadline.utc, 'Europe/Brussels'));

    // Stages, funders with national budgets in their currencies, rules with sources, change log.
    await page.getByRole('heading', { name: 'Stages' }).waitFor();
    await page.getByRole('heading', { name: 'Full-proposal submission' }).waitFor();
    const funders = page.getByRole('table');
    await funders.getByRole('rowheader', { name: /BMBF/ }).waitFor();
    const bmbf = funders.getByRole('row').filter({ has: page.getByRole('rowheader', { name: /BMBF/ }) });
    expect(await bmbf.textContent()).toContain('Germany');
    expect(await bmbf.textContent()).toMatch(/€[\d,]+/);
    expect(await funders.textContent()).toMatch(/DKK|kr\./);
    await page.getByRole('heading', { name: 'Call rules' }).waitFor();
    expect(await page.getByRole('link', { name: /anr\.fr|prointprojecten/ }).count()).toBeGreaterThan(0);
    await page.getByRole('heading', { name: 'Version 1' }).waitFor();
    // The change log: version 2 with its reason and what changed, before and after.
    const v2 = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Version 2' }) });
    await v2.getByText('BMBF raises its national budget').waitFor();
    await v2.getByText(/Show what changed/).click();
    await v2.getByText(/Changed: Funders › \d+ › commitment › amount \(minor units\)/).waitFor();
    expect(await v2.textContent()).toMatch(/before: 400000000.*after: 450000000/);

    const subscribe = page.getByRole('link', { name: 'Subscribe to the deadlines (calendar)' });
    const href = await subscribe.getAttribute('href');
    expect(href).toBe('/api/calls/live-demo-call/calendar.ics');
    const ics = await page.request.get(world.base + href);
    expect(ics.status()).toBe(200);
    expect(ics.headers()['content-type']).toMatch(/^text\/calendar/);
    expect(await ics.text()).toContain('BEGIN:VCALENDAR');

    expect(problems).toEqual([]);
    await close();
  });

  it('opens a deep link directly and shows the not-found page for unknown addresses', async () => {
    const { page, problems, close } = await newPage();
    await page.goto(world.base + '/calls/era-permed-jtc-2020');
    await page.getByRole('heading', { level: 1, name: /ERA PerMed JTC2020/ }).waitFor();
    await page.getByText('No upcoming deadline').waitFor();
    for (const path of ['/no/such/page', '/calls/no-such-call']) {
      await page.goto(world.base + path);
      await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
    }
    // The browser asked for a call that is not there: that 404 is the only console error.
    expect(problems.filter((p) => !p.includes('404'))).toEqual([]);
    await close();
  });
});

describe('the build', () => {
  it('is a production build, even when made from a test run (NODE_ENV=test)', async () => {
    const index = await (await fetch(world.base + '/')).text();
    const scripts = [...index.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      const body = await (await fetch(world.base + src)).text();
      expect(body, src).not.toMatch(/jsx-dev-runtime|react-dom\.development|Download the React DevTools/);
    }
  });
});

describe('languages', () => {
  it('switches to German and French, translates the pages and remembers the choice', async () => {
    const { page, problems, close } = await newPage();
    await page.goto(world.base + '/calls/live-demo-call');
    await page.getByRole('heading', { name: 'Next deadline' }).waitFor();

    await chooseLanguage(page, 'Language', 'Deutsch');
    await page.getByRole('heading', { name: 'Nächste Frist' }).waitFor();
    await page.getByRole('heading', { name: 'Förderorganisationen und nationale Budgets' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    expect(await page.getByRole('timer').textContent()).toMatch(/^noch \d+ (Tage?|Stunden?)/);
    await page.getByRole('link', { name: 'Fristen abonnieren (Kalender)' }).waitFor();
    // German dates and numbers: "06.02.2027"-style dates and "300.000 €"-style amounts.
    expect(await page.getByRole('table').textContent()).toMatch(/\d{1,3}(\.\d{3})+\s€/);
    // Rules rendered in German from their data, amounts in German notation.
    await page
      .getByText('Das Konsortium muss mindestens 3 förderfähige Partner umfassen', { exact: false })
      .waitFor();
    await page.getByText(/^BMBF: Jeder Partner darf höchstens 300\.000\s€ beantragen\.$/).waitFor();

    await page.reload();
    await page.getByRole('heading', { name: 'Nächste Frist' }).waitFor();
    await page.getByRole('link', { name: 'Ausschreibungen', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Laufende und letzte Ausschreibungen' }).waitFor();

    await chooseLanguage(page, 'Sprache', 'Français');
    await page.getByRole('heading', { level: 1, name: 'Appels ouverts et récents' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    await page.getByRole('link', { name: /Live demo call/ }).click();
    await page.getByRole('heading', { name: 'Prochaine échéance' }).waitFor();
    await page.getByRole('heading', { name: 'Règles de l’appel' }).waitFor();
    await page.getByText(/^Au plus 2 partenaires peuvent venir d’un même pays/).waitFor();
    await page.getByRole('heading', { name: 'Historique des modifications' }).waitFor();
    await page.getByRole('link', { name: 'Se connecter', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Se connecter' }).waitFor();
    expect(problems).toEqual([]);
    await close();
  });
});

describe('keyboard only', () => {
  it('skips to the content, opens a call, reaches the subscribe link and changes the language', async () => {
    const { page, close } = await newPage();
    await page.goto(world.base + '/');
    await page.getByRole('link', { name: /Live demo call/ }).waitFor();
    // Page-side code is given as strings: this program has no DOM types (it is Node's).
    // The focused element's text, or its label's (a radio's input sits inside its label).
    const focused = async () =>
      (
        await page.evaluate<string>(
          '(document.activeElement?.closest("label") ?? document.activeElement)?.textContent ?? ""',
        )
      ).trim();

    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Skip to main content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement?.id')).toBe('main');

    const tabTo = async (pattern: RegExp, limit = 40) => {
      for (let i = 0; i < limit; i++) {
        await page.keyboard.press('Tab');
        if (pattern.test(await focused())) return;
      }
      throw new Error(`Tab never reached ${pattern}`);
    };
    await tabTo(/^Live demo call/);
    // A visible focus indicator: the platform's 3 px outline.
    const outline = await page.evaluate('getComputedStyle(document.activeElement).outlineWidth');
    expect(outline).toBe('3px');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/calls/live-demo-call');
    await page.getByRole('heading', { level: 1, name: /Live demo call/ }).waitFor();
    await page.getByRole('link', { name: /^Subscribe/ }).waitFor();
    await tabTo(/^Subscribe to the deadlines/);
    expect(await page.evaluate('document.activeElement?.getAttribute("href")')).toBe(
      '/api/calls/live-demo-call/calendar.ics',
    );

    // The language, from a fresh page: Tab to the switcher, open it, pick the third language.
    await page.goto(world.base + '/');
    await page.getByRole('link', { name: /Live demo call/ }).waitFor();
    // A radio group is one Tab stop; the arrow keys move the choice (English → Deutsch → Français).
    await tabTo(/English$/);
    await page.keyboard.press('ArrowRight');
    await page.getByRole('heading', { level: 1, name: 'Laufende und letzte Ausschreibungen' }).waitFor();
    await page.keyboard.press('ArrowRight');
    await page.getByRole('heading', { level: 1, name: 'Appels ouverts et récents' }).waitFor();
    await close();
  });
});

describe('accessibility', () => {
  const pages = ['/', '/calls/live-demo-call', '/calls/era-permed-jtc-2020', '/sign-in', '/nowhere'];
  for (const [label, width] of [
    ['desktop', 1280],
    ['360 px phone', 360],
  ] as const) {
    it(`every page passes axe (WCAG 2.2 A and AA) on a ${label}, in English, German and French`, async () => {
      const { page, close } = await newPage({ ...visitor, viewport: { width, height: 800 } });
      const found: string[] = [];
      for (const language of ['en', 'de', 'fr']) {
        await page.goto(world.base + '/');
        await page.evaluate((l) => localStorage.setItem('permed.language', l), language);
        for (const path of pages) {
          await page.goto(world.base + path);
          await page.getByRole('heading', { level: 1 }).waitFor();
          await page.waitForLoadState('networkidle');
          for (const v of await axeViolations(page)) found.push(`${language} ${path}: ${v}`);
        }
      }
      expect(found).toEqual([]);
      // Nothing wider than the screen: no sideways scrolling on a phone.
      const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
      expect(overflow).toBeLessThanOrEqual(0);
      await close();
    });
  }
});
