import type { Config } from '@permed/config';
import { createHttpApp, type App } from '@permed/http';
import { createTestContext, type TestContext } from '@permed/testing';
import { authRoutes } from '../routes.ts';

/** The auth routes mounted as the platform mounts them (/api/auth), on a fresh test database. */
export async function startAuthApp(config: Partial<Config>): Promise<{ ctx: TestContext; app: App }> {
  const ctx = await createTestContext({ config });
  const app = await createHttpApp(ctx.config, { name: 'auth', authenticator: ctx.deps.authenticator });
  await app.register(authRoutes(ctx.deps), { prefix: '/api/auth' });
  return { ctx, app };
}

/**
 * A new client address on each call (10.<subnet>.x.y), so the per-address rate limit never
 * interferes unless a test means it to.
 */
export function clientAddresses(subnet: number): () => string {
  let client = 0;
  return () => `10.${subnet}.${Math.floor(++client / 250)}.${client % 250}`;
}
