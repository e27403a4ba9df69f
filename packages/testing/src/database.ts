import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { inject } from 'vitest';
import { createDb, type DbHandle } from '@permed/db';
import { adminUrlFor, withDatabase } from './postgres-admin.ts';
import { withDbName } from './global-setup.ts';

export interface TestDb extends DbHandle {
  /** postgres: the URL of this file's own database, e.g. for a second platform instance. */
  url: string | undefined;
  /** Drops the database (postgres) or closes the instance (PGlite). */
  destroy(): Promise<void>;
}

/**
 * A fresh, migrated database for one test file: CREATE DATABASE ... TEMPLATE on PostgreSQL,
 * a PGlite instance loaded from the migrated dump otherwise. Never a mock.
 */
export async function createTestDb(options: { poolMax?: number } = {}): Promise<TestDb> {
  const info = inject('testDatabase');
  if (info.mode === 'postgres') {
    const name = `permed_t_${randomBytes(6).toString('hex')}`;
    await withDatabase(adminUrlFor(info.serverUrl), (sql) =>
      sql.unsafe(`create database "${name}" template "${info.template}"`),
    );
    const url = withDbName(info.serverUrl, name);
    const handle = await createDb({ url, poolMax: options.poolMax ?? 10 });
    return {
      ...handle,
      url,
      destroy: async () => {
        await handle.close();
        await withDatabase(adminUrlFor(info.serverUrl), (sql) =>
          sql.unsafe(`drop database if exists "${name}" with (force)`),
        );
      },
    };
  }
  const dump = await readFile(info.dumpFile);
  const handle = await createDb({ dataDir: 'memory://', loadDataDir: new Blob([dump]) });
  return { ...handle, url: undefined, destroy: () => handle.close() };
}

export function testDatabaseMode(): 'postgres' | 'pglite' {
  return inject('testDatabase').mode;
}
