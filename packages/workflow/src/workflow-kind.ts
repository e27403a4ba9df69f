import type { CallContext, CallInput } from './call-context.ts';
import type { CallEvent, CallEventType } from './call-events.ts';
import type { CallState } from './call-states.ts';
import type { ProposalContext, ProposalInput } from './proposal-context.ts';
import type { ProposalEvent, ProposalEventType } from './proposal-events.ts';
import type { ProposalState } from './proposal-states.ts';

export const workflowKinds = ['call', 'proposal'] as const;
export type WorkflowKind = (typeof workflowKinds)[number];

/** The types of each workflow, so that one generic API serves both machines without losing precision. */
export interface WorkflowTypes {
  call: {
    state: CallState;
    event: CallEvent;
    eventType: CallEventType;
    context: CallContext;
    input: CallInput;
  };
  proposal: {
    state: ProposalState;
    event: ProposalEvent;
    eventType: ProposalEventType;
    context: ProposalContext;
    input: ProposalInput;
  };
}

export type StateOf<K extends WorkflowKind> = WorkflowTypes[K]['state'];
export type EventOf<K extends WorkflowKind> = WorkflowTypes[K]['event'];
export type EventTypeOf<K extends WorkflowKind> = WorkflowTypes[K]['eventType'];
export type ContextOf<K extends WorkflowKind> = WorkflowTypes[K]['context'];
export type InputOf<K extends WorkflowKind> = WorkflowTypes[K]['input'];
