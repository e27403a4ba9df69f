// Eligibility benchmark on PostgreSQL: `node scripts/bench/eligibility.ts [--server postgres://postgres@127.0.0.1:5432/postgres]`.
// Creates a fresh database on the server, migrates it, seeds two copies of the JTC2020 demo call with
// 300 and 10,000 seeded synthetic proposals (3–7 partners) as submitted versions, then measures:
//   - the automatic check of a whole call stage end to end (read the counted versions, evaluate them,
//     batched write of the results) — goals 300 ≤ 2 s, 10,000 ≤ 30 s, peak memory ≤ 1 GiB;
//   - a funder's workspace list on the 10,000-proposal call (results already stored);
//   - the pre-check endpoint through app.inject(), authentication and call load included — goal p99 ≤ 50 ms.
// The database is dropped at the end, also on failure.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { ensureUser, login } from '@permed/auth';
import { jtc2020Definition, seedFunderRegistry } from '@permed/calls-service';
import { testConfig } from '@permed/config';
import { canonicalHash, createDb, GENESIS_HASH, migrate, schema, systemActor, type Db } from '@permed/db';
import { ManualClock } from '@permed/domain';
import type { Principal } from '../../packages/http/src/index.ts';
// Relative imports: the scripts package does not list these workspace packages as dependencies.
import { advanceWorkflow, makeDeps } from '../../packages/service-kit/src/index.ts';
import { createCall, publishCall } from '../../services/calls/src/manage-calls.ts';
import { buildApp } from '../../services/eligibility/src/index.ts';
import { CallProjectionCache, loadPublishedCall } from '../../services/eligibility/src/call-context.ts';
import { funderWorkspace } from '../../services/eligibility/src/funder-workspace.ts';
import { runAutomaticChecks } from '../../services/eligibility/src/run-automatic-checks.ts';
import { syntheticProposals } from '../../packages/rules/src/testing/synthetic-proposals.ts';
import { initialSnapshot, machineVersion, step } from '../../packages/workflow/src/index.ts';

const SEED = 20200305;
const { values } = parseArgs({
  options: {
    server: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    requests: { type: 'string', default: '1000' },
  },
});
const serverUrl = values.server;
const requests = Number(values.requests);
const dbName = `permed_bench_${randomBytes(4).toString('hex')}`;
const withDb = (url: string, name: string) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};

