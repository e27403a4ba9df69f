import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '@permed/config';
import { pruneAccountState } from '@permed/auth';
import { createDb, drainOutbox, JobRunner, migrate, startPolling } from '@permed/db';
import { mailOutboxHandler } from '@permed/mail';
import { collectProposalOrphans, proposalsOutboxHandlers } from '@permed/proposals-service';
import { collectFundingOrphans } from '@permed/funding-service';
import { callJobHandlers, seedDemoCalls, seedFunderRegistry } from '@permed/calls-service';
import { warmPdfInspection } from '@permed/documents';
import { listen } from '@permed/http';
import { ensureWebBuild } from '@permed/web';
import { makeDeps } from '@permed/service-kit';
import { buildPlatform, serviceModules } from './app.ts';
import { ensureFirstAdmin, seedDemoUsers } from './seed.ts';

// `pnpm start`: migrate, seed on first start, serve every service on one port.
const started = performance.now();
const config = loadConfig();
// The web app is built at install; this rebuilds it only when its sources changed since (a hash
// of the sources when it is up to date: a few milliseconds).
// If it cannot be built, the API still starts and / answers 503 with the reason.
try {
  ensureWebBuild({ log: (line) => console.log(line) });
} catch (error) {
  console.error(`The web app is not served: ${error instanceof Error ? error.message : String(error)}`);
}
const handle = await createDb({
  url: config.DATABASE_URL,
  dataDir: path.join(config.DATA_DIR, 'pglite'),
  poolMax: config.DATABASE_POOL_MAX,
});
await migrate(handle);
const deps = makeDeps(config, handle.db);
await ensureFirstAdmin(handle.db, config);
await seedFunderRegistry(handle.db);
const logins = config.SEED_DEMO ? await seedDemoUsers(handle.db, config) : [];
const seededCalls = config.SEED_DEMO ? await seedDemoCalls({ db: handle.db, clock: deps.clock }) : [];
const app = await buildPlatform(config, deps);
// The durable scheduler: stage changes at their instants, catching up on anything missed.
const jobs = new JobRunner({
  db: handle.db,
  now: () => deps.clock.now(),
  handlers: { ...callJobHandlers },
  onError: (err) => app.log.error({ err }, 'scheduled job failed'),
});
// Side effects after commit: e-mail (SMTP, or DATA_DIR/mailbox) and receipt PDFs.
const outboxHandlers = { ...proposalsOutboxHandlers(deps), mail: mailOutboxHandler(config) };
const onBackgroundError = (err: unknown) => app.log.error({ err }, 'background work failed');
// Blobs no row refers to (an upload cut off by a crash) are collected at start and every hour.
const collectOrphans = async () => {
  const [proposals, funding, accounts] = await Promise.all([
    collectProposalOrphans(deps),
    collectFundingOrphans(deps),
    pruneAccountState(handle.db, deps.clock.now()),
  ]);
  app.log.info({ proposals, funding, accounts }, 'orphan blobs collected, account state pruned');
};
const address = await listen(app, {
  host: config.HOST,
  port: config.PORT,
  acceptors: config.LISTEN_SOCKETS,
  onClose: async () => {
    await Promise.all([jobs.stop(), outbox.stop(), maintenance.stop()]);
    await handle.close();
  },
});
jobs.start();
const outbox = startPolling(
  () =>
    drainOutbox(handle.db, () => deps.clock.now(), outboxHandlers, {
      yieldTo: () => app.requestsInFlight() > config.OUTBOX_YIELD_IN_FLIGHT,
    }),
  500,
  onBackgroundError,
);
const maintenance = startPolling(collectOrphans, 3_600_000, onBackgroundError);
// Upload inspection workers take ~0.5 s to start: start them now, not on the first upload.
warmPdfInspection().catch(onBackgroundError);
const base = config.PUBLIC_URL ?? address;
const lines = [
  '',
  `PerMed Calls is running (${handle.kind === 'pglite' ? `embedded PGlite at ${handle.location}` : `PostgreSQL ${handle.location}`}), ready in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  `  Web app:                 ${base}/`,
  `  API docs (OpenAPI 3.1):  ${base}/docs`,
  `  Health / readiness:      ${base}/health  ${base}/ready`,
  `  Sign up / sign in:       POST ${base}/api/auth/sign-up   POST ${base}/api/auth/login`,
  ...serviceModules.map((m) => `  ${m.title.padEnd(24)} ${base}/api/${m.name}`),
];
if (seededCalls.length > 0) {
  lines.push('', 'Demo calls (public pages):');
  for (const slug of seededCalls)
    lines.push(`  ${base}/calls/${slug}   ${base}/api/calls/${slug}/calendar.ics`);
}
if (logins.length > 0) {
  lines.push('', 'Demo logins (shown once; reset with `pnpm cli users set-password <email>`):');
  for (const l of logins) lines.push(`  ${l.email.padEnd(38)} ${l.password}  ${l.roles}`);
}
console.log(lines.join('\n'));
