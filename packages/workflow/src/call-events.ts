import { z } from 'zod';
import type { EventActor } from './event-actor.ts';

// Payloads carry facts that the service computed from the database (number of funders, pending
// verdicts…) so that the guards stay pure: the machine decides, but never reads anything itself.

const count = z.int().nonnegative();

/** Call office publishes the call; allowed only when it has at least one funder and its stages validate. */
export const publishEvent = z.object({
  type: z.literal('PUBLISH'),
  funderCount: count,
  stagesValid: z.boolean(),
});

/** Scheduler, at the announced opening instant: the submission tool opens for pre-proposals (two-stage calls). */
export const openPreProposalsEvent = z.object({ type: z.literal('OPEN_PRE_PROPOSALS') });

/** Scheduler, at the pre-proposal deadline (server clock, at commit time): submissions stop, funders start checking. */
export const closePreProposalsEvent = z.object({ type: z.literal('CLOSE_PRE_PROPOSALS') });

/**
 * Call office ends the eligibility check. Allowed when no funder still has verdicts pending, or with an
 * override whose reason is recorded (a funder that never answers must not block 30 others).
 */
export const closeEligibilityCheckEvent = z.object({
  type: z.literal('CLOSE_ELIGIBILITY_CHECK'),
  pendingFunders: count,
  overrideReason: z.string().optional(),
});

/**
 * Opens the full-proposal stage. Call office after sending the invitations (two-stage calls), or the
 * scheduler at the opening instant of a single-stage call.
 */
export const openFullProposalsEvent = z.object({ type: z.literal('OPEN_FULL_PROPOSALS') });

/** Scheduler, at the full-proposal deadline: submissions stop; review (or, single-stage, eligibility check) starts. */
export const closeFullProposalsEvent = z.object({ type: z.literal('CLOSE_FULL_PROPOSALS') });

/** Call office, once the reviews are in: applicants may answer the reviewers (calls with a rebuttal stage). */
export const openRebuttalEvent = z.object({ type: z.literal('OPEN_REBUTTAL') });

/** Scheduler, at the rebuttal deadline: the panel takes over. */
export const closeRebuttalEvent = z.object({ type: z.literal('CLOSE_REBUTTAL') });

/** Call office, once the reviews are in, for calls without a rebuttal stage: the panel takes over directly. */
export const openPanelEvent = z.object({ type: z.literal('OPEN_PANEL') });

/**
 * Call office, at the end of the panel meeting: the ranking list is frozen. The hash of the frozen list
 * is kept so that the recommendation can prove which list it walked.
 */
export const freezeRankingEvent = z.object({ type: z.literal('FREEZE_RANKING'), rankingHash: z.string() });

/** Call office records the Call Steering Committee's funding recommendation; funders now decide nationally. */
export const recordRecommendationEvent = z.object({ type: z.literal('RECORD_RECOMMENDATION') });

/**
 * Call office closes the call. Allowed when every national decision is recorded, or with an override
 * whose reason is recorded.
 */
export const closeEvent = z.object({
  type: z.literal('CLOSE'),
  pendingDecisions: count,
  overrideReason: z.string().optional(),
});

export const callEvent = z.discriminatedUnion('type', [
  publishEvent,
  openPreProposalsEvent,
  closePreProposalsEvent,
  closeEligibilityCheckEvent,
  openFullProposalsEvent,
  closeFullProposalsEvent,
  openRebuttalEvent,
  closeRebuttalEvent,
  openPanelEvent,
  freezeRankingEvent,
  recordRecommendationEvent,
  closeEvent,
]);
export type CallEvent = z.infer<typeof callEvent>;
export type CallEventType = CallEvent['type'];

export const callEventTypes = [
  'PUBLISH',
  'OPEN_PRE_PROPOSALS',
  'CLOSE_PRE_PROPOSALS',
  'CLOSE_ELIGIBILITY_CHECK',
  'OPEN_FULL_PROPOSALS',
  'CLOSE_FULL_PROPOSALS',
  'OPEN_REBUTTAL',
  'CLOSE_REBUTTAL',
  'OPEN_PANEL',
  'FREEZE_RANKING',
  'RECORD_RECOMMENDATION',
  'CLOSE',
] as const satisfies readonly CallEventType[];

// Compile-time proof that the list above names every event of the union.
const _everyCallEventTypeListed: [Exclude<CallEventType, (typeof callEventTypes)[number]>] extends [never]
  ? true
  : never = true;

/** Who may fire each call event (see {@link EventActor}). */
export const callEventActors = {
  PUBLISH: ['call-office'],
  OPEN_PRE_PROPOSALS: ['scheduler', 'call-office'],
  CLOSE_PRE_PROPOSALS: ['scheduler'],
  CLOSE_ELIGIBILITY_CHECK: ['call-office'],
  OPEN_FULL_PROPOSALS: ['call-office', 'scheduler'],
  CLOSE_FULL_PROPOSALS: ['scheduler'],
  OPEN_REBUTTAL: ['call-office'],
  CLOSE_REBUTTAL: ['scheduler'],
  OPEN_PANEL: ['call-office'],
  FREEZE_RANKING: ['call-office'],
  RECORD_RECOMMENDATION: ['call-office'],
  CLOSE: ['call-office'],
} as const satisfies Record<CallEventType, readonly EventActor[]>;
