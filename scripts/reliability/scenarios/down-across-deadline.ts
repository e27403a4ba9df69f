import path from 'node:path';
import { sql } from 'drizzle-orm';
import { createBlobStore } from '@permed/blobs';
import { validPdf } from '@permed/documents/testing';
import { createScenarioDatabase, randomPort } from '../support/database.ts';
import { prepareProposals, publishCallClosingAt, type PreparedProposal } from '../support/fixtures.ts';
import {
  acknowledged,
  clientAgent,
  sleep,
  submitOverHttp,
  tally,
  waitUntilReady,
  type SubmitOutcome,
} from '../support/http.ts';
import { checkSubmissions, rows, type IntegrityReport } from '../support/integrity.ts';
import { startPlatform, type PlatformProcess } from '../support/platform.ts';

export interface DownAcrossDeadlineOptions {
  serverUrl: string;
  /** Proposals submitted while the platform is up before the deadline. */
  before: number;
  /** Proposals whose coordinators try once the platform is back after the deadline. */
  after: number;
  /** The deadline is this far in the future (real time) when the call is published. */
  leadMs: number;
  /** How long past the deadline the platform stays down. */
  downPastDeadlineMs: number;
  log?: (line: string) => void;
}

export interface DownAcrossDeadlineResult {
  deadline: string;
  /** How long before the deadline the platform was stopped. */
  stoppedBeforeDeadlineMs: number;
  beforeStatuses: Record<string, number>;
  /** Submits sent to the two instances once they were back, after the deadline. */
  afterStatuses: Record<string, number>;
  /** Late submits refused with 409 DEADLINE_PASSED, and any accepted (must be none). */
  lateRefused: number;
  lateAccepted: number;
  /** Spawn to listening for each of the two instances started together on the same database. */
  instanceStartMs: number[];
  bothInstancesAlive: boolean;
  /** CLOSE_PRE_PROPOSALS steps of the call, and the job rows that fired it. */
  closeTransitions: number;
  closeJobs: { done: boolean; attempts: number; doneAfterDeadlineMs: number | null; result: unknown }[];
  /** From spawning the two instances to the stage-closing job's completion (its done_at): the catch-up. */
  catchUpMs: number | null;
  /** The deadline moves submitted proposals to the eligibility check: each exactly once. */
  proposalsMovedToEligibility: number;
  proposalsMovedTwice: number;
  integrity: IntegrityReport;
}

/**
 * Scenario 3: the platform is down across a deadline. A call whose pre-proposal deadline is
 * `leadMs` ahead in real time; the platform takes submissions, is stopped before the deadline,
 * stays down until `downPastDeadlineMs` after it, and then two instances start together on the
 * same database (both migrate, seed and run the scheduler). Coordinators submit the moment they
 * are back: every submit must be refused (409 DEADLINE_PASSED), and the stage-closing job that fell
 * due while nothing ran must run exactly once: one CLOSE_PRE_PROPOSALS step, one job done.
 */
