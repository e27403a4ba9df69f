import { randomBytes } from 'node:crypto';
import { testConfig, type Config } from '@permed/config';
import { ensureUser, grantRole, login } from '@permed/auth';
import { ManualClock } from '@permed/domain';
import type { Grant } from '@permed/http';
import { makeDeps, type ServiceDeps } from '@permed/service-kit';
import { createTestDb, type TestDb } from './database.ts';

export interface TestUser {
  id: string;
  email: string;
  password: string;
  /** A fresh access token for this user. */
  token: string;
  auth: { authorization: string };
}

export interface TestContext {
  db: TestDb;
  config: Config;
  clock: ManualClock;
  deps: ServiceDeps;
  /** Creates a user holding the given grants and signs it in. */
  user(grants?: Omit<Grant, 'subRole'>[] | Grant[], name?: string): Promise<TestUser>;
  close(): Promise<void>;
}

/** A real database, a manual clock standing at `now`, and service dependencies built on them. */
export async function createTestContext(
  options: { now?: string | Date; config?: Partial<Config>; poolMax?: number } = {},
): Promise<TestContext> {
  const db = await createTestDb(options.poolMax ? { poolMax: options.poolMax } : {});
  const config = testConfig(options.config);
  const clock = new ManualClock(options.now ?? '2026-01-15T10:00:00Z');
  const deps = makeDeps(config, db.db, clock);
  let counter = 0;
  return {
    db,
    config,
    clock,
    deps,
    async user(grants = [], name) {
      counter += 1;
      const email = `${name ?? 'user'}-${counter}-${randomBytes(3).toString('hex')}@test.invalid`;
      const password = `pw-${randomBytes(8).toString('hex')}`;
      const { id } = await ensureUser(db.db, {
        email,
        displayName: name ?? email,
        password,
        logN: config.PASSWORD_HASH_LOG_N,
      });
      for (const g of grants) await grantRole(db.db, { userId: id, ...g });
      const tokens = await login({ db: db.db, config, clock }, { email, password });
      return {
        id,
        email,
        password,
        token: tokens.accessToken,
        auth: { authorization: `Bearer ${tokens.accessToken}` },
      };
    },
    close: () => db.destroy(),
  };
}
