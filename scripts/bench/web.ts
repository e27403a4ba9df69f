// The web app's budgets: `node scripts/bench/web.ts [--runs 7] [--baseline <checkout>]`.
//
// Starts the platform as `pnpm start` does (services/platform/start.sh, embedded PGlite in a fresh
// DATA_DIR, demo calls seeded) and measures, in headless Chromium:
//   (a) the JavaScript of the first page (/): bytes on the wire (gzip) of every script it loads;
//   (b) the call page's largest contentful paint (/calls/live-demo-call), cold cache, --runs times;
//   (c) the start: ensureWebBuild's check when the build is up to date (in process, 20 times), and
//       the platform's own "ready in" and spawn-to-first-200 over --runs later starts; with
//       --baseline <checkout of an earlier commit, installed>, the same starts of that checkout,
//       interleaved, for the before/after comparison.
// Prints a markdown section.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { chromiumPath, ensureWebBuild } from '@permed/web';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '7' }, baseline: { type: 'string' } },
});
const runs = Number(values.runs);
const repo = fileURLToPath(new URL('../..', import.meta.url));
const port = 3190;
const base = `http://127.0.0.1:${port}`;

interface Started {
  readyS: number;
  firstOkMs: number;
  stop: () => Promise<void>;
}

/** One start of a checkout's platform on `dataDir`; resolves once / answers 200. */
async function start(checkout: string, dataDir: string): Promise<Started> {
  const t0 = performance.now();
  const child = spawn('sh', [path.join(checkout, 'services/platform/start.sh')], {
    cwd: checkout,
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'development',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`platform exited: ${out}`);
    const ok = await fetch(base + '/health').then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const firstOkMs = performance.now() - t0;
  while (!/ready in ([\d.]+) s/.test(out)) await new Promise((r) => setTimeout(r, 10));
  const readyS = Number(/ready in ([\d.]+) s/.exec(out)![1]);
  return {
    readyS,
    firstOkMs,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const fmt = (xs: number[], digits = 0) =>
  `median ${median(xs).toFixed(digits)}, min ${Math.min(...xs).toFixed(digits)}, max ${Math.max(...xs).toFixed(digits)}`;

/** Records the last largest-contentful-paint entry (time and element) on window.__lcp. */
const lcpObserver = `
  window.__lcp = { t: 0, el: '' };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      window.__lcp = { t: e.startTime, el: e.element ? e.element.tagName.toLowerCase() + '.' + e.element.className : '' };
  }).observe({ type: 'largest-contentful-paint', buffered: true });
`;

const lines: string[] = [];
const load = loadavg()[0]!.toFixed(1);
lines.push(
  `### ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, load average ${load} before, ${runs} runs`,
  '',
);

// (c) the check an up-to-date start pays.
ensureWebBuild();
const checks: number[] = [];
for (let i = 0; i < 20; i++) checks.push(ensureWebBuild().ms);

const dataDirs: string[] = [];
const fresh = async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'web-bench-'));
  dataDirs.push(dir);
  return dir;
};
try {
  const current = { dir: await fresh(), ready: [] as number[], firstOk: [] as number[] };
  const baseline = values.baseline
    ? { dir: await fresh(), ready: [] as number[], firstOk: [] as number[], checkout: values.baseline }
    : null;
  // The first start migrates and seeds; it is not what a later start costs.
  await (await start(repo, current.dir)).stop();
  if (baseline) await (await start(baseline.checkout, baseline.dir)).stop();
  for (let i = 0; i < runs; i++) {
    const s = await start(repo, current.dir);
    current.ready.push(s.readyS);
    current.firstOk.push(s.firstOkMs);
    await s.stop();
    if (baseline) {
      const b = await start(baseline.checkout, baseline.dir);
      baseline.ready.push(b.readyS);
      baseline.firstOk.push(b.firstOkMs);
      await b.stop();
    }
  }

  // (a) and (b) on a running platform.
  const server = await start(repo, current.dir);
  const browser = await chromium.launch({ executablePath: chromiumPath() });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const scripts: { url: string; bytes: number }[] = [];
    page.on('requestfinished', (request) => {
      if (request.resourceType() !== 'script') return;
      void request.sizes().then((s) => scripts.push({ url: request.url(), bytes: s.responseBodySize }));
    });
    await page.goto(base + '/');
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.waitForLoadState('networkidle');
    await context.close();
    const jsBytes = scripts.reduce((n, s) => n + s.bytes, 0);

    const lcps: number[] = [];
    let lcpElement = '';
    for (let i = 0; i < runs; i++) {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      // Page-side code as a string: this program has Node's types, not the DOM's.
      await ctx.addInitScript({ content: lcpObserver });
      const p = await ctx.newPage();
      await p.goto(base + '/calls/live-demo-call');
      await p.getByRole('heading', { name: 'Stages' }).waitFor();
      await p.waitForLoadState('networkidle');
      const lcp = await p.evaluate<{ t: number; el: string }>('window.__lcp');
      lcps.push(lcp.t);
      lcpElement = lcp.el;
      await ctx.close();
    }

    lines.push(
      '| measure | budget | measured |',
      '|---|---|---|',
      `| JavaScript of the first page (/), gzip on the wire | ≤ 200 kB | ${(jsBytes / 1000).toFixed(1)} kB in ${scripts.length} files |`,
      `| largest contentful paint of /calls/live-demo-call, cold cache (ms) | ≤ 1500 | ${fmt(lcps)} (element: ${lcpElement}) |`,
      `| web build check on an up-to-date start (ms, in process, 20×) | — | ${fmt(checks, 1)} |`,
      `| platform "ready in" on a later start (s), this commit | not slower | ${fmt(current.ready, 1)} |`,
      `| spawn to first 200 on a later start (ms), this commit | not slower | ${fmt(current.firstOk)} |`,
    );
    if (baseline) {
      lines.push(
        `| platform "ready in" on a later start (s), baseline | — | ${fmt(baseline.ready, 1)} |`,
        `| spawn to first 200 on a later start (ms), baseline | — | ${fmt(baseline.firstOk)} |`,
      );
    }
    lines.push('', 'Scripts of the first page:', '');
    for (const s of scripts) lines.push(`- ${new URL(s.url).pathname}: ${(s.bytes / 1000).toFixed(1)} kB`);
  } finally {
    await browser.close();
    await server.stop();
  }
} finally {
  for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
}
console.log(lines.join('\n'));
