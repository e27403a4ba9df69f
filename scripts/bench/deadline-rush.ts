// The deadline rush, on PostgreSQL: `node scripts/bench/deadline-rush.ts [--server postgres://postgres@127.0.0.1:5432/postgres]
//   [--proposals 4000] [--connections 200] [--pool 20] [--served-connections <pool>] [--served-proposals 2000]
//   [--bare-proposals 2000] [--uploads 20] [--deadline-proposals 1500] [--cpu-prof <dir>]`.
//
// Creates a fresh database, migrates it, publishes a copy of the JTC2020 demo call, prepares complete
// proposals directly (coordinators with sessions, partner sections, an uploaded PDF each), starts the
// platform (`services/platform/start.sh`, as `pnpm start` does) as a child process on that database, and measures:
//   (a) 200 connections submitting prepared proposals through HTTP (autocannon): submits/s, p50/p99,
//       and the CPU of the platform, of PostgreSQL and of the benchmark process (all on one machine);
//       then checks that every acknowledged submit has exactly one version and nothing else was stored;
//       and times the bare SQL of the same submit transaction (postgres.js, same statements, same pool
//       size) for the ratio. 200 connections on a pool of 20 measure mostly the wait for a connection,
//       so (a′) repeats the rush at the concurrency the pool serves at once (--served-connections);
//   (b) 20 concurrent 10 MiB PDF uploads through HTTP: MiB/s and the server's RSS growth;
//   (c) submissions across a deadline, in process, with an injected clock running ahead of real time so
//       that the deadline falls in the middle of the run: nothing may be committed at or after it.
// Prints a markdown section. The database is dropped at the end, also on failure.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import postgres from 'postgres';
import { and, eq, inArray, like, sql } from 'drizzle-orm';
import { createUser, hashToken, sessionLookup, signAccessToken, signingKey } from '@permed/auth';
import { createBlobStore } from '@permed/blobs';
import { jtc2020Definition, seedFunderRegistry } from '@permed/calls-service';
import { loadConfig, type Config } from '@permed/config';
import { createDb, migrate, schema, systemActor, type Db } from '@permed/db';
import { assemblePdf, onePageObjects, streamBody, validPdf } from '@permed/documents/testing';
import { systemClock, type CallDefinitionInput, type Clock, type Partner } from '@permed/domain';
import type { Principal } from '../../packages/http/src/index.ts';
import { createProposal, proposalsContext, submitProposal } from '@permed/proposals-service';
import { makeDeps } from '../../packages/service-kit/src/index.ts';
import { createCall, publishCall } from '../../services/calls/src/manage-calls.ts';
import { readForSubmission, writeSubmission } from '../../services/proposals/src/submission-statements.ts';

const { values } = parseArgs({
  options: {
    server: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    proposals: { type: 'string', default: '4000' },
    connections: { type: 'string', default: '200' },
    uploads: { type: 'string', default: '20' },
    'deadline-proposals': { type: 'string', default: '1500' },
    'bare-proposals': { type: 'string', default: '2000' },
    'cpu-prof': { type: 'string' },
    pool: { type: 'string', default: '20' },
    // The second HTTP run, at the concurrency the pool can serve (defaults to the pool size).
    'served-connections': { type: 'string' },
    'served-proposals': { type: 'string', default: '2000' },
  },
});
const N = Number(values.proposals);
const CONNECTIONS = Number(values.connections);
const UPLOADS = Number(values.uploads);
const DEADLINE_N = Number(values['deadline-proposals']);
const BARE_N = Number(values['bare-proposals']);
const POOL = Number(values.pool);
const SERVED_CONNECTIONS = Number(values['served-connections'] ?? values.pool);
const SERVED_N = Number(values['served-proposals']);
const MiB = 1024 * 1024;
const root = fileURLToPath(new URL('../../', import.meta.url));
const dbName = `permed_rush_${randomBytes(4).toString('hex')}`;
const withDb = (url: string, name: string) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};
const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
const log = (line: string) => process.stderr.write(`[rush] ${line}\n`);

