import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { sql, type ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
/** A database handle that works the same on postgres.js and PGlite. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Query functions take either: only use cases open transactions and pass tx down. */
export type DbOrTx = Db | Tx;

export interface DbHandle {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** Where the data lives, for logs: a redacted URL or a directory. */
  location: string;
  close(): Promise<void>;
}

export const migrationsFolder = fileURLToPath(new URL('../migrations', import.meta.url));

export interface CreateDbOptions {
  /** PostgreSQL URL; when absent an embedded PGlite is used. */
  url?: string | undefined;
  /** PGlite data directory; 'memory://' keeps it in memory. */
  dataDir?: string;
  /** A PGlite data directory dump (from dumpDataDir) to start from, used by the test harness. */
  loadDataDir?: Blob | File;
  poolMax?: number;
}

export async function createDb(options: CreateDbOptions): Promise<DbHandle> {
  if (options.url) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const client = postgres(options.url, {
      max: options.poolMax ?? 20,
      onnotice: () => {},
      // Fail fast when the server is unreachable rather than queueing requests for ever.
      connect_timeout: 5,
      // Reconnect within a second of the server coming back: postgres.js's default back-off grows
      // to 10–20 s after a long outage, which kept the platform refusing requests that long after
      // PostgreSQL was back (scripts/reliability/postgres-fault.ts). Jittered, so the pool's
      // connections do not all knock at once.
      backoff: (attempts: number) => (0.5 + Math.random() / 2) * Math.min(2 ** attempts / 10, 1),
      idle_timeout: 60,
      prepare: true,
    });
    const db = drizzle(client, { schema, casing: 'snake_case' }) as unknown as Db;
    return {
      db,
      kind: 'postgres',
      location: redactUrl(options.url),
      close: () => client.end({ timeout: 5 }),
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const dataDir = options.dataDir ?? 'memory://';
  if (!dataDir.startsWith('memory://')) await mkdir(dataDir, { recursive: true });
  const client = await PGlite.create(
    dataDir,
    options.loadDataDir ? { loadDataDir: options.loadDataDir } : {},
  );
  const db = drizzle(client, { schema, casing: 'snake_case' }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    location: dataDir === 'memory://' ? 'memory' : path.resolve(dataDir),
    close: () => client.close(),
  };
}

/** Applies the committed migrations. On PostgreSQL an advisory lock keeps two instances from racing. */
export async function migrate(handle: DbHandle): Promise<void> {
  if (handle.kind === 'postgres') {
    const { migrate: run } = await import('drizzle-orm/postgres-js/migrator');
    await handle.db.execute(sql`select pg_advisory_lock(72010501)`);
    try {
      await run(handle.db as never, { migrationsFolder });
    } finally {
      await handle.db.execute(sql`select pg_advisory_unlock(72010501)`);
    }
    return;
  }
  const { migrate: run } = await import('drizzle-orm/pglite/migrator');
  await run(handle.db as never, { migrationsFolder });
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable url)';
  }
}
