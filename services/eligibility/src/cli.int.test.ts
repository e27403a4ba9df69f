// Runs `node scripts/cli.ts eligibility check` and `schema proposal` as child processes, against a
// call JSON file and against a call published in an embedded PGlite database in DATA_DIR.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, migrate, systemActor } from '@permed/db';
import { systemClock } from '@permed/domain';
import { demoCall } from '@permed/rules';
import { jtc2020Definition, seedFunderRegistry } from '@permed/calls-service';
import { createCall, publishCall } from '../../calls/src/manage-calls.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const samples = path.join(root, 'packages/rules/samples');
const eligible = path.join(samples, 'proposal-eligible.json');
const ineligible = path.join(samples, 'proposal-ineligible.json');

let dir: string;
let callFile: string;

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['scripts/cli.ts', ...args], {
      cwd: root,
      // A clean environment: no DATABASE_URL, so the CLI uses the embedded PGlite in DATA_DIR.
      env: { DATA_DIR: dir, NODE_ENV: 'test', LOG_LEVEL: 'silent' },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'permed-cli-'));
  callFile = path.join(dir, 'call.json');
  await writeFile(callFile, JSON.stringify(demoCall));
  const handle = await createDb({ dataDir: path.join(dir, 'pglite') });
  try {
    await migrate(handle);
    await seedFunderRegistry(handle.db);
    const deps = { db: handle.db, clock: systemClock };
    await createCall(deps, systemActor, jtc2020Definition());
    await publishCall(deps, systemActor, 'era-permed-jtc-2020', 'CLI test');
  } finally {
    await handle.close();
  }
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('pnpm cli eligibility check', () => {
  it('exits 0 for the eligible sample against a call file', async () => {
    const r = await cli('eligibility', 'check', '--call', callFile, '--proposal', eligible);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Result: ELIGIBLE');
  });

  it('exits 1 for the ineligible sample, with the reasons', async () => {
    const r = await cli('eligibility', 'check', '--call', callFile, '--proposal', ineligible);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Result: NOT ELIGIBLE');
    expect(r.stdout).toContain('bmbf-max-request-per-partner');
  });

  it('prints the verdict as JSON with --format json', async () => {
    const r = await cli(
      'eligibility',
      'check',
      '--call',
      callFile,
      '--proposal',
      ineligible,
      '--format',
      'json',
    );
    expect(r.code).toBe(1);
    const verdict = JSON.parse(r.stdout);
    expect(verdict).toMatchObject({ eligible: false, stage: 'pre-proposal', callVersion: 1 });
    expect(verdict.findings[0]).toHaveProperty('ruleId');
  });

  it('takes the stage', async () => {
    const r = await cli(
      'eligibility',
      'check',
      '--call',
      callFile,
      '--proposal',
      eligible,
      '--format',
      'json',
      '--stage',
      'full-proposal',
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).stage).toBe('full-proposal');
  });

  it('exits 2 for a proposal that fails the schema, naming each problem’s path', async () => {
    const doc = JSON.parse(await readFile(eligible, 'utf8'));
    doc.partners[1].budget.travel = -1;
    doc.partners[2].organisation.country = 'XX';
    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify(doc));
    const r = await cli('eligibility', 'check', '--call', callFile, '--proposal', bad);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('proposal.partners[1].budget.travel');
    expect(r.stdout).toContain('proposal.partners[2].organisation.country');
    expect(r.stdout + r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('exits 2 for a missing file, a file that is not JSON, and bad options', async () => {
    expect(
      (await cli('eligibility', 'check', '--call', callFile, '--proposal', path.join(dir, 'none.json'))).code,
    ).toBe(2);
    const notJson = path.join(dir, 'not.json');
    await writeFile(notJson, '{ "acronym": ');
    const r = await cli('eligibility', 'check', '--call', callFile, '--proposal', notJson);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not valid JSON');
    expect(
      (await cli('eligibility', 'check', '--call', callFile, '--proposal', eligible, '--format', 'xml')).code,
    ).toBe(2);
    expect((await cli('eligibility', 'check', '--proposal', eligible)).code).toBe(2);
    expect(
      (await cli('eligibility', 'check', '--call', callFile, '--proposal', eligible, '--bogus')).code,
    ).toBe(2);
  }, 60_000);

  it('reads a published call from the database by its slug', async () => {
    const ok = await cli('eligibility', 'check', '--call', 'era-permed-jtc-2020', '--proposal', eligible);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('version 1');
    const no = await cli('eligibility', 'check', '--call', 'era-permed-jtc-2020', '--proposal', ineligible);
    expect(no.code).toBe(1);
    const unknown = await cli('eligibility', 'check', '--call', 'no-such-call', '--proposal', eligible);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no published call');
  }, 90_000);
});

describe('pnpm cli schema proposal', () => {
  it('prints the JSON Schema of the proposal document', async () => {
    const r = await cli('schema', 'proposal');
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.required).toEqual(expect.arrayContaining(['acronym', 'partners']));
  });
});