// ---------------------------------------------------------------- fixtures
function partners(i: number): Partner[] {
  const budget = (currency: string) => ({
    currency,
    personnel: 20_000_000,
    consumables: 1_000_000,
    equipment: 0,
    travel: 500_000,
    subcontracting: 0,
    overhead: 1_000_000,
  });
  return [
    {
      id: 'charite',
      organisation: { name: 'Charité', country: 'DE', region: 'DE-BE', type: 'clinical-public-health' },
      pi: { name: `PI ${i} Berlin`, email: `pi${i}.berlin@example.org` },
      funderId: 'bmbf',
      coordinator: true,
      budget: budget('EUR'),
    },
    {
      id: 'karolinska',
      organisation: { name: 'Karolinska Institutet', country: 'SE', type: 'academia' },
      pi: { name: `PI ${i} Stockholm`, email: `pi${i}.stockholm@example.org` },
      funderId: 'vr',
      coordinator: false,
      budget: budget('EUR'),
    },
    {
      id: 'laval',
      organisation: { name: 'Université Laval', country: 'CA', region: 'CA-QC', type: 'academia' },
      pi: { name: `PI ${i} Québec`, email: `pi${i}.quebec@example.org` },
      funderId: 'frqs',
      coordinator: false,
      budget: budget('CAD'),
    },
    {
      id: 'clinic-bcn',
      organisation: {
        name: 'Hospital Clínic de Barcelona',
        country: 'ES',
        region: 'ES-CT',
        type: 'clinical-public-health',
      },
      pi: { name: `PI ${i} Barcelona`, email: `pi${i}.barcelona@example.org` },
      funderId: 'isciii',
      coordinator: false,
      budget: budget('EUR'),
    },
  ];
}

/** The demo call with its pre-proposal deadline at `deadline` (stages laid out around it). */
function definition(slug: string, deadline: Date): CallDefinitionInput {
  const base = jtc2020Definition();
  const day = 24 * 3600_000;
  const kinds = base.stages.map((s) => s.kind);
  let at = deadline.getTime() - 40 * day;
  const stages = kinds.map((kind) => {
    const opensAt = at;
    const closesAt = kind === 'pre-proposal-submission' ? deadline.getTime() : at + 10 * day;
    at = closesAt;
    return {
      kind,
      opensAt: { at: new Date(opensAt).toISOString(), zone: base.zone },
      closesAt: { at: new Date(closesAt).toISOString(), zone: base.zone },
    };
  });
  return { ...base, slug, title: `Rush ${slug}`, stages };
}

/** A valid one-page PDF of just under `bytes`: a 10 MiB JPEG-declared image carries the weight. */
function heavyPdf(bytes: number): Uint8Array {
  const payload = randomBytes(bytes - 1200);
  return assemblePdf({
    objects: [
      ...onePageObjects(),
      {
        id: 6,
        body: streamBody(
          '/Type /XObject /Subtype /Image /Width 2048 /Height 1707 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode',
          payload,
        ),
      },
    ],
    trailer: '/Root 1 0 R',
  });
}

interface Prepared {
  id: string;
  userId: string;
  sessionId: string;
  email: string;
  token: string;
}

/**
 * Coordinators with a live session and an access token (no password hashing: sessions are written
 * directly), each with a complete proposal made by the service's own use case and its PDF recorded.
 */
async function prepare(
  db: Db,
  config: Config,
  callSlug: string,
  count: number,
  label: string,
  pdfSha: { sha256: string; bytes: number },
) {
  const ctx = proposalsContext(makeDeps(config, db, systemClock));
  const key = signingKey(config.AUTH_SECRET);
  const out: Prepared[] = [];
  const now = new Date();
  const batch = 10;
  for (let start = 0; start < count; start += batch) {
    const made = await Promise.all(
      Array.from({ length: Math.min(batch, count - start) }, async (_, k) => {
        const i = start + k;
        const user = await createUser(db, {
          email: `${label}-${i}@rush.invalid`,
          displayName: `${label} ${i}`,
          logN: 14,
        });
        const [session] = await db
          .insert(schema.sessions)
          .values({
            userId: user.id,
            refreshTokenHash: hashToken(randomUUID()),
            createdAt: now,
            expiresAt: new Date(now.getTime() + 24 * 3600_000),
          })
          .returning({ id: schema.sessions.id });
        const principal: Principal = {
          userId: user.id,
          email: user.email,
          displayName: label,
          sessionId: session!.id,
          grants: [],
        };
        const created = await createProposal(ctx, principal, {
          callSlug,
          acronym: `R${i}`.slice(0, 20),
          title: `Rush proposal ${i}`,
          abstract: 'A complete pre-proposal prepared for the deadline rush benchmark.',
          keywords: ['benchmark'],
          modules: ['1B', '2B', '3B'],
          durationMonths: 36,
          partners: partners(i),
        });
        await db.insert(schema.proposalDocuments).values({
          proposalId: created.proposal.id,
          stage: 'pre-proposal',
          kind: 'proposal',
          fileName: 'proposal.pdf',
          sha256: pdfSha.sha256,
          bytes: pdfSha.bytes,
          pages: 1,
          pdfVersion: '1.7',
          uploadedAt: now,
          uploadedBy: user.id,
        });
        const { token } = await signAccessToken({ userId: user.id, sessionId: session!.id }, key, now, 3600);
        return { id: created.proposal.id, userId: user.id, sessionId: session!.id, email: user.email, token };
      }),
    );
    out.push(...made);
  }
  return out;
}

