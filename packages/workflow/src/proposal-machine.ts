import { assign, setup } from 'xstate';
import type { ProposalContext, ProposalInput } from './proposal-context.ts';
import type { ProposalEvent } from './proposal-events.ts';
import { hasText } from './has-text.ts';

/** Bump whenever states, events, guards or context change: persisted snapshots name the version they were made by. */
export const proposalMachineVersion = '1.0.0';

// Every open state lists WITHDRAW itself rather than inheriting it from the root: a final state must
// not accept it, and the transition table stays readable state by state.
const withdraw = { WITHDRAW: { target: 'withdrawn' } } as const;

export const proposalMachine = setup({
  types: {
    context: {} as ProposalContext,
    events: {} as ProposalEvent,
    input: {} as ProposalInput,
  },
  guards: {
    isTwoStage: ({ context }) => context.twoStage,
    isSingleStage: ({ context }) => !context.twoStage,
    hasRebuttal: ({ context }) => context.rebuttal,
    hasNoRebuttal: ({ context }) => !context.rebuttal,
    // The automatic eligibility check is advisory, except that blocking errors stop a submission.
    noBlockingErrors: ({ event }) =>
      (event.type === 'SUBMIT' || event.type === 'SUBMIT_FULL') && event.blockingErrors === 0,
    hasDeclineReason: ({ event }) => event.type === 'DECLARE_INELIGIBLE' && hasText(event.reason),
    // Eligible means every funder concerned said yes; one "no" declines the whole proposal instead.
    allVerdictsEligible: ({ event }) =>
      event.type === 'DECLARE_ELIGIBLE' && event.pendingVerdicts === 0 && event.ineligibleVerdicts === 0,
  },
  actions: {
    recordSubmission: assign({ submittedVersion: ({ context }) => context.submittedVersion + 1 }),
    recordFullSubmission: assign({ fullSubmittedVersion: ({ context }) => context.fullSubmittedVersion + 1 }),
    recordDecline: assign(({ event }) =>
      event.type === 'DECLARE_INELIGIBLE' ? { declineReason: event.reason.trim() } : {},
    ),
  },
}).createMachine({
  id: 'proposal',
  version: proposalMachineVersion,
  context: ({ input }) => ({
    twoStage: input.twoStage,
    rebuttal: input.rebuttal,
    submittedVersion: 0,
    fullSubmittedVersion: 0,
    declineReason: null,
  }),
  initial: 'draft',
  states: {
    draft: {
      on: {
        SUBMIT: { target: 'submitted', guard: 'noBlockingErrors', actions: 'recordSubmission' },
        ...withdraw,
      },
    },
    submitted: {
      on: {
        // Re-submission before the deadline: same state, new version (the deadline itself is enforced
        // by the server clock and by START_ELIGIBILITY_CHECK moving the proposal on).
        SUBMIT: { target: 'submitted', guard: 'noBlockingErrors', actions: 'recordSubmission' },
        START_ELIGIBILITY_CHECK: { target: 'eligibility-check' },
        ...withdraw,
      },
    },
    'eligibility-check': {
      on: {
        DECLARE_INELIGIBLE: { target: 'declined', guard: 'hasDeclineReason', actions: 'recordDecline' },
        DECLARE_ELIGIBLE: { target: 'eligible', guard: 'allVerdictsEligible' },
        ...withdraw,
      },
    },
    eligible: {
      on: {
        INVITE: { target: 'invited', guard: 'isTwoStage' },
        NOT_INVITE: { target: 'not-invited', guard: 'isTwoStage' },
        // In a single-stage call the checked submission is already the full proposal.
        START_REVIEW: { target: 'under-review', guard: 'isSingleStage' },
        ...withdraw,
      },
    },
    invited: {
      on: { OPEN_FULL_PROPOSAL: { target: 'full-draft' }, ...withdraw },
    },
    'full-draft': {
      on: {
        SUBMIT_FULL: { target: 'full-submitted', guard: 'noBlockingErrors', actions: 'recordFullSubmission' },
        ...withdraw,
      },
    },
    'full-submitted': {
      on: {
        SUBMIT_FULL: { target: 'full-submitted', guard: 'noBlockingErrors', actions: 'recordFullSubmission' },
        // Full proposals are checked again: a consortium may not change substantially between stages.
        DECLARE_INELIGIBLE: { target: 'declined', guard: 'hasDeclineReason', actions: 'recordDecline' },
        START_REVIEW: { target: 'under-review' },
        ...withdraw,
      },
    },
    'under-review': {
      on: {
        OPEN_REBUTTAL: { target: 'rebuttal', guard: 'hasRebuttal' },
        RANK: { target: 'ranked', guard: 'hasNoRebuttal' },
        ...withdraw,
      },
    },
    rebuttal: {
      on: { RANK: { target: 'ranked' }, ...withdraw },
    },
    ranked: {
      on: { RECOMMEND: { target: 'recommended' }, NOT_RECOMMEND: { target: 'not-recommended' }, ...withdraw },
    },
    // Not final yet: the national funding decisions are still to be taken, and a consortium can still
    // step back (e.g. a partner leaves) before they are.
    recommended: {
      on: { FUND: { target: 'funded' }, NOT_FUND: { target: 'not-funded' }, ...withdraw },
    },
    'not-recommended': {
      on: { NOT_FUND: { target: 'not-funded' }, ...withdraw },
    },
    declined: { type: 'final' },
    'not-invited': { type: 'final' },
    funded: { type: 'final' },
    'not-funded': { type: 'final' },
    withdrawn: { type: 'final' },
  },
});
