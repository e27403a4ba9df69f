import { assign, setup } from 'xstate';
import type { CallContext, CallInput } from './call-context.ts';
import type { CallEvent } from './call-events.ts';
import { hasText } from './has-text.ts';

/** Bump whenever states, events, guards or context change: persisted snapshots name the version they were made by. */
export const callMachineVersion = '1.0.0';

// A silent funder must not block the others forever, but skipping it has to be explained.
function eligibilityCheckDone(event: CallEvent): boolean {
  return (
    event.type === 'CLOSE_ELIGIBILITY_CHECK' && (event.pendingFunders === 0 || hasText(event.overrideReason))
  );
}

export const callMachine = setup({
  types: {
    context: {} as CallContext,
    events: {} as CallEvent,
    input: {} as CallInput,
  },
  // Guards are plain names rather than and()/not() combinations so that the transition table read back
  // from the machine (see transition-table.ts) names every condition.
  guards: {
    isTwoStage: ({ context }) => context.twoStage,
    isSingleStage: ({ context }) => !context.twoStage,
    hasRebuttal: ({ context }) => context.rebuttal,
    hasNoRebuttal: ({ context }) => !context.rebuttal,
    canPublish: ({ event }) => event.type === 'PUBLISH' && event.funderCount >= 1 && event.stagesValid,
    preProposalCheckDone: ({ context, event }) => context.twoStage && eligibilityCheckDone(event),
    fullProposalCheckDone: ({ context, event }) => !context.twoStage && eligibilityCheckDone(event),
    hasRankingHash: ({ event }) => event.type === 'FREEZE_RANKING' && hasText(event.rankingHash),
    nationalDecisionsDone: ({ event }) =>
      event.type === 'CLOSE' && (event.pendingDecisions === 0 || hasText(event.overrideReason)),
  },
  actions: {
    recordEligibilityOverride: assign(({ event }) =>
      event.type === 'CLOSE_ELIGIBILITY_CHECK' && event.pendingFunders > 0 && hasText(event.overrideReason)
        ? { eligibilityOverrideReason: event.overrideReason.trim() }
        : {},
    ),
    recordRankingHash: assign(({ event }) =>
      event.type === 'FREEZE_RANKING' ? { rankingHash: event.rankingHash.trim() } : {},
    ),
    recordCloseOverride: assign(({ event }) =>
      event.type === 'CLOSE' && event.pendingDecisions > 0 && hasText(event.overrideReason)
        ? { closeOverrideReason: event.overrideReason.trim() }
        : {},
    ),
  },
}).createMachine({
  id: 'call',
  version: callMachineVersion,
  context: ({ input }) => ({
    twoStage: input.twoStage,
    rebuttal: input.rebuttal,
    eligibilityOverrideReason: null,
    rankingHash: null,
    closeOverrideReason: null,
  }),
  initial: 'draft',
  states: {
    draft: {
      on: { PUBLISH: { target: 'pre-announced', guard: 'canPublish' } },
    },
    'pre-announced': {
      on: {
        OPEN_PRE_PROPOSALS: { target: 'pre-proposals-open', guard: 'isTwoStage' },
        // A single-stage call has no pre-proposals: it opens straight for full proposals.
        OPEN_FULL_PROPOSALS: { target: 'full-proposals-open', guard: 'isSingleStage' },
      },
    },
    'pre-proposals-open': {
      on: { CLOSE_PRE_PROPOSALS: { target: 'eligibility-check' } },
    },
    // Two-stage calls check eligibility on the pre-proposals; single-stage calls on the full proposals,
    // so where the check leads depends on the stage layout.
    'eligibility-check': {
      on: {
        CLOSE_ELIGIBILITY_CHECK: [
          {
            target: 'pre-proposal-evaluation',
            guard: 'preProposalCheckDone',
            actions: 'recordEligibilityOverride',
          },
          {
            target: 'full-proposal-review',
            guard: 'fullProposalCheckDone',
            actions: 'recordEligibilityOverride',
          },
        ],
      },
    },
    'pre-proposal-evaluation': {
      on: { OPEN_FULL_PROPOSALS: { target: 'full-proposals-open' } },
    },
    'full-proposals-open': {
      on: {
        CLOSE_FULL_PROPOSALS: [
          { target: 'full-proposal-review', guard: 'isTwoStage' },
          { target: 'eligibility-check', guard: 'isSingleStage' },
        ],
      },
    },
    'full-proposal-review': {
      on: {
        OPEN_REBUTTAL: { target: 'rebuttal', guard: 'hasRebuttal' },
        OPEN_PANEL: { target: 'panel', guard: 'hasNoRebuttal' },
      },
    },
    rebuttal: {
      on: { CLOSE_REBUTTAL: { target: 'panel' } },
    },
    panel: {
      on: {
        FREEZE_RANKING: {
          target: 'funding-recommendation',
          guard: 'hasRankingHash',
          actions: 'recordRankingHash',
        },
      },
    },
    'funding-recommendation': {
      on: { RECORD_RECOMMENDATION: { target: 'national-decisions' } },
    },
    'national-decisions': {
      on: { CLOSE: { target: 'closed', guard: 'nationalDecisionsDone', actions: 'recordCloseOverride' } },
    },
    closed: { type: 'final' },
  },
});
