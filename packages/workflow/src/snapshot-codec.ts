import { z } from 'zod';
import type { AnyMachineSnapshot } from 'xstate';
import type { PersistedSnapshot } from './persisted-snapshot.ts';
import { definitions } from './workflow-definitions.ts';
import { WorkflowError } from './workflow-error.ts';
import type { WorkflowKind } from './workflow-kind.ts';

/**
 * Reads a stored snapshot (e.g. a jsonb column) and checks that the current machine can step it: the
 * shape, the state name, the context, and the machine version. A snapshot written by another machine
 * version is refused rather than guessed at; migrating it is an explicit, separate job.
 */
export function parsePersistedSnapshot<K extends WorkflowKind>(kind: K, json: unknown): PersistedSnapshot<K> {
  const definition = definitions[kind];
  const parsed = definition.snapshot.safeParse(json);
  if (!parsed.success) {
    throw new WorkflowError(
      'WORKFLOW_SNAPSHOT_INVALID',
      `not a persisted ${kind} snapshot: ${z.prettifyError(parsed.error)}`,
      { cause: parsed.error },
    );
  }
  if (parsed.data.machineVersion !== definition.version) {
    throw new WorkflowError(
      'WORKFLOW_VERSION_MISMATCH',
      `${kind} snapshot was made by machine version ${parsed.data.machineVersion}, current is ${definition.version}`,
    );
  }
  return parsed.data;
}

/** The live xstate snapshot for a checked persisted one (same state, same context, nothing else). */
export function restoreSnapshot<K extends WorkflowKind>(
  kind: K,
  persisted: PersistedSnapshot<K>,
): AnyMachineSnapshot {
  return definitions[kind].machine.resolveState({ value: persisted.value, context: persisted.context });
}

/**
 * The persisted form of a live snapshot. It goes through the schema so that whatever the machine
 * produced is checked before anyone stores it, and so that the result shares nothing with the live one.
 */
export function persistSnapshot<K extends WorkflowKind>(
  kind: K,
  snapshot: AnyMachineSnapshot,
): PersistedSnapshot<K> {
  const definition = definitions[kind];
  const candidate: unknown = {
    kind,
    machineVersion: definition.version,
    status: snapshot.status,
    value: snapshot.value as unknown,
    context: snapshot.context as unknown,
    children: {},
    historyValue: {},
  };
  return definition.snapshot.parse(candidate);
}
