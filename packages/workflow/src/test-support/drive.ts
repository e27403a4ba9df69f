import { createActor, type AnyStateMachine, type Snapshot } from 'xstate';
import { callReference, proposalReference, type ReferenceRow } from './reference-model.ts';
import { machines } from '../machines.ts';
import type { PersistedSnapshot } from '../persisted-snapshot.ts';
import type { EventOf, WorkflowKind } from '../workflow-kind.ts';
import { throughJson } from './json.ts';

export type AnyReferenceRow = ReferenceRow<string, { type: string }, unknown>;

/** The reference rows of a kind, loosened so that one test body serves both kinds. */
export function referenceRows(kind: WorkflowKind): readonly AnyReferenceRow[] {
  const rows: unknown = kind === 'call' ? callReference : proposalReference;
  return rows as readonly AnyReferenceRow[];
}

/** The rows the reference model would fire for this event in this snapshot (at most one, by design). */
export function referenceMatches(
  kind: WorkflowKind,
  persisted: PersistedSnapshot,
  event: { type: string },
): AnyReferenceRow[] {
  return referenceRows(kind).filter(
    (r) =>
      r.from === persisted.value &&
      r.event === event.type &&
      r.context(persisted.context) &&
      r.payload(event),
  );
}

/**
 * The same step taken the other way xstate restores state: a live actor created from the stored JSON.
 * The pure `step` must agree with it.
 */
export function stepWithActor<K extends WorkflowKind>(
  kind: K,
  persisted: PersistedSnapshot<K>,
  event: EventOf<K>,
): { value: unknown; context: unknown } {
  const machine: AnyStateMachine = machines[kind];
  // The persisted form leaves out xstate's `output`/`error` (undefined, so JSON drops them anyway);
  // only the static type needs telling.
  const snapshot = throughJson(persisted) as unknown as Snapshot<unknown>;
  const actor = createActor(machine, { snapshot });
  actor.start();
  // A finished actor ignores events anyway; not sending spares xstate's "sent to stopped actor" warning.
  if (actor.getSnapshot().status === 'active') actor.send(event);
  const next = actor.getSnapshot();
  actor.stop();
  return { value: next.value as unknown, context: next.context as unknown };
}
