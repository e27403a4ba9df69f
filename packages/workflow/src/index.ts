// Call and proposal lifecycles as pure XState v5 machines, and the small API the services step them with.
export { callStates, callState, finalCallStates, type CallState } from './call-states.ts';
export {
  proposalStates,
  proposalState,
  finalProposalStates,
  isOpenProposalState,
  type ProposalState,
  type FinalProposalState,
} from './proposal-states.ts';
export { eventActors, eventActor, type EventActor } from './event-actor.ts';
export {
  callEvent,
  callEventTypes,
  callEventActors,
  type CallEvent,
  type CallEventType,
} from './call-events.ts';
export {
  proposalEvent,
  proposalEventTypes,
  proposalEventActors,
  type ProposalEvent,
  type ProposalEventType,
} from './proposal-events.ts';
export { callContext, callInput, type CallContext, type CallInput } from './call-context.ts';
export {
  proposalContext,
  proposalInput,
  type ProposalContext,
  type ProposalInput,
} from './proposal-context.ts';
export { callMachine, callMachineVersion } from './call-machine.ts';
export { proposalMachine, proposalMachineVersion } from './proposal-machine.ts';
export { machines, machineVersion } from './machines.ts';
export {
  workflowKinds,
  type WorkflowKind,
  type WorkflowTypes,
  type StateOf,
  type EventOf,
  type EventTypeOf,
  type ContextOf,
  type InputOf,
} from './workflow-kind.ts';
export {
  persistedSnapshot,
  persistedCallSnapshot,
  persistedProposalSnapshot,
  type PersistedSnapshot,
  type PersistedCallSnapshot,
  type PersistedProposalSnapshot,
} from './persisted-snapshot.ts';
export { parsePersistedSnapshot } from './snapshot-codec.ts';
export { initialSnapshot } from './initial-snapshot.ts';
export { step, type StepResult, type Refusal } from './step.ts';
export { allowedEvents } from './allowed-events.ts';
export { representativeEvent } from './workflow-definitions.ts';
export { transitionTable, type TransitionRow } from './transition-table.ts';
export { lifecycleDiagram } from './lifecycle-diagram.ts';
export { WorkflowError, workflowErrorCodes, type WorkflowErrorCode } from './workflow-error.ts';
