import { recordAudit, type Actor } from '@permed/db';
import { AppError } from '@permed/http';
import { advanceWorkflow } from '@permed/service-kit';
import type { CallEvent } from '@permed/workflow';
import { requireCall } from './call-store.ts';
import { cascadeToProposals } from './cascade-to-proposals.ts';
import type { UseCaseDeps } from './manage-calls.ts';

/** Facts a manual stage change needs, computed by the platform, never taken from the client. */
export interface StageFacts {
  /** Funders that have not finished their national eligibility check. */
  pendingFunders(callId: string): Promise<number>;
  /** Partners awaiting a national funding decision. */
  pendingDecisions(callId: string): Promise<number>;
}

export const noPendingFacts: StageFacts = { pendingFunders: async () => 0, pendingDecisions: async () => 0 };

export const manualCallEvents = [
  'CLOSE_ELIGIBILITY_CHECK',
  'OPEN_FULL_PROPOSALS',
  'CLOSE_FULL_PROPOSALS',
  'OPEN_REBUTTAL',
  'CLOSE_REBUTTAL',
  'OPEN_PANEL',
  'CLOSE',
] as const;
export type ManualCallEvent = (typeof manualCallEvents)[number];

/**
 * The call lifecycle events the call office sends through this service: PUBLISH by
 * POST /:slug/publish, the manual stage changes by POST /:slug/events (whose body accepts exactly
 * `manualCallEvents`). The lifecycle read and its refusals show only these: what the scheduler
 * fires at the announced instants (CLOSE_PRE_PROPOSALS, ...) is nothing the call office can send.
 */
export const callOfficeEvents: readonly string[] = ['PUBLISH', ...manualCallEvents];

/** Of the events the lifecycle accepts now, those the call office may send here. */
export const visibleCallEvents = (allowed: readonly string[]): string[] =>
  allowed.filter((event) => callOfficeEvents.includes(event));

/** The call office moves a call on; guards use facts from the database, overrides need a reason. */
export async function advanceCall(
  deps: UseCaseDeps & { facts: StageFacts },
  actor: Actor,
  slug: string,
  args: {
    event: ManualCallEvent;
    overrideReason?: string | undefined;
    expectedLockVersion?: number | undefined;
  },
): Promise<{ from: string; to: string; lockVersion: number }> {
  const call = await requireCall(deps.db, slug);
  if (call.currentVersion === null)
    throw new AppError('INVALID_TRANSITION', 'Publish the call first', {
      extensions: { currentState: 'draft' },
    });
  let event: CallEvent;
  switch (args.event) {
    case 'CLOSE_ELIGIBILITY_CHECK':
      event = {
        type: args.event,
        pendingFunders: await deps.facts.pendingFunders(call.id),
        ...(args.overrideReason ? { overrideReason: args.overrideReason } : {}),
      };
      break;
    case 'CLOSE':
      event = {
        type: args.event,
        pendingDecisions: await deps.facts.pendingDecisions(call.id),
        ...(args.overrideReason ? { overrideReason: args.overrideReason } : {}),
      };
      break;
    default:
      event = { type: args.event };
  }
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const result = await advanceWorkflow(tx, {
      kind: 'call',
      subjectId: call.id,
      event,
      actor,
      at: now,
      callVersion: call.currentVersion,
      ...(args.expectedLockVersion !== undefined ? { expectedLockVersion: args.expectedLockVersion } : {}),
      visibleEvents: visibleCallEvents,
    });
    const proposals = await cascadeToProposals(tx, {
      callId: call.id,
      callState: result.to,
      // The published call keeps its layout; the draft column holds the definition it started from.
      twoStage: (call.draft as { twoStage?: boolean }).twoStage !== false,
      actor,
      at: now,
      callVersion: call.currentVersion,
    });
    await recordAudit(tx, {
      actor,
      action: 'call.stage_changed',
      targetType: 'call',
      targetId: call.id,
      details: {
        event: args.event,
        from: result.from,
        to: result.to,
        overrideReason: args.overrideReason ?? null,
        proposalsMoved: proposals.moved,
      },
      at: now,
    });
    return result;
  });
}
