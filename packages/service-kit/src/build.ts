import type { Config } from '@permed/config';
import { authRoutes, createAuthenticator } from '@permed/auth';
import type { Db } from '@permed/db';
import { systemClock, type Clock } from '@permed/domain';
import { createHttpApp, type App, type FastifyPluginAsyncZod } from '@permed/http';
import { databaseReadiness, type ServiceDeps } from './deps.ts';

export interface ServiceModule {
  /** Short name, also the mount point in the platform: /api/<name>. */
  name: string;
  title: string;
  description: string;
  plugin: (deps: ServiceDeps) => FastifyPluginAsyncZod;
}

export function makeDeps(config: Config, db: Db, clock: Clock = systemClock): ServiceDeps {
  return { config, db, clock, authenticator: createAuthenticator({ config, db, clock }) };
}

/**
 * One service as a standalone Fastify app: plumbing, /auth (so it can be used alone) and the
 * service's routes at the root. The platform mounts the same plugins under /api/<name> instead.
 */
export async function buildServiceApp(module: ServiceModule, deps: ServiceDeps): Promise<App> {
  const app = await createHttpApp(deps.config, {
    name: `PerMed Calls — ${module.title}`,
    description: module.description,
    authenticator: deps.authenticator,
    readiness: [databaseReadiness(deps.db)],
  });
  await app.register(authRoutes(deps), { prefix: '/auth' });
  await app.register(module.plugin(deps));
  return app;
}
