import type { AnyStateMachine } from 'xstate';
import type { z } from 'zod';
import { callInput } from './call-context.ts';
import { callEvent, callEventTypes } from './call-events.ts';
import { callStates } from './call-states.ts';
import { machineVersion, machines } from './machines.ts';
import {
  persistedCallSnapshot,
  persistedProposalSnapshot,
  type PersistedSnapshot,
} from './persisted-snapshot.ts';
import { proposalInput } from './proposal-context.ts';
import { proposalEvent, proposalEventTypes } from './proposal-events.ts';
import { proposalStates } from './proposal-states.ts';
import type { EventOf, EventTypeOf, InputOf, StateOf, WorkflowKind } from './workflow-kind.ts';

/** For each event type, one event whose payload facts satisfy every payload guard. */
export type RepresentativeEvents<K extends WorkflowKind> = {
  [T in EventTypeOf<K>]: Extract<EventOf<K>, { type: T }>;
};

/**
 * Everything the generic API needs to know about one kind. The machine is held as `AnyStateMachine`
 * because xstate's generics do not survive indexing by kind; the schemas restore the precise types at
 * the boundary.
 */
export interface WorkflowDefinition<K extends WorkflowKind> {
  readonly machine: AnyStateMachine;
  readonly version: string;
  readonly states: readonly StateOf<K>[];
  readonly eventTypes: readonly EventTypeOf<K>[];
  readonly input: z.ZodType<InputOf<K>>;
  readonly event: z.ZodType<EventOf<K>>;
  readonly snapshot: z.ZodType<PersistedSnapshot<K>>;
  readonly representativeEvents: RepresentativeEvents<K>;
}

// Representative payloads describe the facts under which each event is meant to pass: no blocking
// errors, nothing pending, a reason given. Only guards on these payload facts are satisfied this way;
// guards on the context (stage layout) still decide, because they are facts about the current snapshot.
const representativeCallEvents: RepresentativeEvents<'call'> = {
  PUBLISH: { type: 'PUBLISH', funderCount: 1, stagesValid: true },
  OPEN_PRE_PROPOSALS: { type: 'OPEN_PRE_PROPOSALS' },
  CLOSE_PRE_PROPOSALS: { type: 'CLOSE_PRE_PROPOSALS' },
  CLOSE_ELIGIBILITY_CHECK: { type: 'CLOSE_ELIGIBILITY_CHECK', pendingFunders: 0 },
  OPEN_FULL_PROPOSALS: { type: 'OPEN_FULL_PROPOSALS' },
  CLOSE_FULL_PROPOSALS: { type: 'CLOSE_FULL_PROPOSALS' },
  OPEN_REBUTTAL: { type: 'OPEN_REBUTTAL' },
  CLOSE_REBUTTAL: { type: 'CLOSE_REBUTTAL' },
  OPEN_PANEL: { type: 'OPEN_PANEL' },
  FREEZE_RANKING: { type: 'FREEZE_RANKING', rankingHash: 'representative' },
  RECORD_RECOMMENDATION: { type: 'RECORD_RECOMMENDATION' },
  CLOSE: { type: 'CLOSE', pendingDecisions: 0 },
};

const representativeProposalEvents: RepresentativeEvents<'proposal'> = {
  SUBMIT: { type: 'SUBMIT', blockingErrors: 0 },
  WITHDRAW: { type: 'WITHDRAW' },
  START_ELIGIBILITY_CHECK: { type: 'START_ELIGIBILITY_CHECK' },
  DECLARE_INELIGIBLE: { type: 'DECLARE_INELIGIBLE', reason: 'representative' },
  DECLARE_ELIGIBLE: { type: 'DECLARE_ELIGIBLE', pendingVerdicts: 0, ineligibleVerdicts: 0 },
  INVITE: { type: 'INVITE' },
  NOT_INVITE: { type: 'NOT_INVITE' },
  OPEN_FULL_PROPOSAL: { type: 'OPEN_FULL_PROPOSAL' },
  SUBMIT_FULL: { type: 'SUBMIT_FULL', blockingErrors: 0 },
  START_REVIEW: { type: 'START_REVIEW' },
  OPEN_REBUTTAL: { type: 'OPEN_REBUTTAL' },
  RANK: { type: 'RANK' },
  RECOMMEND: { type: 'RECOMMEND' },
  NOT_RECOMMEND: { type: 'NOT_RECOMMEND' },
  FUND: { type: 'FUND' },
  NOT_FUND: { type: 'NOT_FUND' },
};

export const definitions: { readonly [K in WorkflowKind]: WorkflowDefinition<K> } = {
  call: {
    machine: machines.call,
    version: machineVersion('call'),
    states: callStates,
    eventTypes: callEventTypes,
    input: callInput,
    event: callEvent,
    snapshot: persistedCallSnapshot,
    representativeEvents: representativeCallEvents,
  },
  proposal: {
    machine: machines.proposal,
    version: machineVersion('proposal'),
    states: proposalStates,
    eventTypes: proposalEventTypes,
    input: proposalInput,
    event: proposalEvent,
    snapshot: persistedProposalSnapshot,
    representativeEvents: representativeProposalEvents,
  },
};

/** The payload under which `allowedEvents` asks the machine whether an event type would pass. */
export function representativeEvent<K extends WorkflowKind>(kind: K, type: EventTypeOf<K>): EventOf<K> {
  const events: Record<string, EventOf<K>> = definitions[kind].representativeEvents;
  const event = events[type];
  if (event === undefined) throw new TypeError(`no representative event for ${kind} event ${type}`);
  return event;
}
