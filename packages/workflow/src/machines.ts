import { callMachine, callMachineVersion } from './call-machine.ts';
import { proposalMachine, proposalMachineVersion } from './proposal-machine.ts';
import type { WorkflowKind } from './workflow-kind.ts';

/** The machines by kind, for callers that want xstate itself (inspection, graph tools, actors in tests). */
export const machines = { call: callMachine, proposal: proposalMachine } as const;

const versions = { call: callMachineVersion, proposal: proposalMachineVersion } as const satisfies Record<
  WorkflowKind,
  string
>;

/** The version persisted snapshots of this kind must carry to be stepped by the current code. */
export function machineVersion(kind: WorkflowKind): string {
  return versions[kind];
}
