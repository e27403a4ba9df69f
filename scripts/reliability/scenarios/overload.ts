import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createBlobStore } from '@permed/blobs';
import { validPdf } from '@permed/documents/testing';
import { createScenarioDatabase, type Backend } from '../support/database.ts';
import { prepareProposals, publishCallClosingAt, type PreparedProposal } from '../support/fixtures.ts';
import {
  acknowledged,
  clientAgent,
  isCleanProblem,
  openLoop,
  sleep,
  submitOverHttp,
  tally,
  waitUntilReady,
  type SubmitOutcome,
} from '../support/http.ts';
import { checkSubmissions, type IntegrityReport } from '../support/integrity.ts';
import { startPlatform, type PlatformProcess } from '../support/platform.ts';

export interface OverloadOptions {
  backend: Backend;
  /** Submits per second offered, open loop (not slowed down by the answers). */
  rate: number;
  durationMs: number;
  /** Distinct proposals; requests go round them, each with its own Idempotency-Key (a new version). */
  proposals: number;
  /** The client gives up on a request after this long (counted as a timeout). */
  timeoutMs: number;
  /**
   * Before the overload, submits at a moderate rate for this long (on proposals of their own), so
   * that the platform meets the overload as it would at a deadline: serving, its code compiled
   * and its connections open. 0: the overload hits a process that has just started.
   */
  warmupMs?: number;
  /** Extra platform environment, e.g. a lower MAX_IN_FLIGHT for a small run. */
  platformEnv?: Record<string, string>;
  log?: (line: string) => void;
}

export interface OverloadResult {
  backend: Backend['kind'];
  /** Submits of the warm-up phase and their answers (not counted below, but in the integrity check). */
  warmup: { offered: number; statuses: Record<string, number> };
  offered: number;
  achievedRate: number;
  statuses: Record<string, number>;
  acknowledged: number;
  /** 503 answers, and how many of them were problem+json with Retry-After. */
  shed: number;
  shedClean: number;
  /** 503s by the guard that answered (the problem's detail). */
  shedBy: Record<string, number>;
  timeouts: number;
  /** Timeouts whose TCP connection was never accepted (waiting in the kernel, unseen by the platform). */
  timeoutsBeforeConnect: number;
  /** No HTTP answer for another reason (reset, refused). */
  connectionErrors: number;
  /** Any other status (a 500, a 502...), and the first of them. */
  otherStatuses: number;
  firstOther?: SubmitOutcome;
  ackLatencyMs: { p50: number; p99: number };
  shedLatencyMs: { p50: number; p99: number };
  /** From the end of the load to the first acknowledged submit sent after it. */
  recoveryMs: number | null;
  /** Answers of the light probes after the load dropped, until the first success. */
  probeStatuses: Record<string, number>;
  platformAlive: boolean;
  platformRssPeakMiB: number;
  /** Listen-queue overflows on the machine during the run (see listenOverflows). */
  listenOverflows: number | null;
  integrity: IntegrityReport;
}

/** Submits per second of the warm-up phase: well under capacity. */
const WARMUP_RATE = 50;

const percentile = (sorted: readonly number[], p: number) =>
  sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/**
 * The kernel's count of connections dropped because a listen queue was full (Linux, all sockets of
 * the machine): a client whose SYN is dropped retries after 1, 3, 7 s, so this is where an
 * overloaded server's clients wait without the server knowing. null where /proc is not there.
 */
async function listenOverflows(): Promise<number | null> {
  const text = await readFile('/proc/net/netstat', 'utf8').catch(() => null);
  if (!text) return null;
  const lines = text.split('\n').filter((l) => l.startsWith('TcpExt:'));
  const names = lines[0]?.split(/\s+/) ?? [];
  const values = lines[1]?.split(/\s+/) ?? [];
  const i = names.indexOf('ListenOverflows');
  return i > 0 ? Number(values[i]) : null;
}

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

/**
 * Scenario 4: overload. Submits are offered at `rate` per second for `durationMs`, open loop, to
 * the platform as a child process with its load shedding (MAX_IN_FLIGHT, MAX_EVENT_LOOP_DELAY_MS).
 * Past its capacity it must answer 503 problem+json with Retry-After at once rather than let
 * requests time out or fall over; when the load drops a light client (one submit every 100 ms)
 * must succeed again within seconds; and every acknowledged submission must be stored.
 */