// ---------------------------------------------------------------- platform child
async function startPlatform(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const profile = values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof']}`] : [];
  // Started the way `pnpm start` and the image start it (the launcher sets the allocator's options).
  const child = spawn('sh', [path.join(root, 'services/platform/start.sh'), ...profile], {
    cwd: root,
    env: { ...process.env, PLATFORM_NODE: process.execPath, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let started = false;
  child.stderr.on('data', (d: Buffer) => {
    if (!started) output += d.toString();
  });
  // Once up, the platform's error lines (a 500 names its cause only there) go to our stderr.
  const forwardErrors = (d: Buffer) => {
    if (!started) return;
    for (const line of d.toString().split('\n')) if (/"level":(50|60)/.test(line)) log(`platform: ${line}`);
  };
  child.stdout.on('data', forwardErrors);
  child.stderr.on('data', forwardErrors);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`platform did not start:\n${output}`)), 60_000);
    child.stdout.on('data', (d: Buffer) => {
      if (started) return;
      output += d.toString();
      const m = /API docs \(OpenAPI 3\.1\):\s+(http:\/\/[^/\s]+)\/docs/.exec(output);
      if (m) {
        started = true;
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`platform exited with ${code}:\n${output}`)));
  });
  return { child, url };
}

/**
 * CPU ticks of each thread of a process, summed by thread name (the main thread is named after the
 * process; worker threads, libuv's pool and V8's helpers have their own names).
 */
async function threadTicks(pid: number): Promise<Map<string, number>> {
  const byName = new Map<string, number>();
  for (const tid of await readdir(`/proc/${pid}/task`)) {
    try {
      const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = tid === String(pid) ? 'main' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
      byName.set(name, (byName.get(name) ?? 0) + Number(f[11]) + Number(f[12]));
    } catch {
      // The thread ended while we looked.
    }
  }
  return byName;
}

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

// ---------------------------------------------------------------- (a) bare SQL of one submit
/**
 * What the database does for one HTTP submit, with nothing of the platform around it: the same
 * statements, sent the same way (drizzle over postgres.js, same pool size) — the session lookup
 * every request makes, then BEGIN, the locked read (`submit_read`), the combined write
 * (`submit_write`) and COMMIT. No HTTP, no validation, no hashing: the write's values are derived
 * from the read as cheaply as possible (placeholder hashes, the lifecycle snapshot written back).
 */
async function bareSqlSubmits(
  url: string,
  prepared: readonly Prepared[],
  concurrency: number,
  poolMax: number,
) {
  const handle = await createDb({ url, poolMax });
  const { db } = handle;
  const lookup = db._.session.prepareQuery(sessionLookup, undefined, undefined, false);
  let next = 0;
  const latencies: number[] = [];
  const one = async (p: Prepared) => {
    const t0 = performance.now();
    const at = new Date().toISOString();
    const [session] = (await lookup.execute({ now: at, sessionId: p.sessionId, userId: p.userId })) as {
      live: boolean;
    }[];
    if (!session?.live) throw new Error(`bare SQL: no live session for ${p.id}`);
    await db.transaction(async (tx) => {
      const idempotencyKey = `bare-${p.id}`;
      const [read] = await readForSubmission(tx, { proposalId: p.id, userId: p.userId, idempotencyKey });
      if (!read) throw new Error(`bare SQL: ${p.id} not readable as its coordinator`);
      const seq = read.lastSeq + 1;
      const [written] = await writeSubmission(tx, {
        proposalId: p.id,
        seq,
        callId: read.callId,
        stage: read.stage,
        callVersion: read.callVersion!,
        document: JSON.stringify({ ...read.draft, partners: read.partners }),
        documents: JSON.stringify(read.documents),
        contentHash: 'e'.repeat(64),
        at,
        userId: p.userId,
        idempotencyKey,
        actorLabel: p.email,
        instanceId: read.instanceId,
        lockVersion: read.lockVersion,
        toState: 'submitted',
        snapshot: JSON.stringify(read.snapshot),
        nextSeq: read.seq + 1,
        transitionSeq: read.seq,
        transitionActorUserId: p.userId,
        transitionActorLabel: p.email,
        event: 'SUBMIT',
        fromState: read.state,
        transitionAt: at,
        transitionPayload: JSON.stringify({ seq, contentHash: 'e'.repeat(64) }),
        transitionCallVersion: read.callVersion,
        machineVersion: read.machineVersion,
        prevHash: read.headHash,
        hash: 'f'.repeat(64),
        auditDetails: JSON.stringify({ seq, stage: read.stage, callVersion: read.callVersion }),
        receiptPayload: JSON.stringify({ proposalId: p.id, seq }),
        receiptKey: `bare-receipt:${p.id}:${seq}`,
        mailPayload: JSON.stringify({ to: p.email, subject: 'Submitted', text: 'bare SQL' }),
        mailKey: `bare-mail:${p.id}:${seq}`,
      });
      if (written?.stepped !== 1) throw new Error(`bare SQL: lifecycle of ${p.id} did not step`);
    });
    latencies.push(performance.now() - t0);
  };
  // Open the pool's connections first, so that the CPU of starting PostgreSQL backends is not
  // counted as the transactions'.
  await Promise.all(Array.from({ length: poolMax }, () => db.execute(sql`select pg_sleep(0.05)`)));
  const pgBefore = await postgresTicks();
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < prepared.length) await one(prepared[next++]!);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const client = process.cpuUsage(cpuBefore);
  const postgresMs = (ticksSince(pgBefore, await postgresTicks()) * 10) / prepared.length;
  await handle.close();
  latencies.sort((a, b) => a - b);
  return {
    perSecond: prepared.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    /** CPU per transaction in ms: this process (drizzle, postgres.js) and PostgreSQL. */
    cpuMs: { client: (client.user + client.system) / 1000 / prepared.length, postgres: postgresMs },
  };
}

