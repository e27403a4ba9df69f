// `node services/web/src/screenshots.ts [base-url] [out-dir] [full|viewport]`: every public page at
// 1280 px and 360 px, in English, German and French, in headless Chromium, to look at as a person
// would (docs/screenshots/ holds two of them, taken with `viewport`; its workspace and receipt
// pictures come from test/browser/apply-journey.test.ts).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { chromiumPath } from './chromium.ts';

const base = process.argv[2] ?? 'http://127.0.0.1:3000';
const out = path.resolve(process.argv[3] ?? 'screenshots');
const fullPage = process.argv[4] !== 'viewport';
const pages = [
  ['calls', '/'],
  ['call', '/calls/live-demo-call'],
  ['sign-in', '/sign-in'],
  ['not-found', '/nowhere'],
] as const;

await mkdir(out, { recursive: true });
const browser = await chromium.launch({ executablePath: chromiumPath() });
try {
  for (const language of ['en', 'de', 'fr']) {
    for (const [device, width] of [
      ['desktop', 1280],
      ['phone', 360],
    ] as const) {
      const context = await browser.newContext({
        viewport: { width, height: device === 'phone' ? 780 : 900 },
        deviceScaleFactor: device === 'phone' ? 2 : 1,
        locale: language === 'en' ? 'en-GB' : language,
        timezoneId: 'Europe/Lisbon',
      });
      await context.addInitScript((l) => localStorage.setItem('permed.language', l), language);
      const page = await context.newPage();
      for (const [name, url] of pages) {
        await page.goto(base + url);
        await page.getByRole('heading', { level: 1 }).waitFor();
        await page.waitForLoadState('networkidle');
        const file = path.join(out, `${name}-${device}-${language}.png`);
        await page.screenshot({ path: file, fullPage });
        console.log(file);
      }
      await context.close();
    }
  }
} finally {
  await browser.close();
}
