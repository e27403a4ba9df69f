import { z } from 'zod';
import { callContext } from './call-context.ts';
import { callState, finalCallStates } from './call-states.ts';
import { proposalContext } from './proposal-context.ts';
import { finalProposalStates, proposalState } from './proposal-states.ts';
import type { WorkflowKind } from './workflow-kind.ts';

// The persisted form is xstate's own persisted snapshot (status, value, context, children,
// historyValue) plus `kind` and `machineVersion`, so the same JSON restores through
// `machine.resolveState(...)` and through `createActor(machine, { snapshot })`. These machines have no
// child actors and no history states, so `children` and `historyValue` are always empty.
const empty = z.strictObject({});
const status = z.enum(['active', 'done']);

function statusMatchesValue(finals: readonly string[]) {
  return (s: { status: 'active' | 'done'; value: string }) =>
    (s.status === 'done') === finals.includes(s.value);
}
const statusMessage = { message: 'status must be "done" exactly in a final state', path: ['status'] };

export const persistedCallSnapshot = z
  .object({
    kind: z.literal('call'),
    machineVersion: z.string().min(1),
    status,
    value: callState,
    context: callContext,
    children: empty,
    historyValue: empty,
  })
  .refine(statusMatchesValue(finalCallStates), statusMessage);
export type PersistedCallSnapshot = z.infer<typeof persistedCallSnapshot>;

export const persistedProposalSnapshot = z
  .object({
    kind: z.literal('proposal'),
    machineVersion: z.string().min(1),
    status,
    value: proposalState,
    context: proposalContext,
    children: empty,
    historyValue: empty,
  })
  .refine(statusMatchesValue(finalProposalStates), statusMessage);
export type PersistedProposalSnapshot = z.infer<typeof persistedProposalSnapshot>;

export const persistedSnapshot = z.discriminatedUnion('kind', [
  persistedCallSnapshot,
  persistedProposalSnapshot,
]);

/** A workflow snapshot as stored (JSON), for either kind or, with `K`, for one kind. */
export type PersistedSnapshot<K extends WorkflowKind = WorkflowKind> = Extract<
  z.infer<typeof persistedSnapshot>,
  { kind: K }
>;