// ---------------------------------------------------------------- (a) the rush through HTTP
/** CPU time (in clock ticks) of one process, and of every PostgreSQL process on the machine. */
async function processTicks(pid: number): Promise<number> {
  const f = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]);
}
/**
 * CPU ticks of the PostgreSQL processes that work for this benchmark: the backends connected to
 * its database and the server's own (WAL writer, checkpointer...). Backends of other databases on
 * the same server are left out, and so is the CPU of a backend that ended in between.
 */
async function postgresTicks(): Promise<Map<string, number>> {
  const ticks = new Map<string, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const title = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).replaceAll('\0', ' ');
      const clientBackend = /\d+\.\d+\.\d+\.\d+\(\d+\)|\[local\]/.test(title);
      if (clientBackend && !title.includes(` ${dbName} `)) continue;
      const f = stat.split(') ')[1]!.split(' ');
      ticks.set(entry, Number(f[11]) + Number(f[12]));
    } catch {
      // The process ended while we looked.
    }
  }
  return ticks;
}
const ticksSince = (before: Map<string, number>, after: Map<string, number>) =>
  [...after].reduce((sum, [pid, t]) => sum + t - (before.get(pid) ?? 0), 0);
async function machineTicks(): Promise<{ busy: number; total: number }> {
  const f = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - f[3]! - (f[4] ?? 0), total };
}
const pct = (share: number) => `${(share * 100).toFixed(0)} %`;
/** CPU ms per acknowledged submit of a run, from a share of one core over the run. */
const perSubmit = (run: { acknowledged: Map<string, number>; elapsed: number }, share: number) =>
  run.acknowledged.size === 0 ? 'n/a' : ((share * run.elapsed * 1000) / run.acknowledged.size).toFixed(2);

interface RushRun {
  acknowledged: Map<string, number>;
  statuses: Map<number, number>;
  wall: number;
  /** Seconds over which the CPU shares were taken. */
  elapsed: number;
  result: autocannon.Result;
  /** Shares of one core over the run. */
  cpu: { platform: number; postgres: number; bench: number; machine: number };
}

