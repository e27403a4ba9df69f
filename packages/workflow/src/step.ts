import { getNextTransitions, transition } from 'xstate';
import { z } from 'zod';
import { allowedEventsOf } from './allowed-events.ts';
import type { PersistedSnapshot } from './persisted-snapshot.ts';
import { parsePersistedSnapshot, persistSnapshot, restoreSnapshot } from './snapshot-codec.ts';
import { definitions } from './workflow-definitions.ts';
import { WorkflowError } from './workflow-error.ts';
import type { EventOf, EventTypeOf, StateOf, WorkflowKind } from './workflow-kind.ts';

/**
 * Why an event was not accepted: `state` when the current state has no transition for its type at all,
 * `guard` when it has one but the event's facts (or the stage layout) do not satisfy its guard. The
 * distinction lets the HTTP layer say "not now" apart from "not with these facts".
 */
export type Refusal = 'state' | 'guard';

export interface StepResult<K extends WorkflowKind> {
  readonly accepted: boolean;
  /** Null when accepted. */
  readonly refusal: Refusal | null;
  readonly from: StateOf<K>;
  /** Equal to `from` when refused, and for accepted self-transitions (re-submission). */
  readonly to: StateOf<K>;
  /** The snapshot to store: the new one if accepted, the unchanged one if not. */
  readonly snapshot: PersistedSnapshot<K>;
  /** What the resulting state accepts (see `allowedEvents`). */
  readonly allowedEvents: EventTypeOf<K>[];
}

/**
 * One pure lifecycle step: restore the persisted snapshot, offer it the event, return what to store.
 * Nothing is executed and nothing is read; the caller stores `snapshot` and a transition row in one
 * transaction and rejects the request when `accepted` is false. A malformed snapshot or event, or a
 * snapshot of another machine version, throws a `WorkflowError` instead: that is a caller's bug, not a
 * refusal.
 */
export function step<K extends WorkflowKind>(
  kind: K,
  persisted: PersistedSnapshot<K>,
  event: EventOf<K>,
): StepResult<K> {
  const definition = definitions[kind];
  const current = parsePersistedSnapshot(kind, persisted);
  const parsedEvent = definition.event.safeParse(event);
  if (!parsedEvent.success) {
    throw new WorkflowError(
      'WORKFLOW_EVENT_INVALID',
      `not a ${kind} event: ${z.prettifyError(parsedEvent.error)}`,
      { cause: parsedEvent.error },
    );
  }
  const checkedEvent = parsedEvent.data;
  const snapshot = restoreSnapshot(kind, current);

  // can() evaluates the guards against this very event, so a refused event never reaches transition()
  // and the stored snapshot is returned as it came.
  if (!snapshot.can(checkedEvent)) {
    const handled = getNextTransitions(snapshot).some((t) => t.eventType === checkedEvent.type);
    return {
      accepted: false,
      refusal: handled ? 'guard' : 'state',
      from: current.value,
      to: current.value,
      snapshot: current,
      allowedEvents: allowedEventsOf(kind, snapshot),
    };
  }

  const [next] = transition(definition.machine, snapshot, checkedEvent);
  const stored = persistSnapshot(kind, next);
  return {
    accepted: true,
    refusal: null,
    from: current.value,
    to: stored.value,
    snapshot: stored,
    allowedEvents: allowedEventsOf(kind, next),
  };
}
