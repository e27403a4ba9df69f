import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { seedFunderRegistry } from '@permed/calls-service';
import { loadConfig, type Config } from '@permed/config';
import { createDb, migrate, type DbHandle } from '@permed/db';

/**
 * Where a scenario's platform keeps its data: a fresh database on a PostgreSQL server (created and
 * dropped by the scenario, never a shared one), or the embedded PGlite in the platform's DATA_DIR.
 */
export type Backend = { kind: 'postgres'; serverUrl: string } | { kind: 'pglite' };

export interface ScenarioDatabase {
  backend: Backend['kind'];
  /** The platform's DATA_DIR: blob store, mailbox, and the PGlite data directory. */
  dataDir: string;
  /** PostgreSQL URL of the fresh database; undefined on PGlite. */
  url: string | undefined;
  /** Database name on PostgreSQL (for pg_stat_activity), the data directory on PGlite. */
  name: string;
  /** The configuration the platform children get (parsed the same way, e.g. to sign their tokens). */
  config: Config;
  /** Environment for a platform child on this database. */
  platformEnv(overrides?: Record<string, string>): Record<string, string>;
  /**
   * A handle for preparation and verification. PGlite is one process's database: open it only
   * while no platform child runs, and close it before starting one.
   */
  open(poolMax?: number): Promise<DbHandle>;
  /** Runs `fn` on the server's maintenance database (PostgreSQL only), e.g. pg_terminate_backend. */
  admin<T>(fn: (sql: postgres.Sql) => Promise<T>): Promise<T>;
  /** Drops the database and removes the data directory. */
  destroy(): Promise<void>;
}

export const withDatabaseName = (url: string, name: string): string => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};

export function randomPort(): number {
  return 20000 + Math.floor(Math.random() * 20000);
}

/** A fresh, migrated database with the funder registry, and a data directory for the platform. */
export async function createScenarioDatabase(backend: Backend, label: string): Promise<ScenarioDatabase> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `permed-${label}-`));
  const name = `permed_rel_${label.replaceAll(/[^a-z0-9]/g, '_')}_${randomBytes(4).toString('hex')}`;
  const adminUrl = backend.kind === 'postgres' ? withDatabaseName(backend.serverUrl, 'postgres') : undefined;
  const admin = async <T>(fn: (sql: postgres.Sql) => Promise<T>): Promise<T> => {
    if (!adminUrl) throw new Error('no database server: this backend is PGlite');
    const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
    try {
      return await fn(sql);
    } finally {
      await sql.end({ timeout: 5 });
    }
  };
  if (backend.kind === 'postgres') await admin((sql) => sql.unsafe(`create database "${name}"`));
  const url = backend.kind === 'postgres' ? withDatabaseName(backend.serverUrl, name) : undefined;
  const port = randomPort();
  const baseEnv: Record<string, string> = {
    NODE_ENV: 'production',
    DATA_DIR: dataDir,
    AUTH_SECRET: randomBytes(24).toString('hex'),
    LOG_LEVEL: 'warn',
    SEED_DEMO: 'false',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_POOL_MAX: '20',
    // The scenarios' many simulated users all connect from 127.0.0.1: the per-address limit is for
    // one real client, so it is off here unless a scenario (slow clients) turns it on.
    MAX_CONNECTIONS_PER_ADDRESS: '0',
    ...(url ? { DATABASE_URL: url } : {}),
  };
  const open = (poolMax = 10) => createDb(url ? { url, poolMax } : { dataDir: path.join(dataDir, 'pglite') });
  const handle = await open();
  try {
    await migrate(handle);
    await seedFunderRegistry(handle.db);
  } finally {
    await handle.close();
  }
  return {
    backend: backend.kind,
    dataDir,
    url,
    name: url ? name : path.join(dataDir, 'pglite'),
    config: loadConfig(baseEnv),
    platformEnv: (overrides = {}) => ({ ...baseEnv, ...overrides }),
    open,
    admin,
    async destroy() {
      if (backend.kind === 'postgres') {
        await admin((sql) => sql.unsafe(`drop database if exists "${name}" with (force)`));
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