/** Every prepared proposal submitted once (with an Idempotency-Key) by `connections` clients. */
async function rushOver(
  url: string,
  platformPid: number,
  prepared: readonly Prepared[],
  connections: number,
): Promise<RushRun> {
  let nextIndex = 0;
  const acknowledged = new Map<string, number>();
  const statuses = new Map<number, number>();
  const before = {
    platform: await processTicks(platformPid),
    postgres: await postgresTicks(),
    bench: process.cpuUsage(),
    machine: await machineTicks(),
  };
  const t = performance.now();
  let lastResponse = t;
  const result = await autocannon({
    url,
    connections,
    amount: prepared.length,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        setupRequest: (req, context) => {
          const p = prepared[nextIndex++ % prepared.length]!;
          (context as { id?: string }).id = p.id;
          return {
            ...req,
            path: `/api/proposals/${p.id}/submit`,
            headers: { authorization: `Bearer ${p.token}`, 'idempotency-key': `rush-${p.id}` },
          };
        },
        onResponse: (status, body, context) => {
          lastResponse = performance.now();
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status >= 300 && statuses.get(status) === 1) log(`first ${status}: ${body.slice(0, 600)}`);
          if (status === 201 || status === 200) {
            const id = (context as { id?: string }).id!;
            acknowledged.set(id, (JSON.parse(body) as { version: number }).version);
          }
        },
      },
    ],
  });
  // autocannon reports only at its next one-second sample tick: time the run to its last response.
  const wall = (lastResponse - t) / 1000;
  const elapsed = (performance.now() - t) / 1000;
  const machine = await machineTicks();
  const bench = process.cpuUsage(before.bench);
  return {
    acknowledged,
    statuses,
    wall,
    elapsed,
    result,
    cpu: {
      platform: ((await processTicks(platformPid)) - before.platform) / 100 / elapsed,
      postgres: ticksSince(before.postgres, await postgresTicks()) / 100 / elapsed,
      bench: (bench.user + bench.system) / 1e6 / elapsed,
      machine:
        ((machine.busy - before.machine.busy) / (machine.total - before.machine.total)) * cpus().length,
    },
  };
}

// ---------------------------------------------------------------- (b) uploads
interface UploadRound {
  seconds: number;
  accepted: number;
  mibPerSecond: number;
  rssBefore: number;
  rssPeak: number;
  /** CPU ms over the round: the platform's threads by name, PostgreSQL, this process, the machine. */
  cpu: {
    platform: number;
    /** Threads alive at the end of the round; one that ended in between is only in `platform`. */
    byThread: (readonly [string, number])[];
    postgres: number;
    bench: number;
    machine: number;
  };
}

/**
 * Every uploader replaces its proposal PDF with `pdf` at once (If-Match: `current`), through HTTP.
 * The multipart body is built once and sent as is, so that the client costs as little as it can on
 * the machine the platform shares (fetch with FormData re-encodes 10 MiB per request).
 */
async function uploadRound(
  url: string,
  pid: number,
  uploaders: readonly Prepared[],
  pdf: Uint8Array,
  current: string,
): Promise<UploadRound> {
  const rssBefore = await rssMiB(pid);
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    void rssMiB(pid).then(
      (r) => (rssPeak = Math.max(rssPeak, r)),
      () => {},
    );
  }, 25);
  const boundary = `permed-bench-${randomBytes(8).toString('hex')}`;
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="heavy.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
    ),
    pdf,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const before = {
    process: await processTicks(pid),
    threads: await threadTicks(pid),
    postgres: await postgresTicks(),
    bench: process.cpuUsage(),
    machine: await machineTicks(),
  };
  const t = performance.now();
  const statuses = await Promise.all(
    uploaders.map(
      (p) =>
        new Promise<number>((resolve, reject) => {
          const req = httpRequest(
            `${url}/api/proposals/${p.id}/documents/proposal`,
            {
              method: 'PUT',
              headers: {
                authorization: `Bearer ${p.token}`,
                'if-match': `"${current}"`,
                'content-type': `multipart/form-data; boundary=${boundary}`,
                'content-length': body.length,
              },
            },
            (res) => {
              res.resume();
              res.on('end', () => resolve(res.statusCode ?? 0));
            },
          );
          req.on('error', reject);
          req.end(body);
        }),
    ),
  );
  const seconds = (performance.now() - t) / 1000;
  clearInterval(sampler);
  const processAfter = await processTicks(pid);
  const threads = await threadTicks(pid);
  const machine = await machineTicks();
  const bench = process.cpuUsage(before.bench);
  const ms = (ticks: number) => ticks * 10;
  return {
    seconds,
    accepted: statuses.filter((s) => s === 200).length,
    mibPerSecond: (uploaders.length * pdf.byteLength) / MiB / seconds,
    rssBefore,
    rssPeak,
    cpu: {
      // The process's own counter includes threads that ended during the round (a recycled worker).
      platform: ms(processAfter - before.process),
      byThread: [...threads]
        .map(([name, ticks]) => [name, ms(ticks - (before.threads.get(name) ?? 0))] as const)
        .filter(([, used]) => used > 0)
        .sort((a, b) => b[1] - a[1]),
      postgres: ms(ticksSince(before.postgres, await postgresTicks())),
      bench: (bench.user + bench.system) / 1000,
      machine: ms(machine.busy - before.machine.busy),
    },
  };
}

