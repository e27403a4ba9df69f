import type { AnyStateMachine } from 'xstate';
import { definitions } from './workflow-definitions.ts';
import type { EventTypeOf, StateOf, WorkflowKind } from './workflow-kind.ts';

export interface TransitionRow<K extends WorkflowKind> {
  readonly from: StateOf<K>;
  readonly event: EventTypeOf<K>;
  readonly to: StateOf<K>;
  /** The named guard, or null when the transition is unconditional. */
  readonly guard: string | null;
}

/**
 * Every transition of the machine, read back from its definition (not written a second time), in
 * state order then definition order. For documentation, admin screens, and tests that compare the
 * machine against the intended lifecycle.
 */
export function transitionTable<K extends WorkflowKind>(kind: K): TransitionRow<K>[] {
  const { machine, states } = definitions[kind];
  const known = new Set<string>(states);
  const rows: TransitionRow<K>[] = [];
  for (const from of states) {
    for (const [event, transitions] of stateNode(machine, from).transitions) {
      for (const t of transitions) {
        const target = t.target?.[0]?.key;
        if (t.target?.length !== 1 || target === undefined || !known.has(target)) {
          // These machines are flat and every transition has exactly one target state.
          throw new TypeError(`${kind}: transition ${from} --${event}--> has no single known target`);
        }
        rows.push({
          from,
          event: event as EventTypeOf<K>,
          to: target as StateOf<K>,
          guard: guardName(t.guard),
        });
      }
    }
  }
  return rows;
}

function stateNode(machine: AnyStateMachine, key: string) {
  const node = machine.states[key];
  if (node === undefined) throw new TypeError(`${String(machine.id)} has no state ${key}`);
  return node;
}

function guardName(guard: unknown): string | null {
  if (guard === undefined) return null;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'object' && guard !== null && 'type' in guard && typeof guard.type === 'string') {
    return guard.type;
  }
  // Inline or combined guards have no stable name; the machines only use named ones.
  throw new TypeError('only named guards can be listed');
}
