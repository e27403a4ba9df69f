import type { ProposalStage } from '@permed/domain';
import { AppError } from '@permed/http';
import type { ProposalEventType } from '@permed/workflow';
import { submissionStage, type CallContext } from './call-context.ts';
import { fullProposalRefusal, windowRefusal } from './editing-window.ts';
import type { ProposalAccess, ProposalRole } from './proposal-access.ts';

/**
 * The lifecycle events a person sends through this service's routes, and the proposal roles that
 * may send each: submit and submit-full (POST /:id/submit), withdraw (POST /:id/withdraw), open the
 * full proposal (POST /:id/full-proposal). The use cases authorise with `requireEventRight` and the
 * proposal's `allowedEvents` are filtered by `visibleEvents`, both from this one table, so nobody is
 * shown an event its request would be refused. Every other event (START_ELIGIBILITY_CHECK,
 * DECLARE_ELIGIBLE, INVITE, RANK, …) is fired by the scheduler or derived by another service from
 * its own records: no caller of this service sends it, so no caller sees it.
 */
export const eventRights = {
  SUBMIT: ['coordinator'],
  SUBMIT_FULL: ['coordinator'],
  WITHDRAW: ['coordinator'],
  OPEN_FULL_PROPOSAL: ['coordinator'],
} as const satisfies Partial<Record<ProposalEventType, readonly ProposalRole[]>>;

export type ProposalAction = keyof typeof eventRights;

export function mayFire(role: ProposalRole, event: string): boolean {
  const roles: readonly ProposalRole[] | undefined = (
    eventRights as Partial<Record<string, readonly ProposalRole[]>>
  )[event];
  return roles?.includes(role) ?? false;
}

/**
 * Of the events the lifecycle accepts now, those this caller may send; with `clock`, also only
 * those the server clock lets through now, by the same window rules the use cases apply (a draft
 * that was never submitted stays a draft after the deadline, and must not be offered SUBMIT).
 */
export function visibleEvents(
  role: ProposalRole,
  allowed: readonly string[],
  clock?: { call: CallContext; stage: ProposalStage; now: Date },
): string[] {
  return allowed.filter((event) => mayFire(role, event) && (!clock || inTime(event, clock)));
}

function inTime(event: string, { call, stage, now }: { call: CallContext; stage: ProposalStage; now: Date }) {
  switch (event) {
    case 'SUBMIT':
    case 'SUBMIT_FULL':
      return windowRefusal(submissionStage(call.definition, stage), now) === null;
    case 'OPEN_FULL_PROPOSAL':
      return fullProposalRefusal(call, now) === null;
    default:
      return true;
  }
}

export function requireEventRight(access: ProposalAccess, event: ProposalAction, what: string): void {
  if (!mayFire(access.role, event)) {
    const roles: readonly string[] = eventRights[event];
    throw new AppError('FORBIDDEN', `Only the ${roles.join(' or ')} may ${what}`, {
      extensions: { yourRole: access.role },
    });
  }
}
