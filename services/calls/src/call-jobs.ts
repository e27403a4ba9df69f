import { eq } from 'drizzle-orm';
import { schema, stepWorkflow, type JobHandler } from '@permed/db';
import { schedulerActor } from '@permed/service-kit';
import { step, type CallEvent } from '@permed/workflow';
import { CALL_STAGE_JOB } from './schedule-stage-jobs.ts';

/**
 * Fires a timed stage event. It runs inside the job's transaction, so the transition and the
 * job's completion commit together: exactly once, even with two platform instances. A call that
 * is not in a state to accept the event (the office is late closing the eligibility check) is
 * recorded in the job's result rather than retried for ever.
 */
export const callStageJob: JobHandler = async (tx, job, now) => {
  const eventType = job.payload.event as CallEvent['type'];
  const [call] = await tx
    .select({ currentVersion: schema.calls.currentVersion })
    .from(schema.calls)
    .where(eq(schema.calls.id, job.subjectId));
  const result = await stepWorkflow(tx, {
    kind: 'call',
    subjectId: job.subjectId,
    event: { type: eventType },
    step: (snapshot, event) => step('call', snapshot as never, event as CallEvent),
    actor: schedulerActor,
    at: now,
    callVersion: call?.currentVersion ?? null,
    payload: { scheduledFor: job.runAt.toISOString(), jobId: job.id },
  });
  return result.ok
    ? { fired: eventType, from: result.from, to: result.to }
    : { fired: null, refused: result.reason, event: eventType };
};

export const callJobHandlers: Record<string, JobHandler> = { [CALL_STAGE_JOB]: callStageJob };
