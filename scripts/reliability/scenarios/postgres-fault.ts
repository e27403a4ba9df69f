import { sql } from 'drizzle-orm';
import { prepareOpenCall } from '../support/open-call.ts';
import { createScenarioDatabase } from '../support/database.ts';
import {
  acknowledged,
  clientAgent,
  isCleanProblem,
  sleep,
  submitOverHttp,
  tally,
  waitUntilReady,
  type SubmitOutcome,
} from '../support/http.ts';
import { checkSubmissions, rows, type IntegrityReport } from '../support/integrity.ts';
import { startPlatform, type PlatformProcess } from '../support/platform.ts';
import { startTcpRelay, type TcpRelay } from '../support/tcp-relay.ts';

/**
 * - `terminate`: pg_terminate_backend on every connection of the platform (server side: in-flight
 *   statements fail with 57P01 and the connections close, as in the first step of a shutdown).
 * - `outage`: the relay between the platform and PostgreSQL resets every connection and refuses
 *   new ones for `outageMs`, then accepts again: a PostgreSQL restart seen from the platform.
 */
export type DatabaseFault = 'terminate' | 'outage';

export interface PostgresFaultOptions {
  serverUrl: string;
  proposals: number;
  concurrency: number;
  faults: readonly DatabaseFault[];
  outageMs: number;
  log?: (line: string) => void;
}

export interface FaultFigures {
  kind: DatabaseFault;
  /** Backends terminated, or relayed connections reset. */
  connectionsCut: number;
  /** How long the fault itself lasted (the outage; a few ms for terminate). */
  faultMs: number;
  /** Answers between the fault and the first success after it, by status or error. */
  duringFault: Record<string, number>;
  /** From the end of the fault to the first acknowledged submit sent after it. */
  recoveryMs: number | null;
  /** The same, counted from the start of the fault. */
  recoveryFromStartMs: number | null;
}

export interface PostgresFaultResult {
  requests: number;
  statuses: Record<string, number>;
  /** Answers that were not 2xx and not a problem+json with a code (a 503 also with Retry-After). */
  unclean: SubmitOutcome[];
  /** Requests with no HTTP answer at all (timeouts, resets). */
  unanswered: number;
  /** Answers other than 2xx and 503: a fault must never turn into a refusal on the merits (401, 409...). */
  otherRefusals: SubmitOutcome[];
  faults: FaultFigures[];
  /** The same platform process served before, during and after the faults. */
  samePlatformProcess: boolean;
  relayedConnections: number;
  /** Every proposal acknowledged in the end (clients retry after Retry-After with the same key). */
  allAcknowledged: boolean;
  proposalsWithoutExactlyOneVersion: number;
  integrity: IntegrityReport;
  seconds: number;
}

/**
 * Scenario 2: the database fails under a submission rush. The platform runs as a child process
 * connected through a TCP relay; `concurrency` clients submit; at evenly spaced points the faults
 * are injected one after the other. Clients behave as the API asks: on 503 they wait Retry-After
 * and retry with the same Idempotency-Key. Afterwards: every refusal was a clean problem+json, the
 * platform recovered by itself (same process) and how fast, and the data is whole.
 */
