import type { CallDefinition, StageKind } from '@permed/domain';
import { inZone } from '@permed/domain';
import { AppError } from '@permed/http';

/**
 * The server clock decides: a stage is open from `opensAt` (inclusive) to `closesAt` (exclusive),
 * so something committed at T−1 ms is on time and at T it is late. Call this inside the
 * transaction that commits the change, with the time read for that transaction.
 */
export function requireStageOpen(
  definition: Pick<CallDefinition, 'stages'>,
  kind: StageKind,
  now: Date,
): void {
  const stage = definition.stages.find((s) => s.kind === kind);
  if (!stage) throw new AppError('STAGE_NOT_OPEN', `This call has no ${kind} stage`);
  const t = now.getTime();
  const serverTime = {
    serverTime: now.toISOString(),
    serverTimeInCallZone: inZone({ at: now.toISOString(), zone: stage.closesAt.zone }),
  };
  if (t < Date.parse(stage.opensAt.at)) {
    throw new AppError('STAGE_NOT_OPEN', `The ${kind} stage opens at ${inZone(stage.opensAt)}`, {
      extensions: { ...serverTime, opensAt: stage.opensAt.at },
    });
  }
  if (t >= Date.parse(stage.closesAt.at)) {
    throw new AppError(
      'DEADLINE_PASSED',
      `The ${kind} deadline was ${inZone(stage.closesAt)} (${stage.closesAt.zone})`,
      {
        extensions: { ...serverTime, deadline: stage.closesAt.at },
      },
    );
  }
}
