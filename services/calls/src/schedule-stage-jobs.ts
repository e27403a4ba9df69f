import { and, eq, isNull, notInArray } from 'drizzle-orm';
import { scheduleJob, schema, type DbOrTx } from '@permed/db';
import type { CallDefinition, StageKind } from '@permed/domain';
import type { CallEventType } from '@permed/workflow';

/**
 * The stage changes that happen at an instant, fired by the durable scheduler. Others (closing
 * the eligibility check, opening the rebuttal, the panel) are decisions of the call office.
 */
const timedEvents: { stage: StageKind; edge: 'opensAt' | 'closesAt'; event: CallEventType }[] = [
  { stage: 'pre-proposal-submission', edge: 'opensAt', event: 'OPEN_PRE_PROPOSALS' },
  { stage: 'pre-proposal-submission', edge: 'closesAt', event: 'CLOSE_PRE_PROPOSALS' },
  { stage: 'full-proposal-submission', edge: 'opensAt', event: 'OPEN_FULL_PROPOSALS' },
  { stage: 'full-proposal-submission', edge: 'closesAt', event: 'CLOSE_FULL_PROPOSALS' },
  { stage: 'rebuttal', edge: 'closesAt', event: 'CLOSE_REBUTTAL' },
];

export const CALL_STAGE_JOB = 'call.stage-event';

/** (Re)schedules the timed stage events of a published version; a corrected date moves its job. */
export async function scheduleStageJobs(
  tx: DbOrTx,
  callId: string,
  definition: CallDefinition,
  now: Date,
): Promise<void> {
  const wanted = new Set<string>();
  for (const t of timedEvents) {
    const stage = definition.stages.find((s) => s.kind === t.stage);
    if (!stage) continue;
    const dedupeKey = `${CALL_STAGE_JOB}:${callId}:${t.event}`;
    wanted.add(dedupeKey);
    await scheduleJob(tx, {
      kind: CALL_STAGE_JOB,
      subjectId: callId,
      runAt: new Date(stage[t.edge].at),
      payload: { event: t.event, stage: t.stage, edge: t.edge },
      dedupeKey,
    });
  }
  // A stage removed by a new version must not fire any more.
  const { scheduledJobs } = schema;
  await tx
    .update(scheduledJobs)
    .set({ doneAt: now, result: { cancelled: 'stage removed in a later call version' } })
    .where(
      and(
        eq(scheduledJobs.subjectId, callId),
        eq(scheduledJobs.kind, CALL_STAGE_JOB),
        isNull(scheduledJobs.doneAt),
        ...(wanted.size > 0 ? [notInArray(scheduledJobs.dedupeKey, [...wanted])] : []),
      ),
    );
}
