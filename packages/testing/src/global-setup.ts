import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { tmpdir } from 'node:os';
import type { TestProject } from 'vitest/node';
import type { PGlite } from '@electric-sql/pglite';
import { createDb, migrate, migrationsFolder } from '@permed/db';
import { runtime } from '@permed/config';
import { adminUrlFor, withDatabase } from './postgres-admin.ts';

export type TestDatabaseInfo =
  | { mode: 'postgres'; serverUrl: string; template: string; source: 'TEST_DATABASE_URL' | 'testcontainers' }
  | { mode: 'pglite'; dumpFile: string };

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabase: TestDatabaseInfo;
  }
}

async function migrationsHash(): Promise<string> {
  const hash = createHash('sha256');
  for (const name of (await readdir(migrationsFolder, { recursive: true })).sort()) {
    if (!name.endsWith('.sql') && !name.endsWith('.json')) continue;
    hash.update(name).update(await readFile(path.join(migrationsFolder, name)));
  }
  return hash.digest('hex').slice(0, 12);
}

/** Builds (or reuses) a migrated template database named after the migrations' hash. */
async function prepareTemplate(serverUrl: string): Promise<string> {
  const template = `permed_tpl_${await migrationsHash()}`;
  await withDatabase(adminUrlFor(serverUrl), async (sql) => {
    // Serialise concurrent runs (several vitest projects, two CI jobs) on one server.
    await sql`select pg_advisory_lock(72010502)`;
    try {
      const [exists] = await sql`select 1 from pg_database where datname = ${template}`;
      if (exists) return;
      const building = `${template}_build`;
      await sql.unsafe(`drop database if exists "${building}" with (force)`);
      await sql.unsafe(`create database "${building}"`);
      const handle = await createDb({ url: withDbName(serverUrl, building), poolMax: 1 });
      try {
        await migrate(handle);
      } finally {
        await handle.close();
      }
      await sql.unsafe(`alter database "${building}" rename to "${template}"`);
      await sql.unsafe(`alter database "${template}" with is_template true`);
    } finally {
      await sql`select pg_advisory_unlock(72010502)`;
    }
  });
  return template;
}

export function withDbName(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function containerRuntimeReachable(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = runtime.testDatabaseUrl;
  if (given) {
    const template = await prepareTemplate(given);
    project.provide('testDatabase', {
      mode: 'postgres',
      serverUrl: given,
      template,
      source: 'TEST_DATABASE_URL',
    });
    return async () => {};
  }
  if (await containerRuntimeReachable()) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:17-alpine').start();
    const url = container.getConnectionUri();
    const template = await prepareTemplate(url);
    project.provide('testDatabase', { mode: 'postgres', serverUrl: url, template, source: 'testcontainers' });
    return async () => {
      await container.stop();
    };
  }
  console.log('[test database] no TEST_DATABASE_URL and no container runtime: using embedded PGlite');
  // Migrate once, dump the data directory, and let each test file start from the dump:
  // the PGlite equivalent of CREATE DATABASE ... TEMPLATE.
  const dir = path.join(tmpdir(), 'permed-test');
  await mkdir(dir, { recursive: true });
  const dumpFile = path.join(dir, `pglite-${await migrationsHash()}.tar.gz`);
  const handle = await createDb({ dataDir: 'memory://' });
  await migrate(handle);
  const client = (handle.db as unknown as { $client: PGlite }).$client;
  const dump = await client.dumpDataDir('gzip');
  await writeFile(dumpFile, Buffer.from(await dump.arrayBuffer()));
  await handle.close();
  project.provide('testDatabase', { mode: 'pglite', dumpFile });
  return async () => {};
}