export async function downAcrossDeadline(
  options: DownAcrossDeadlineOptions,
): Promise<DownAcrossDeadlineResult> {
  const log = options.log ?? (() => {});
  const db = await createScenarioDatabase({ kind: 'postgres', serverUrl: options.serverUrl }, 'deadline');
  const platforms: PlatformProcess[] = [];
  try {
    const deadline = new Date(Date.now() + options.leadMs);
    const handle = await db.open();
    let callId: string;
    let proposals: PreparedProposal[];
    try {
      callId = await publishCallClosingAt(handle.db, 'down-deadline', deadline);
      const pdf = await createBlobStore(path.join(db.dataDir, 'blobs')).put(await validPdf({ pages: 1 }));
      proposals = await prepareProposals(handle.db, db.config, {
        callSlug: 'down-deadline',
        count: options.before + options.after,
        label: 'deadline',
        pdf,
      });
    } finally {
      await handle.close();
    }
    const early = proposals.slice(0, options.before);
    const late = proposals.slice(options.before);

    // Up before the deadline: submissions are taken (and the stage-opening job fires).
    const first = await startPlatform(db.platformEnv());
    platforms.push(first);
    await waitUntilReady(first.url);
    const agent = clientAgent(20);
    const beforeOutcomes = await Promise.all(
      early.map((p) => submitOverHttp(first.url, p, `early-${p.id}`, { agent, timeoutMs: 30_000 })),
    );
    await first.stop();
    const stoppedBeforeDeadlineMs = deadline.getTime() - Date.now();
    log(
      `stopped ${stoppedBeforeDeadlineMs} ms before the deadline; before: ${JSON.stringify(tally(beforeOutcomes))}`,
    );
    if (stoppedBeforeDeadlineMs <= 0)
      throw new Error('the deadline passed before the platform was stopped: raise leadMs');

    // Down across the deadline.
    await sleep(deadline.getTime() + options.downPastDeadlineMs - Date.now());

    // Two instances at once, on the same database; coordinators try as soon as each listens.
    const started = Date.now();
    const port = randomPort();
    const ports = [port, port + 1];
    const afterOutcomes: SubmitOutcome[] = [];
    const instances = await Promise.all(
      ports.map(async (port, i) => {
        const p = await startPlatform(db.platformEnv({ PORT: String(port) }));
        platforms.push(p);
        const mine = [...late.filter((_, k) => k % 2 === i), ...(i === 0 ? early.slice(0, 1) : [])];
        afterOutcomes.push(
          ...(await Promise.all(
            mine.map((q) => submitOverHttp(p.url, q, `late-${q.id}`, { agent, timeoutMs: 30_000 })),
          )),
        );
        return p;
      }),
    );
    agent.destroy();
    log(
      `two instances up in ${instances.map((p) => p.startMs.toFixed(0)).join(' / ')} ms; after: ${JSON.stringify(tally(afterOutcomes))}`,
    );

    const check = await db.open(2);
    try {
      const closeJobsQuery = sql`select done_at, attempts, result from scheduled_jobs
        where subject_id = ${callId} and payload->>'event' = 'CLOSE_PRE_PROPOSALS'`;
      let jobs = await rows<{ done_at: string | Date | null; attempts: number; result: unknown }>(
        check.db,
        closeJobsQuery,
      );
      while (jobs.some((j) => j.done_at === null) && Date.now() - started < 30_000) {
        await sleep(100);
        jobs = await rows(check.db, closeJobsQuery);
      }
      const doneAt = jobs.map((j) => (j.done_at === null ? Number.NaN : new Date(j.done_at).getTime()));
      const catchUpMs = doneAt.every(Number.isFinite) ? Math.max(...doneAt) - started : null;
      // Let both schedulers poll a few more times: a second run would show up now.
      await sleep(2500);
      jobs = await rows(check.db, closeJobsQuery);
      const bothInstancesAlive = instances.every((p) => p.alive);
      for (const p of instances) await p.stop();

      const [close] = await rows<{ n: number }>(
        check.db,
        sql`select count(*)::int as n from workflow_transitions t join workflow_instances wi on wi.id = t.instance_id
            where wi.kind = 'call' and wi.subject_id = ${callId} and t.event = 'CLOSE_PRE_PROPOSALS'`,
      );
      const moved = await rows<{ n: number }>(
        check.db,
        sql`select count(*)::int as n from workflow_transitions t join workflow_instances wi on wi.id = t.instance_id
            where wi.kind = 'proposal' and wi.call_id = ${callId} and t.event = 'START_ELIGIBILITY_CHECK'
            group by wi.id`,
      );
      const acks = beforeOutcomes
        .filter(acknowledged)
        .map((o) => ({ proposalId: o.proposalId, idempotencyKey: o.idempotencyKey, version: o.version! }));
      const lateAccepted = afterOutcomes.filter(acknowledged).length;
      return {
        deadline: deadline.toISOString(),
        stoppedBeforeDeadlineMs,
        beforeStatuses: tally(beforeOutcomes),
        afterStatuses: tally(afterOutcomes),
        // Drafts and the resubmit of a submitted proposal alike, also once the stage-closing job
        // has moved it to the eligibility check.
        lateRefused: afterOutcomes.filter((o) => o.status === 409 && o.code === 'DEADLINE_PASSED').length,
        lateAccepted,
        instanceStartMs: instances.map((p) => p.startMs),
        bothInstancesAlive,
        closeTransitions: close?.n ?? 0,
        closeJobs: jobs.map((j) => ({
          done: j.done_at !== null,
          attempts: j.attempts,
          doneAfterDeadlineMs: j.done_at === null ? null : new Date(j.done_at).getTime() - deadline.getTime(),
          result: j.result,
        })),
        catchUpMs,
        proposalsMovedToEligibility: moved.length,
        proposalsMovedTwice: moved.filter((m) => m.n > 1).length,
        integrity: await checkSubmissions(check.db, callId, acks, { deadline }),
      };
    } finally {
      await check.close();
    }
  } finally {
    for (const p of platforms) await p.kill();
    await db.destroy();
  }
}
