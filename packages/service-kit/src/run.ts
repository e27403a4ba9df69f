import { loadConfig, type Config } from '@permed/config';
import { createDb, migrate } from '@permed/db';
import { listen } from '@permed/http';
import { buildServiceApp, makeDeps, type ServiceModule } from './build.ts';
import path from 'node:path';

/** Runs one service alone on its own port: `node services/<name>/src/server.ts`. */
export async function runService(module: ServiceModule, defaultPort: number): Promise<void> {
  const config: Config = loadConfig();
  const port = config.PORT === 3000 ? defaultPort : config.PORT;
  const handle = await createDb({
    url: config.DATABASE_URL,
    dataDir: path.join(config.DATA_DIR, 'pglite'),
    poolMax: config.DATABASE_POOL_MAX,
  });
  await migrate(handle);
  const app = await buildServiceApp(module, makeDeps(config, handle.db));
  const address = await listen(app, { host: config.HOST, port, onClose: () => handle.close() });
  app.log.info(`${module.title} listening on ${address} (docs: ${address}/docs)`);
}
