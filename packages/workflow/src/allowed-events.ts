import type { AnyMachineSnapshot } from 'xstate';
import type { PersistedSnapshot } from './persisted-snapshot.ts';
import { parsePersistedSnapshot, restoreSnapshot } from './snapshot-codec.ts';
import { definitions, representativeEvent } from './workflow-definitions.ts';
import type { EventTypeOf, WorkflowKind } from './workflow-kind.ts';

/**
 * The event types the current state accepts, sorted. An event counts as allowed when it would pass
 * with its representative payload (no blocking errors, nothing pending, a reason given): the answer
 * is "what may be attempted here", and the step itself still refuses an event whose facts fail its
 * guard. Guards on the context (stage layout) are evaluated for real. The snapshot is checked as in
 * `parsePersistedSnapshot` (it usually comes straight from the database).
 */
export function allowedEvents<K extends WorkflowKind>(
  kind: K,
  persisted: PersistedSnapshot<K>,
): EventTypeOf<K>[] {
  return allowedEventsOf(kind, restoreSnapshot(kind, parsePersistedSnapshot(kind, persisted)));
}

/** Same, on a live snapshot already restored (saves a second parse inside `step`). */
export function allowedEventsOf<K extends WorkflowKind>(
  kind: K,
  snapshot: AnyMachineSnapshot,
): EventTypeOf<K>[] {
  return definitions[kind].eventTypes
    .filter((type) => snapshot.can(representativeEvent(kind, type)))
    .toSorted((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
