import { and, eq } from 'drizzle-orm';
import { schema, stepWorkflow, type JobHandler } from '@permed/db';
import { schedulerActor } from '@permed/service-kit';
import { step, type CallEvent } from '@permed/workflow';
import { CALL_STAGE_JOB } from './schedule-stage-jobs.ts';
import { cascadeToProposals } from './cascade-to-proposals.ts';

/**
 * Fires a timed stage event. It runs inside the job's transaction, so the transition and the
 * job's completion commit together: exactly once, even with two platform instances. A call that
 * is not in a state to accept the event (the office is late closing the eligibility check) is
 * recorded in the job's result rather than retried for ever.
 */
export const callStageJob: JobHandler = async (tx, job, now) => {
  const eventType = job.payload.event as CallEvent['type'];
  const [call] = await tx
    .select({ currentVersion: schema.calls.currentVersion, definition: schema.callVersions.definition })
    .from(schema.calls)
    .leftJoin(
      schema.callVersions,
      and(
        eq(schema.callVersions.callId, schema.calls.id),
        eq(schema.callVersions.version, schema.calls.currentVersion),
      ),
    )
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
  if (!result.ok) return { fired: null, refused: result.reason, event: eventType };
  const proposals = await cascadeToProposals(tx, {
    callId: job.subjectId,
    callState: result.to,
    twoStage: (call?.definition as { twoStage?: boolean } | null | undefined)?.twoStage !== false,
    actor: schedulerActor,
    at: now,
    callVersion: call?.currentVersion ?? null,
  });
  return { fired: eventType, from: result.from, to: result.to, proposals };
};

export const callJobHandlers: Record<string, JobHandler> = { [CALL_STAGE_JOB]: callStageJob };
