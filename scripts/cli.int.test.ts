import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createDb, migrate, schema, systemActor, type DbHandle } from '@permed/db';
import { ManualClock } from '@permed/domain';
import { createCall, publishCall } from '../services/calls/src/manage-calls.ts';
import { jtc2020Definition, seedFunderRegistry } from '../services/calls/src/seed-calls.ts';

const run = promisify(execFile);
const cli = path.join(import.meta.dirname, 'cli.ts');

/** The CLI works on the platform's own database: here an embedded PGlite in a temporary DATA_DIR. */
describe('pnpm cli audit verify', () => {
  let dir: string;
  let handle: DbHandle;
  const env = () => ({ ...process.env, DATA_DIR: dir, DATABASE_URL: '', LOG_LEVEL: 'silent' });
  /** Runs the CLI with `input` as the line typed on standard input (the password prompts read it). */
  const withStdin = (args: string[], input: string) => {
    const pending = run(process.execPath, [cli, ...args], { env: env() });
    pending.child.stdin!.end(`${input}\n`);
    return pending.catch((e: { code: number; stdout: string; stderr: string }) => e);
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'permed-cli-'));
    handle = await createDb({ dataDir: path.join(dir, 'pglite') });
    await migrate(handle);
    await seedFunderRegistry(handle.db);
    const deps = { db: handle.db, clock: new ManualClock('2019-12-01T00:00:00Z') };
    await createCall(deps, systemActor, jtc2020Definition());
    await publishCall(deps, systemActor, 'era-permed-jtc-2020', 'test');
    await handle.close();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 0 on an intact chain and 1, naming the broken row, after tampering', async () => {
    const ok = await run(process.execPath, [cli, 'audit', 'verify'], { env: env() });
    expect(ok.stdout).toMatch(/^OK: 1 lifecycles, 2 transitions/);

    handle = await createDb({ dataDir: path.join(dir, 'pglite') });
    const [row] = await handle.db
      .select()
      .from(schema.workflowTransitions)
      .where(eq(schema.workflowTransitions.event, 'PUBLISH'));
    await handle.db
      .update(schema.workflowTransitions)
      .set({ payload: { funderCount: 99 } })
      .where(eq(schema.workflowTransitions.id, row!.id));
    await handle.close();

    const broken = await run(process.execPath, [cli, 'audit', 'verify'], { env: env() }).catch(
      (e: { code: number; stdout: string }) => e,
    );
    expect((broken as { code: number }).code).toBe(1);
    expect(broken.stdout).toContain(`at seq ${row!.seq} (row ${row!.id}): content does not match its hash`);
  });

  it('exits 2 with usage on a bad command line', async () => {
    const bad = await run(process.execPath, [cli, 'users', 'create-admin'], { env: env() }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect((bad as { code: number }).code).toBe(2);
    expect((bad as { stderr: string }).stderr).toContain('--email is required');
  });

  it('refuses a weak administrator password with the reason, and accepts a strong one', async () => {
    const weak = await withStdin(['users', 'create-admin', '--email', 'boss@example.org'], 'password1234');
    expect((weak as { code: number }).code).toBe(2);
    expect(weak.stderr).toContain('the password is refused: This is similar to a commonly used password.');
    const personal = await withStdin(
      ['users', 'create-admin', '--email', 'boss@example.org'],
      'Boss-Kq7!mZ2@xW',
    );
    expect((personal as { code: number }).code).toBe(2);
    expect(personal.stderr).toContain('contains your e-mail address or your name');
    const strong = await withStdin(
      ['users', 'create-admin', '--email', 'boss@example.org'],
      'tidal-Kq7!mZ2@xW',
    );
    expect(strong.stdout).toContain('created administrator boss@example.org');
  });

  it('sets a password only if the policy accepts it, and then ends the sessions', async () => {
    const weak = await withStdin(['users', 'set-password', 'boss@example.org'], 'aaaaaaaaaaaa');
    expect((weak as { code: number }).code).toBe(2);
    expect(weak.stderr).toContain('the password is refused');
    const set = await withStdin(['users', 'set-password', 'boss@example.org'], 'lantern-Qm4!vX8@zR');
    expect(set.stdout).toContain('password of boss@example.org set; 0 session(s) ended');
  });
});
