import { initialTransition } from 'xstate';
import { z } from 'zod';
import type { PersistedSnapshot } from './persisted-snapshot.ts';
import { persistSnapshot } from './snapshot-codec.ts';
import { definitions } from './workflow-definitions.ts';
import { WorkflowError } from './workflow-error.ts';
import type { InputOf, WorkflowKind } from './workflow-kind.ts';

/**
 * The first snapshot of a new call or proposal, in `draft`, ready to store. `input` is the stage
 * layout: `{ twoStage, rebuttal }` chosen for the call, and copied from the call for its proposals.
 */
export function initialSnapshot<K extends WorkflowKind>(kind: K, input: InputOf<K>): PersistedSnapshot<K> {
  const definition = definitions[kind];
  const parsed = definition.input.safeParse(input);
  if (!parsed.success) {
    throw new WorkflowError(
      'WORKFLOW_INPUT_INVALID',
      `invalid ${kind} input: ${z.prettifyError(parsed.error)}`,
      {
        cause: parsed.error,
      },
    );
  }
  // initialTransition only computes; these machines have no entry actions, so nothing is left to run.
  const [snapshot] = initialTransition(definition.machine, parsed.data);
  return persistSnapshot(kind, snapshot);
}