export async function postgresFault(options: PostgresFaultOptions): Promise<PostgresFaultResult> {
  const log = options.log ?? (() => {});
  const db = await createScenarioDatabase({ kind: 'postgres', serverUrl: options.serverUrl }, 'pgfault');
  let platform: PlatformProcess | undefined;
  let relay: TcpRelay | undefined;
  try {
    const { callId, proposals } = await prepareOpenCall(db, {
      slug: 'pg-fault',
      count: options.proposals,
      label: 'fault',
    });
    const target = new URL(db.url!);
    relay = await startTcpRelay({ host: target.hostname, port: Number(target.port || 5432) });
    platform = await startPlatform(db.platformEnv({ DATABASE_URL: relay.via(db.url!) }));
    await waitUntilReady(platform.url);
    const pid = platform.pid;
    const base = platform.url;
    log(`platform up (pid ${pid}) through the relay on port ${relay.port}`);

    const agent = clientAgent(options.concurrency);
    const outcomes: SubmitOutcome[] = [];
    const ackedIds = new Set<string>();
    let next = 0;
    const t0 = performance.now();
    const worker = async () => {
      while (next < proposals.length) {
        const p = proposals[next++]!;
        // A client retries until it has its receipt; a 503 says when.
        for (let attempt = 0; attempt < 60; attempt++) {
          const o = await submitOverHttp(base, p, `fault-${p.id}`, { agent, timeoutMs: 30_000 });
          outcomes.push(o);
          if (acknowledged(o)) {
            ackedIds.add(p.id);
            break;
          }
          const wait = o.status === 503 && o.retryAfter ? Number(o.retryAfter) * 1000 : 1000;
          await sleep(Number.isFinite(wait) ? wait : 1000);
        }
      }
    };
    const faults: FaultFigures[] = [];
    const controller = async () => {
      for (const [i, kind] of options.faults.entries()) {
        const threshold = Math.floor(((i + 1) * proposals.length) / (options.faults.length + 1));
        while (ackedIds.size < threshold && next < proposals.length) await sleep(5);
        const start = Date.now();
        let connectionsCut = 0;
        if (kind === 'terminate') {
          const [r] = await db.admin(
            (s) =>
              s`select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = ${db.name} and pid <> pg_backend_pid()`,
          );
          connectionsCut = Number(r?.n ?? 0);
        } else {
          connectionsCut = (await relay!.outage(options.outageMs)).reset;
        }
        const end = Date.now();
        log(`${kind}: ${connectionsCut} connections cut, fault lasted ${end - start} ms`);
        // Wait for the first success sent after the fault (or give up after 30 s).
        let firstAck: SubmitOutcome | undefined;
        while (!firstAck && Date.now() - end < 30_000) {
          firstAck = outcomes.find((o) => acknowledged(o) && o.sentAt >= end);
          if (!firstAck) await sleep(10);
        }
        const recoveredAt = firstAck?.doneAt ?? Date.now();
        faults.push({
          kind,
          connectionsCut,
          faultMs: end - start,
          duringFault: tally(
            outcomes.filter((o) => !acknowledged(o) && o.doneAt >= start && o.doneAt <= recoveredAt),
          ),
          recoveryMs: firstAck ? firstAck.doneAt - end : null,
          recoveryFromStartMs: firstAck ? firstAck.doneAt - start : null,
        });
        log(`${kind}: first success ${firstAck ? `${firstAck.doneAt - end} ms after the fault` : 'NEVER'}`);
      }
    };
    await Promise.all([...Array.from({ length: options.concurrency }, worker), controller()]);
    const seconds = (performance.now() - t0) / 1000;
    agent.destroy();
    const samePlatformProcess = platform.alive && platform.pid === pid;
    await platform.stop();

    const check = await db.open();
    try {
      const acks = outcomes
        .filter(acknowledged)
        .map((o) => ({ proposalId: o.proposalId, idempotencyKey: o.idempotencyKey, version: o.version! }));
      const integrity = await checkSubmissions(check.db, callId, acks);
      const perProposal = await rows<{ n: number }>(
        check.db,
        sql`select (select count(*) from proposal_versions v where v.proposal_id = p.id)::int as n
            from proposals p where p.call_id = ${callId}`,
      );
      return {
        requests: outcomes.length,
        statuses: tally(outcomes),
        unclean: outcomes.filter((o) => o.status !== null && !acknowledged(o) && !isCleanProblem(o)),
        unanswered: outcomes.filter((o) => o.status === null).length,
        otherRefusals: outcomes.filter((o) => o.status !== null && !acknowledged(o) && o.status !== 503),
        faults,
        samePlatformProcess,
        relayedConnections: relay.accepted,
        allAcknowledged: ackedIds.size === proposals.length,
        proposalsWithoutExactlyOneVersion: perProposal.filter((p) => p.n !== 1).length,
        integrity,
        seconds,
      };
    } finally {
      await check.close();
    }
  } finally {
    await platform?.kill();
    await relay?.close();
    await db.destroy();
  }
}
