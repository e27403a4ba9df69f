import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '@permed/config';
import { createDb, migrate } from '@permed/db';
import { listen } from '@permed/http';
import { makeDeps } from '@permed/service-kit';
import { buildPlatform, serviceModules } from './app.ts';
import { ensureFirstAdmin, seedDemoUsers } from './seed.ts';

// `pnpm start`: migrate, seed on first start, serve every service on one port.
const started = performance.now();
const config = loadConfig();
const handle = await createDb({
  url: config.DATABASE_URL,
  dataDir: path.join(config.DATA_DIR, 'pglite'),
  poolMax: config.DATABASE_POOL_MAX,
});
await migrate(handle);
const deps = makeDeps(config, handle.db);
await ensureFirstAdmin(handle.db, config);
const logins = config.SEED_DEMO ? await seedDemoUsers(handle.db, config) : [];
const app = await buildPlatform(config, deps);
const address = await listen(app, { host: config.HOST, port: config.PORT, onClose: () => handle.close() });
const base = config.PUBLIC_URL ?? address;
const lines = [
  '',
  `PerMed Calls is running (${handle.kind === 'pglite' ? `embedded PGlite at ${handle.location}` : `PostgreSQL ${handle.location}`}), ready in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  `  API docs (OpenAPI 3.1):  ${base}/docs`,
  `  Health / readiness:      ${base}/health  ${base}/ready`,
  `  Sign in:                 POST ${base}/api/auth/login`,
  ...serviceModules.map((m) => `  ${m.title.padEnd(24)} ${base}/api/${m.name}`),
];
if (logins.length > 0) {
  lines.push('', 'Demo logins (shown once; reset with `pnpm cli users set-password <email>`):');
  for (const l of logins) lines.push(`  ${l.email.padEnd(38)} ${l.password}  ${l.roles}`);
}
console.log(lines.join('\n'));