export async function overload(options: OverloadOptions): Promise<OverloadResult> {
  const log = options.log ?? (() => {});
  const db = await createScenarioDatabase(options.backend, 'overload');
  let platform: PlatformProcess | undefined;
  try {
    const handle = await db.open();
    let callId: string;
    let proposals: PreparedProposal[];
    try {
      callId = await publishCallClosingAt(handle.db, 'overload', new Date(Date.now() + 30 * 24 * 3600_000));
      const pdf = await createBlobStore(path.join(db.dataDir, 'blobs')).put(await validPdf({ pages: 1 }));
      const t0 = performance.now();
      proposals = await prepareProposals(handle.db, db.config, {
        callSlug: 'overload',
        count: options.proposals + WARMUP_RATE * Math.ceil((options.warmupMs ?? 0) / 1000),
        label: 'over',
        pdf,
      });
      log(`prepared ${proposals.length} proposals in ${(performance.now() - t0).toFixed(0)} ms`);
    } finally {
      await handle.close();
    }
    platform = await startPlatform(db.platformEnv(options.platformEnv));
    await waitUntilReady(platform.url);
    const base = platform.url;
    const pid = platform.pid;
    let rssPeak = await rssMiB(pid);
    const sampler = setInterval(() => {
      void rssMiB(pid).then((r) => (rssPeak = Math.max(rssPeak, r)));
    }, 100);

    const agent = clientAgent();
    // The warm-up uses proposals of its own, after the ones the overload goes round.
    const warmupProposals = proposals.slice(options.proposals);
    proposals = proposals.slice(0, options.proposals);
    const warmupOutcomes: SubmitOutcome[] = [];
    let warmupNo = 0;
    const warmup = await openLoop({
      ratePerSecond: WARMUP_RATE,
      durationMs: options.warmupMs ?? 0,
      fire: async () => {
        const i = warmupNo++;
        const o = await submitOverHttp(base, warmupProposals[i]!, `warm-${i}`, {
          agent,
          timeoutMs: options.timeoutMs,
        });
        warmupOutcomes.push(o);
        return o;
      },
    });
    if (warmup.fired > 0)
      log(`warm-up: ${warmup.fired} submits at ${WARMUP_RATE}/s; ${JSON.stringify(tally(warmupOutcomes))}`);
    const outcomes: SubmitOutcome[] = [];
    let requestNo = 0;
    const fire = async () => {
      const i = requestNo++;
      const p = proposals[i % proposals.length]!;
      const o = await submitOverHttp(base, p, `over-${i}`, { agent, timeoutMs: options.timeoutMs });
      outcomes.push(o);
      return o;
    };
    const overflowsBefore = await listenOverflows();
    log(`offering ${options.rate} submits/s for ${options.durationMs} ms`);
    const load = openLoop({ ratePerSecond: options.rate, durationMs: options.durationMs, fire });
    await sleep(options.durationMs);
    // The load drops: from now on one light client, one submit every 100 ms, until it succeeds.
    const dropped = Date.now();
    const probes: SubmitOutcome[] = [];
    let recovered: SubmitOutcome | undefined;
    const probing = (async () => {
      const pending: Promise<void>[] = [];
      while (!recovered && Date.now() - dropped < 30_000) {
        pending.push(
          fire().then((o) => {
            probes.push(o);
            if (acknowledged(o) && (!recovered || o.doneAt < recovered.doneAt)) recovered = o;
          }),
        );
        await sleep(100);
      }
      await Promise.all(pending);
    })();
    const { fired, achievedRate } = await load;
    await probing;
    clearInterval(sampler);
    agent.destroy();
    const overflowsAfter = await listenOverflows();
    log(`offered ${fired} at ${achievedRate.toFixed(0)}/s; ${JSON.stringify(tally(outcomes))}`);
    const platformAlive = platform.alive && platform.pid === pid;
    await platform.stop();

    const check = await db.open();
    try {
      const acks = [...warmupOutcomes, ...outcomes]
        .filter(acknowledged)
        .map((o) => ({ proposalId: o.proposalId, idempotencyKey: o.idempotencyKey, version: o.version! }));
      const shed = outcomes.filter((o) => o.status === 503);
      const others = outcomes.filter((o) => o.status !== null && !acknowledged(o) && o.status !== 503);
      const latencies = (list: SubmitOutcome[]) => {
        const sorted = list.map((o) => o.doneAt - o.sentAt).sort((a, b) => a - b);
        return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
      };
      return {
        backend: db.backend,
        warmup: { offered: warmup.fired, statuses: tally(warmupOutcomes) },
        offered: fired,
        achievedRate,
        statuses: tally(outcomes),
        acknowledged: outcomes.filter(acknowledged).length,
        shed: shed.length,
        shedClean: shed.filter(isCleanProblem).length,
        shedBy: shed.reduce<Record<string, number>>((acc, o) => {
          const k = o.detail ?? '(no detail)';
          acc[k] = (acc[k] ?? 0) + 1;
          return acc;
        }, {}),
        timeouts: outcomes.filter((o) => o.error === 'timeout').length,
        timeoutsBeforeConnect: outcomes.filter((o) => o.error === 'timeout' && o.connected === false).length,
        connectionErrors: outcomes.filter((o) => o.status === null && o.error !== 'timeout').length,
        otherStatuses: others.length,
        ...(others[0] ? { firstOther: others[0] } : {}),
        ackLatencyMs: latencies(outcomes.filter(acknowledged)),
        shedLatencyMs: latencies(shed),
        recoveryMs: recovered ? recovered.doneAt - dropped : null,
        probeStatuses: tally(probes.filter((o) => !recovered || o.sentAt <= recovered.sentAt)),
        platformAlive,
        platformRssPeakMiB: rssPeak,
        listenOverflows:
          overflowsBefore === null || overflowsAfter === null ? null : overflowsAfter - overflowsBefore,
        integrity: await checkSubmissions(check.db, callId, acks),
      };
    } finally {
      await check.close();
    }
  } finally {
    await platform?.kill();
    await db.destroy();
  }
}
