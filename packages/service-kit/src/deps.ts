import { sql } from 'drizzle-orm';
import type { Config } from '@permed/config';
import type { Db } from '@permed/db';
import type { Clock } from '@permed/domain';
import type { Authenticator } from '@permed/http';

/** What every service is built from. Tests pass a test database and a manual clock. */
export interface ServiceDeps {
  config: Config;
  db: Db;
  clock: Clock;
  authenticator: Authenticator;
}

export function databaseReadiness(db: Db): () => Promise<void> {
  return async () => {
    await db.execute(sql`select 1`);
  };
}
