import { and, asc, eq, isNull, lte, sql } from 'drizzle-orm';
import type { Db, DbOrTx, Tx } from './client.ts';
import { scheduledJobs } from './schema/workflow.ts';

export interface ScheduledJob {
  id: number;
  kind: string;
  subjectId: string;
  runAt: Date;
  payload: Record<string, unknown>;
}

export type JobHandler = (tx: Tx, job: ScheduledJob, now: Date) => Promise<Record<string, unknown> | void>;

/** Schedules a job; the dedupe key makes scheduling idempotent (re-publishing a call re-uses it). */
export async function scheduleJob(
  tx: DbOrTx,
  job: { kind: string; subjectId: string; runAt: Date; payload?: Record<string, unknown>; dedupeKey: string },
): Promise<void> {
  await tx
    .insert(scheduledJobs)
    .values({
      kind: job.kind,
      subjectId: job.subjectId,
      runAt: job.runAt,
      payload: job.payload ?? {},
      dedupeKey: job.dedupeKey,
    })
    .onConflictDoUpdate({
      target: scheduledJobs.dedupeKey,
      // A corrected date moves a job that has not run yet; a job that ran stays as it was.
      set: { runAt: job.runAt, payload: job.payload ?? {} },
      setWhere: isNull(scheduledJobs.doneAt),
    });
}

/** Cancels jobs of a subject that have not run (e.g. a stage date removed in a new call version). */
export async function cancelJobs(
  tx: DbOrTx,
  subjectId: string,
  kindPrefix: string,
  now: Date,
): Promise<void> {
  await tx
    .update(scheduledJobs)
    .set({ doneAt: now, result: { cancelled: true } })
    .where(
      and(
        eq(scheduledJobs.subjectId, subjectId),
        isNull(scheduledJobs.doneAt),
        sql`${scheduledJobs.kind} like ${kindPrefix + '%'}`,
      ),
    );
}

/**
 * Runs every due job once. Each job runs inside the transaction that claims it
 * (FOR UPDATE SKIP LOCKED) and marks it done, so with two platform instances a job runs exactly
 * once, and a crash mid-job rolls back both the work and the claim. Jobs that fell due while the
 * platform was down are simply due now: that is the catch-up.
 */
export async function runDueJobs(
  db: Db,
  now: () => Date,
  handlers: Record<string, JobHandler>,
  options: { limit?: number; onError?: (job: ScheduledJob, error: unknown) => void } = {},
): Promise<{ ran: number; failed: number }> {
  let ran = 0;
  let failed = 0;
  const limit = options.limit ?? 100;
  for (let i = 0; i < limit; i++) {
    let claimed: ScheduledJob | null = null;
    try {
      const done = await db.transaction(async (tx) => {
        const at = now();
        const [job] = await tx
          .select()
          .from(scheduledJobs)
          .where(
            and(
              isNull(scheduledJobs.doneAt),
              lte(scheduledJobs.runAt, at),
              // A subject's jobs run in order: never claim one while an earlier one of the same
              // subject is pending or running in another instance (closing before opening would
              // be refused by the lifecycle).
              sql`not exists (select 1 from scheduled_jobs e where e.subject_id = ${scheduledJobs.subjectId} and e.done_at is null and (e.run_at < ${scheduledJobs.runAt} or (e.run_at = ${scheduledJobs.runAt} and e.id < ${scheduledJobs.id})))`,
            ),
          )
          .orderBy(asc(scheduledJobs.runAt), asc(scheduledJobs.id))
          .limit(1)
          .for('update', { skipLocked: true });
        if (!job) return false;
        claimed = job;
        const handler = handlers[job.kind];
        const result = handler ? await handler(tx, job, at) : { skipped: `no handler for ${job.kind}` };
        await tx
          .update(scheduledJobs)
          .set({ doneAt: at, attempts: job.attempts + 1, result: result ?? {} })
          .where(eq(scheduledJobs.id, job.id));
        return true;
      });
      if (!done) break;
      ran += 1;
    } catch (error) {
      if (!claimed) throw error;
      const job: ScheduledJob = claimed;
      failed += 1;
      options.onError?.(job, error);
      // Back off and retry later; the failed attempt's work was rolled back with its transaction.
      await db
        .update(scheduledJobs)
        .set({
          attempts: sql`${scheduledJobs.attempts} + 1`,
          lastError: String(error instanceof Error ? error.message : error).slice(0, 2000),
          runAt: sql`${now().toISOString()}::timestamptz + make_interval(secs => least(300, power(2, ${scheduledJobs.attempts})::int))`,
        })
        .where(eq(scheduledJobs.id, job.id));
    }
  }
  return { ran, failed };
}

/** Polls for due jobs in the background; `stop()` waits for the current run. */
export class JobRunner {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private readonly db: Db;
  private readonly now: () => Date;
  private readonly handlers: Record<string, JobHandler>;
  private readonly intervalMs: number;
  private readonly onError: (error: unknown) => void;

  constructor(args: {
    db: Db;
    now: () => Date;
    handlers: Record<string, JobHandler>;
    intervalMs?: number;
    onError?: (error: unknown) => void;
  }) {
    this.db = args.db;
    this.now = args.now;
    this.handlers = args.handlers;
    this.intervalMs = args.intervalMs ?? 1000;
    this.onError = args.onError ?? (() => {});
  }

  start(): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      this.running = runDueJobs(this.db, this.now, this.handlers, { onError: (_job, e) => this.onError(e) })
        .catch((e: unknown) => this.onError(e))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.intervalMs);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
