import { inZone, type ProposalStage, type Stage } from '@permed/domain';
import { AppError } from '@permed/http';
import type { ProposalState } from '@permed/workflow';
import { instantMs, submissionStage, type CallContext } from './call-context.ts';

/** The lifecycle states in which the draft of a stage may still change and be (re)submitted. */
export function editableStates(stage: ProposalStage, twoStage: boolean): readonly ProposalState[] {
  return stage === 'pre-proposal' || !twoStage ? ['draft', 'submitted'] : ['full-draft', 'full-submitted'];
}

export function deadlinePassed(
  stage: Stage,
  now: Date,
  what = 'The submission deadline has passed',
): AppError {
  return new AppError(
    'DEADLINE_PASSED',
    `${what} (${stage.closesAt.at}, ${inZone(stage.closesAt)} ${stage.closesAt.zone})`,
    {
      extensions: {
        serverTime: now.toISOString(),
        deadline: { at: stage.closesAt.at, zone: stage.closesAt.zone, local: inZone(stage.closesAt) },
      },
    },
  );
}

export function stageNotOpen(
  stage: Stage,
  now: Date,
  what = 'The submission stage is not open yet',
): AppError {
  return new AppError(
    'STAGE_NOT_OPEN',
    `${what} (opens ${stage.opensAt.at}, ${inZone(stage.opensAt)} ${stage.opensAt.zone})`,
    {
      extensions: {
        serverTime: now.toISOString(),
        opensAt: { at: stage.opensAt.at, zone: stage.opensAt.zone, local: inZone(stage.opensAt) },
      },
    },
  );
}

/** Why a submission cannot happen now by the server clock (before the window, at or after its end), or null. */
export function windowRefusal(window: Stage, now: Date): AppError | null {
  if (now.getTime() < instantMs(window.opensAt)) return stageNotOpen(window, now);
  if (now.getTime() >= instantMs(window.closesAt)) return deadlinePassed(window, now);
  return null;
}

/** Why opening the full proposal cannot happen now: its submission deadline has passed. */
export function fullProposalRefusal(call: CallContext, now: Date): AppError | null {
  const window = submissionStage(call.definition, 'full-proposal');
  return now.getTime() >= instantMs(window.closesAt) ? deadlinePassed(window, now) : null;
}

/**
 * A draft changes only while its stage accepts submissions: in an editable lifecycle state and
 * before the deadline by the server clock. After the deadline the submitted version is what counts,
 * so edits would only mislead the consortium.
 */
export function requireEditable(
  args: { stage: ProposalStage; state: ProposalState },
  call: CallContext,
  now: Date,
): Stage {
  const window = submissionStage(call.definition, args.stage);
  const closed = now.getTime() >= instantMs(window.closesAt);
  if (!editableStates(args.stage, call.definition.twoStage).includes(args.state)) {
    // Past the deadline the call moves proposals on (eligibility check, ...): the deadline is the
    // reason, as for a submit (submit-proposal.ts). A withdrawn proposal is refused as such.
    if (closed && args.state !== 'withdrawn') throw deadlinePassed(window, now);
    throw new AppError('CONFLICT', `The proposal is ${args.state}; its draft can no longer change`, {
      extensions: { currentState: args.state },
    });
  }
  if (closed) throw deadlinePassed(window, now);
  return window;
}