/** Peak RSS and heap sampled while a measurement runs (maxRSS alone would include the seeding). */
async function measured<T>(
  fn: () => Promise<T>,
): Promise<{ value: T; ms: number; peakRssMiB: number; peakHeapMiB: number }> {
  let peakRss = process.memoryUsage().rss;
  let peakHeap = process.memoryUsage().heapUsed;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 20);
  const t0 = performance.now();
  try {
    const value = await fn();
    const ms = performance.now() - t0;
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
    return { value, ms, peakRssMiB: peakRss / 2 ** 20, peakHeapMiB: peakHeap / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** A published, closed-for-submissions copy of the demo call holding `count` submitted pre-proposals. */
async function seedCall(db: Db, clock: ManualClock, count: number) {
  const slug = `bench-${count}`;
  const call = await createCall({ db, clock }, systemActor, { ...jtc2020Definition(), slug });
  await publishCall({ db, clock }, systemActor, slug, 'benchmark');
  for (const type of ['OPEN_PRE_PROPOSALS', 'CLOSE_PRE_PROPOSALS'] as const) {
    await db.transaction((tx) =>
      advanceWorkflow(tx, {
        kind: 'call',
        subjectId: call.id,
        event: { type },
        actor: systemActor,
        at: clock.now(),
      }),
    );
  }
  const projected = await loadPublishedCall(db, new CallProjectionCache(), slug);
  const docs = syntheticProposals(projected.eligibilityCall, count, SEED);
  // Proposals sit in eligibility-check; their lifecycle rows are written in bulk from one stepped
  // snapshot (no transition history: this database is thrown away).
  let snapshot: unknown = initialSnapshot('proposal', { twoStage: true, rebuttal: true });
  snapshot = step('proposal', snapshot as never, { type: 'SUBMIT', blockingErrors: 0 }).snapshot;
  snapshot = step('proposal', snapshot as never, { type: 'START_ELIGIBILITY_CHECK' }).snapshot;
  const submitter = (await db.select({ id: schema.users.id }).from(schema.users).limit(1))[0]!.id;
  const now = clock.now();
  for (let i = 0; i < docs.length; i += 500) {
    const chunk = docs.slice(i, i + 500);
    const ids = await db
      .insert(schema.proposals)
      .values(
        chunk.map((d) => ({
          callId: call.id,
          stage: 'pre-proposal' as const,
          acronym: d.acronym,
          coordinatorUserId: submitter,
          draft: d,
          createdAt: now,
          updatedAt: now,
        })),
      )
      .returning({ id: schema.proposals.id });
    const documents = [
      { kind: 'proposal', name: 'proposal.pdf', sha256: 'a'.repeat(64), bytes: 300_000, pages: 9 },
    ];
    await db.insert(schema.proposalVersions).values(
      chunk.map((d, j) => ({
        proposalId: ids[j]!.id,
        seq: 1,
        callId: call.id,
        stage: 'pre-proposal' as const,
        callVersion: 1,
        document: d,
        documents,
        contentHash: canonicalHash({ document: d, documents }),
        submittedAt: now,
        submittedBy: submitter,
      })),
    );
    await db.insert(schema.workflowInstances).values(
      ids.map(({ id }) => ({
        kind: 'proposal' as const,
        subjectId: id,
        callId: call.id,
        state: 'eligibility-check',
        snapshot: snapshot as Record<string, unknown>,
        machineVersion: machineVersion('proposal'),
        headHash: GENESIS_HASH,
        updatedAt: now,
      })),
    );
  }
  return projected;
}

async function main(): Promise<void> {
  const admin = await createDb({ url: serverUrl, poolMax: 1 });
  await admin.db.execute(sql.raw(`create database "${dbName}"`));
  const handle = await createDb({ url: withDb(serverUrl, dbName), poolMax: 10 });
  const rows: [string, string, string][] = [];
  try {
    await migrate(handle);
    const db = handle.db;
    const clock = new ManualClock('2020-03-06T09:00:00Z');
    const config = testConfig({ DATABASE_URL: withDb(serverUrl, dbName) });
    await seedFunderRegistry(db);
    const password = `bench-${randomBytes(8).toString('hex')}`;
    const user = await ensureUser(db, {
      email: 'bench@example.org',
      displayName: 'Bench',
      password,
      logN: config.PASSWORD_HASH_LOG_N,
    });

    const seedStart = performance.now();
    const small = await seedCall(db, clock, 300);
    const large = await seedCall(db, clock, 10_000);
    const seedMs = performance.now() - seedStart;
    await db.execute(sql`analyze`);

    for (const [call, goal] of [
      [small, 2_000],
      [large, 30_000],
    ] as const) {
      const r = await measured(() =>
        runAutomaticChecks(db, call, { stage: 'pre-proposal', at: clock.now(), store: true }),
      );
      const t = r.value.timings;
      const n = r.value.proposals;
      rows.push([
        `automatic check, ${n.toLocaleString('en')} proposals, end to end (${r.value.eligible.toLocaleString('en')} eligible)`,
        `${r.ms.toFixed(0)} ms (read ${t.readMs.toFixed(0)}, evaluate ${t.evaluateMs.toFixed(0)}, write ${t.writeMs.toFixed(0)})`,
        `≤ ${goal.toLocaleString('en')} ms`,
      ]);
      rows.push([
        `  peak RSS / heap during that run`,
        `${r.peakRssMiB.toFixed(0)} MiB / ${r.peakHeapMiB.toFixed(0)} MiB`,
        '≤ 1,024 MiB',
      ]);
    }

    const principal: Principal = {
      userId: user.id,
      email: 'bench@example.org',
      displayName: 'Bench',
      sessionId: 'bench',
      grants: [{ role: 'funder', scopeType: 'funder', scopeId: 'bmbf' }],
    };
    const cache = new CallProjectionCache();
    const ws = await measured(() =>
      funderWorkspace(db, cache, principal, { slug: 'bench-10000', funderId: 'bmbf', now: clock.now() }),
    );
    rows.push([
      `BMBF's workspace list on 10,000 proposals (${ws.value.partners.length} partners, checks stored)`,
      `${ws.ms.toFixed(0)} ms`,
      '',
    ]);

    // The pre-check endpoint: authentication (session lookup), call load (projection cached per
    // version), schema validation and evaluation, through app.inject().
    const deps = makeDeps(config, db, clock);
    const app = await buildApp(config, { db: deps.db, clock: deps.clock, authenticator: deps.authenticator });
    try {
      const tokens = await login({ db, config, clock }, { email: 'bench@example.org', password });
      const headers = { authorization: `Bearer ${tokens.accessToken}` };
      const bodies = await Promise.all(
        ['eligible', 'ineligible'].map(
          async (name) =>
            JSON.parse(
              await readFile(
                new URL(`../../packages/rules/samples/proposal-${name}.json`, import.meta.url),
                'utf8',
              ),
            ) as object,
        ),
      );
      const once = async (i: number) => {
        const t0 = performance.now();
        const res = await app.inject({
          method: 'POST',
          url: `/calls/${small.definition.slug}/pre-check`,
          headers,
          payload: bodies[i % 2]!,
        });
        const ms = performance.now() - t0;
        if (res.statusCode !== 200) throw new Error(`pre-check answered ${res.statusCode}: ${res.body}`);
        return ms;
      };
      const first = await once(0);
      for (let i = 0; i < 100; i++) await once(i);
      const times: number[] = [];
      for (let i = 0; i < requests; i++) times.push(await once(i));
      times.sort((a, b) => a - b);
      rows.push(['pre-check: first request (cold cache, cold JIT)', `${first.toFixed(1)} ms`, '']);
      rows.push([
        `pre-check over ${requests.toLocaleString('en')} requests: p50 / p95 / p99 / max`,
        `${percentile(times, 50).toFixed(2)} / ${percentile(times, 95).toFixed(2)} / ${percentile(times, 99).toFixed(2)} / ${times.at(-1)!.toFixed(2)} ms`,
        'p99 ≤ 50 ms',
      ]);
    } finally {
      await app.close();
    }
    rows.push(['seeding both calls (not part of any goal)', `${(seedMs / 1000).toFixed(1)} s`, '']);
    rows.push([
      'process peak RSS (whole run, seeding included)',
      `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
      '',
    ]);
  } finally {
    await handle.close();
    await admin.db.execute(sql.raw(`drop database if exists "${dbName}" with (force)`));
    await admin.close();
  }

  const cpu = cpus();
  const pg = serverUrl.replace(/\/\/[^@]*@/, '//');
  console.log(
    `Eligibility (database) — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpu.length} cores (${cpu[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
  );
  console.log(`PostgreSQL at ${pg}, fresh database ${dbName} (dropped); synthetic proposals, seed ${SEED}\n`);
  console.log('| measure | result | goal |');
  console.log('|---|---|---|');
  for (const [m, r, g] of rows) console.log(`| ${m} | ${r} | ${g} |`);
}

await main();
