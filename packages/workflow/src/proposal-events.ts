import { z } from 'zod';
import type { EventActor } from './event-actor.ts';

// As for the call, payloads carry facts the service computed (blocking findings, pending verdicts) so
// that the guards stay pure.

const count = z.int().nonnegative();

/**
 * Applicant submits (or, while still `submitted`, re-submits: every submission before the deadline is
 * a new version and the last one counts). Refused while the automatic check reports blocking errors.
 */
export const submitEvent = z.object({ type: z.literal('SUBMIT'), blockingErrors: count });

/** Applicant withdraws the proposal; possible from every open state, never after a final outcome. */
export const withdrawEvent = z.object({ type: z.literal('WITHDRAW') });

/** Scheduler, when the call's submission deadline passes: funders and the call office start checking. */
export const startEligibilityCheckEvent = z.object({ type: z.literal('START_ELIGIBILITY_CHECK') });

/**
 * Call office, once a funder (or its own formal check) found the proposal ineligible: one ineligible
 * partner declines the whole proposal. Also accepted on a submitted full proposal, because the full
 * stage is checked again (a consortium may not change substantially between stages).
 */
export const declareIneligibleEvent = z.object({ type: z.literal('DECLARE_INELIGIBLE'), reason: z.string() });

/** Call office, once every funder concerned recorded an eligible verdict and none is pending. */
export const declareEligibleEvent = z.object({
  type: z.literal('DECLARE_ELIGIBLE'),
  pendingVerdicts: count,
  ineligibleVerdicts: count,
});

/** Call office records the steering committee's invitation to the full stage (two-stage calls only). */
export const inviteEvent = z.object({ type: z.literal('INVITE') });

/** Call office records that the proposal is not invited to the full stage (two-stage calls only). */
export const notInviteEvent = z.object({ type: z.literal('NOT_INVITE') });

/** Scheduler (with the call's OPEN_FULL_PROPOSALS): the invited consortium may now write its full proposal. */
export const openFullProposalEvent = z.object({ type: z.literal('OPEN_FULL_PROPOSAL') });

/** Applicant submits (or re-submits) the full proposal; refused while blocking errors remain. */
export const submitFullEvent = z.object({ type: z.literal('SUBMIT_FULL'), blockingErrors: count });

/**
 * Call office, when reviewers may start: after the formal check of the full proposals (two-stage), or
 * when the eligibility check of a single-stage call closes. Not the scheduler at the deadline, so
 * that a full proposal found ineligible can still be declined before anyone reviews it.
 */
export const startReviewEvent = z.object({ type: z.literal('START_REVIEW') });

/** Call office opens the rebuttal: the consortium may answer its reviews (calls with a rebuttal stage). */
export const openRebuttalEvent = z.object({ type: z.literal('OPEN_REBUTTAL') });

/** Call office, when the ranking list is frozen: the proposal has its place on the list. */
export const rankEvent = z.object({ type: z.literal('RANK') });

/** Call office records the steering committee's recommendation to fund. */
export const recommendEvent = z.object({ type: z.literal('RECOMMEND') });

/** Call office records that the steering committee does not recommend the proposal. */
export const notRecommendEvent = z.object({ type: z.literal('NOT_RECOMMEND') });

/** System, once every funder of the consortium recorded a positive national decision. */
export const fundEvent = z.object({ type: z.literal('FUND') });

/** System, once a funder declined nationally or the proposal was not recommended and the call closes. */
export const notFundEvent = z.object({ type: z.literal('NOT_FUND') });

export const proposalEvent = z.discriminatedUnion('type', [
  submitEvent,
  withdrawEvent,
  startEligibilityCheckEvent,
  declareIneligibleEvent,
  declareEligibleEvent,
  inviteEvent,
  notInviteEvent,
  openFullProposalEvent,
  submitFullEvent,
  startReviewEvent,
  openRebuttalEvent,
  rankEvent,
  recommendEvent,
  notRecommendEvent,
  fundEvent,
  notFundEvent,
]);
export type ProposalEvent = z.infer<typeof proposalEvent>;
export type ProposalEventType = ProposalEvent['type'];

export const proposalEventTypes = [
  'SUBMIT',
  'WITHDRAW',
  'START_ELIGIBILITY_CHECK',
  'DECLARE_INELIGIBLE',
  'DECLARE_ELIGIBLE',
  'INVITE',
  'NOT_INVITE',
  'OPEN_FULL_PROPOSAL',
  'SUBMIT_FULL',
  'START_REVIEW',
  'OPEN_REBUTTAL',
  'RANK',
  'RECOMMEND',
  'NOT_RECOMMEND',
  'FUND',
  'NOT_FUND',
] as const satisfies readonly ProposalEventType[];

// Compile-time proof that the list above names every event of the union.
const _everyProposalEventTypeListed: [
  Exclude<ProposalEventType, (typeof proposalEventTypes)[number]>,
] extends [never]
  ? true
  : never = true;

/** Who may fire each proposal event (see {@link EventActor}). */
export const proposalEventActors = {
  SUBMIT: ['applicant'],
  WITHDRAW: ['applicant', 'call-office'],
  START_ELIGIBILITY_CHECK: ['scheduler'],
  DECLARE_INELIGIBLE: ['call-office'],
  DECLARE_ELIGIBLE: ['call-office', 'system'],
  INVITE: ['call-office'],
  NOT_INVITE: ['call-office'],
  OPEN_FULL_PROPOSAL: ['scheduler'],
  SUBMIT_FULL: ['applicant'],
  START_REVIEW: ['call-office'],
  OPEN_REBUTTAL: ['call-office'],
  RANK: ['call-office'],
  RECOMMEND: ['call-office'],
  NOT_RECOMMEND: ['call-office'],
  FUND: ['system'],
  NOT_FUND: ['system'],
} as const satisfies Record<ProposalEventType, readonly EventActor[]>;