function uploadLines(label: string, what: string, round: UploadRound, speedGoal: string, memoryGoal: string) {
  return [
    `| ${label} ${UPLOADS} concurrent 10 MiB uploads, ${what} | **${round.mibPerSecond.toFixed(0)} MiB/s** (${round.seconds.toFixed(2)} s, ${round.accepted}/${UPLOADS} accepted) | ${speedGoal} |`,
    `| ${label} CPU during the uploads (ms) | platform ${round.cpu.platform} (${round.cpu.byThread.map(([name, used]) => `${name} ${used}`).join(', ')}), PostgreSQL ${round.cpu.postgres}, benchmark process ${round.cpu.bench.toFixed(0)}; machine ${round.cpu.machine} of ${(round.seconds * cpus().length * 1000).toFixed(0)} available | — |`,
    `| ${label} server RSS growth | ${(round.rssPeak - round.rssBefore).toFixed(0)} MiB (${round.rssBefore.toFixed(0)} → ${round.rssPeak.toFixed(0)} MiB) | ${memoryGoal} |`,
  ];
}

// ---------------------------------------------------------------- main
const admin = postgres(withDb(values.server, 'postgres'), { max: 1, onnotice: () => {} });
await admin.unsafe(`create database "${dbName}"`);
const dbUrl = withDb(values.server, dbName);
const dataDir = await mkdtemp(path.join(tmpdir(), 'rush-'));
const secret = randomBytes(24).toString('hex');
let child: ChildProcess | undefined;
const report: string[] = [];
try {
  const env = {
    NODE_ENV: 'production',
    DATABASE_URL: dbUrl,
    DATA_DIR: dataDir,
    AUTH_SECRET: secret,
    LOG_LEVEL: 'warn',
    SEED_DEMO: 'false',
    HOST: '127.0.0.1',
    PORT: String(20000 + Math.floor(Math.random() * 20000)),
    DATABASE_POOL_MAX: String(POOL),
    // Every simulated consortium connects from 127.0.0.1: the per-address limit is for one real
    // client, not for a benchmark's whole population.
    MAX_CONNECTIONS_PER_ADDRESS: '0',
  };
  const config = loadConfig(env);
  // Few connections of our own, so that the platform's pool fits under max_connections.
  const handle = await createDb({ url: dbUrl, poolMax: 10 });
  const db = handle.db;
  await migrate(handle);
  await seedFunderRegistry(db);
  const far = new Date(Date.now() + 30 * 24 * 3600_000);
  for (const slug of ['rush-call', 'rush-deadline']) {
    await createCall({ db, clock: systemClock }, systemActor, definition(slug, far));
    await publishCall({ db, clock: systemClock }, systemActor, slug, 'benchmark');
  }
  const blobs = createBlobStore(path.join(dataDir, 'blobs'));
  const smallPdf = await blobs.put(await validPdf({ pages: 1 }));
  const t = performance.now();
  const rush = await prepare(db, config, 'rush-call', N, 'rush', smallPdf);
  const served = await prepare(db, config, 'rush-call', SERVED_N, 'served', smallPdf);
  const bare = await prepare(db, config, 'rush-call', BARE_N, 'bare', smallPdf);
  const uploaders = await prepare(db, config, 'rush-call', UPLOADS, 'upload', smallPdf);
  const crossing = await prepare(db, config, 'rush-deadline', DEADLINE_N, 'deadline', smallPdf);
  log(
    `prepared ${N + SERVED_N + BARE_N + UPLOADS + DEADLINE_N} proposals in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );

  // (a) first the bare SQL, before the platform holds connections of its own (the server allows
  // only so many); its outbox rows are removed so that the platform does not work them off later.
  const bareRun = await bareSqlSubmits(dbUrl, bare, CONNECTIONS, POOL);
  await db.delete(schema.outbox).where(like(schema.outbox.dedupeKey, 'bare-%'));

  // Then the rush, through HTTP: at CONNECTIONS (far more than the pool, so latency is mostly
  // queueing for a connection), then at SERVED_CONNECTIONS (what the pool can serve at once).
  const started = await startPlatform(env);
  child = started.child;
  log(`platform up at ${started.url} (pid ${child.pid})`);
  const warm = await fetch(`${started.url}/ready`);
  if (!warm.ok) throw new Error('platform not ready');
  const loadBefore = loadavg();
  const rushRun = await rushOver(started.url, child.pid!, rush, CONNECTIONS);
  const servedRun = SERVED_N > 0 ? await rushOver(started.url, child.pid!, served, SERVED_CONNECTIONS) : null;
  const loadAfter = loadavg();
  const integrity = async (run: RushRun, prepared: readonly Prepared[]) => {
    const versions = await db
      .select({ proposalId: schema.proposalVersions.proposalId, n: sql<number>`count(*)::int` })
      .from(schema.proposalVersions)
      .where(
        inArray(
          schema.proposalVersions.proposalId,
          prepared.map((p) => p.id),
        ),
      )
      .groupBy(schema.proposalVersions.proposalId);
    const stored = new Map(versions.map((v) => [v.proposalId, v.n]));
    return {
      lost: [...run.acknowledged.keys()].filter((id) => stored.get(id) !== 1).length,
      duplicated: versions.filter((v) => v.n > 1).length,
      unacknowledged: versions.filter((v) => !run.acknowledged.has(v.proposalId)).length,
    };
  };
  const rushIntegrity = await integrity(rushRun, rush);
  const servedIntegrity = servedRun ? await integrity(servedRun, served) : null;
  const { acknowledged, wall, result, statuses } = rushRun;
  const submitsPerSecond = acknowledged.size / wall;

  // (b) 20 concurrent 10 MiB uploads, through HTTP: the first ones this process serves, and then
  // the same again (each replacing the file of the round before), which shows what is paid once.
  const heavy = heavyPdf(10 * MiB - 1024);
  const firstUploads = await uploadRound(started.url, child.pid!, uploaders, heavy, smallPdf.sha256);
  const againUploads = await uploadRound(
    started.url,
    child.pid!,
    uploaders,
    heavyPdf(10 * MiB - 1024),
    createHash('sha256').update(heavy).digest('hex'),
  );

  // (c) across the deadline, in process: the injected clock runs `offset` ms ahead of real time so
  // that the deadline falls ~1.5 s into the run.
  const [deadlineCall] = await db.select().from(schema.calls).where(eq(schema.calls.slug, 'rush-deadline'));
  let offset = 0;
  const clock: Clock = { now: () => new Date(Date.now() + offset) };
  const ctxC = proposalsContext({ ...makeDeps(config, db, clock) });
  const T = far.getTime();
  const outcomes: { ok: boolean; submittedAt?: number; ackAt: number; code?: string }[] = [];
  offset = T - Date.now() - 1500;
  let nextC = 0;
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (nextC < crossing.length) {
        const p = crossing[nextC++]!;
        const principal: Principal = {
          userId: p.userId,
          email: p.email,
          displayName: 'deadline',
          sessionId: randomUUID(),
          grants: [{ role: 'applicant', scopeType: 'proposal', scopeId: p.id, subRole: 'coordinator' }],
        };
        try {
          const r = await submitProposal(ctxC, principal, p.id, {
            linkBase: '/api/proposals',
            publicBase: 'http://bench',
          });
          outcomes.push({
            ok: true,
            submittedAt: Date.parse(r.receipt.submittedAt),
            ackAt: clock.now().getTime(),
          });
        } catch (error) {
          const code = (error as { code?: string }).code ?? String(error);
          if (code !== 'DEADLINE_PASSED' && !outcomes.some((o) => o.code === code))
            log(`(c) ${code}: ${String(error)}`);
          outcomes.push({ ok: false, ackAt: clock.now().getTime(), code });
        }
      }
    }),
  );
  const crossingVersions = await db
    .select({ submittedAt: schema.proposalVersions.submittedAt })
    .from(schema.proposalVersions)
    .where(and(eq(schema.proposalVersions.callId, deadlineCall!.id)));
  const atOrAfter = crossingVersions.filter((v) => v.submittedAt.getTime() >= T).length;
  const accepted = outcomes.filter((o) => o.ok);
  const refused = outcomes.filter((o) => !o.ok);
  const otherErrors = refused.filter((o) => o.code !== 'DEADLINE_PASSED');
  const lastAccepted = Math.max(...accepted.map((o) => o.submittedAt!));
  const firstRefusedAck = Math.min(...refused.map((o) => o.ackAt));
  const maxAckAfterT = Math.max(...accepted.map((o) => o.ackAt - T));
  await handle.close();

  report.push(
    `### Deadline rush (proposals service), ${new Date().toISOString().slice(0, 10)}`,
    '',
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB; Node ${process.version}; PostgreSQL on 127.0.0.1; platform child with DATABASE_POOL_MAX=${POOL}; autocannon in the benchmark process on the same machine. Load average (1/5/15 min) before the HTTP runs ${loadBefore.map((l) => l.toFixed(2)).join(' / ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' / ')}.`,
    '',
    '| measure | result | goal |',
    '| --- | --- | --- |',
    `| (a) submits through HTTP, ${CONNECTIONS} connections, ${N} proposals | **${submitsPerSecond.toFixed(0)} submits/s** (autocannon mean ${result.requests.average.toFixed(0)} req/s) | ≥ 1,000/s |`,
    `| (a) latency p50 / p99 | ${result.latency.p50} ms / ${result.latency.p99} ms | p99 ≤ 150 ms |`,
    `| (a) responses | ${[...statuses.entries()].map(([s, n]) => `${s}×${n}`).join(', ')}; errors ${result.errors}, timeouts ${result.timeouts} | all 201 |`,
    `| (a) CPU during the run (share of one core) | platform ${pct(rushRun.cpu.platform)}, PostgreSQL ${pct(rushRun.cpu.postgres)}, benchmark process (autocannon) ${pct(rushRun.cpu.bench)}; machine busy ${pct(rushRun.cpu.machine)} of ${cpus().length * 100} % | — |`,
    `| (a) CPU per submit | platform ${perSubmit(rushRun, rushRun.cpu.platform)} ms, PostgreSQL ${perSubmit(rushRun, rushRun.cpu.postgres)} ms, autocannon ${perSubmit(rushRun, rushRun.cpu.bench)} ms; all processes ${perSubmit(rushRun, rushRun.cpu.machine)} ms, so the ${cpus().length} cores allow at most ≈ ${((cpus().length * 1000) / Number(perSubmit(rushRun, rushRun.cpu.machine))).toFixed(0)} submits/s | — |`,
    `| (a) integrity | ${acknowledged.size} acknowledged, ${rushIntegrity.lost} lost, ${rushIntegrity.duplicated} duplicated, ${rushIntegrity.unacknowledged} stored without acknowledgement | 0 / 0 / 0 |`,
    `| (a) bare SQL of the same submit (session lookup, BEGIN, submit_read, submit_write, COMMIT; postgres.js, pool ${POOL}, ${CONNECTIONS} concurrent, ${BARE_N} tx) | ${bareRun.perSecond.toFixed(0)} tx/s, p50 ${bareRun.p50.toFixed(1)} ms, p99 ${bareRun.p99.toFixed(1)} ms; CPU per transaction: PostgreSQL ${bareRun.cpuMs.postgres.toFixed(2)} ms, client ${bareRun.cpuMs.client.toFixed(2)} ms | — |`,
    `| (a) platform / bare SQL | **${((submitsPerSecond / bareRun.perSecond) * 100).toFixed(0)} %** | ≥ 50 % |`,
    ...(servedRun && servedIntegrity
      ? [
          `| (a′) submits through HTTP, ${SERVED_CONNECTIONS} connections (= what the pool serves at once), ${SERVED_N} proposals | **${(servedRun.acknowledged.size / servedRun.wall).toFixed(0)} submits/s**, p50 ${servedRun.result.latency.p50} ms, **p99 ${servedRun.result.latency.p99} ms** | p99 ≤ 150 ms |`,
          `| (a′) responses, integrity, CPU | ${[...servedRun.statuses.entries()].map(([s, n]) => `${s}×${n}`).join(', ')}; ${servedIntegrity.lost} lost, ${servedIntegrity.duplicated} duplicated, ${servedIntegrity.unacknowledged} unacknowledged; platform ${pct(servedRun.cpu.platform)}, PostgreSQL ${pct(servedRun.cpu.postgres)}, machine ${pct(servedRun.cpu.machine)} | — |`,
        ]
      : []),
    ...uploadLines('(b)', 'the first this process serves', firstUploads, '≥ 150 MiB/s', '≤ 150 MiB'),
    ...uploadLines('(b′)', 'again, each replacing the one before', againUploads, '—', '—'),
    `| (c) ${DEADLINE_N} submits across the deadline, 50 in flight, in process | ${accepted.length} accepted, ${refused.length} refused with DEADLINE_PASSED${otherErrors.length ? `, ${otherErrors.length} other errors (${[...new Set(otherErrors.map((o) => o.code))].join(', ')})` : ''} | — |`,
    `| (c) versions committed at or after T | **${atOrAfter}** (last accepted at T−${T - lastAccepted} ms; first refusal answered at T+${firstRefusedAck - T} ms) | 0 |`,
    `| (c) latest acknowledgement of an accepted submit | T${maxAckAfterT >= 0 ? '+' : '−'}${Math.abs(maxAckAfterT)} ms (the clock was read before COMMIT; the answer can reach the client after T) | — |`,
  );
} finally {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child!.once('exit', r));
  }
  await admin.unsafe(`drop database if exists "${dbName}" with (force)`);
  await admin.end({ timeout: 5 });
  await rm(dataDir, { recursive: true, force: true });
}
console.log(report.join('\n'));
