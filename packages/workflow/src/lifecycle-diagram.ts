import { definitions } from './workflow-definitions.ts';
import { transitionTable } from './transition-table.ts';
import type { WorkflowKind } from './workflow-kind.ts';

/**
 * The lifecycle as a Mermaid `stateDiagram-v2`, drawn from the machine's own transition table so that
 * documentation cannot drift from the code (the package README embeds it, and a test checks that).
 * Edges read `EVENT [guard]`.
 */
export function lifecycleDiagram(kind: WorkflowKind): string {
  const { machine, states } = definitions[kind];
  // Mermaid ids cannot contain hyphens; the real names are shown as labels.
  const id = (state: string) => state.replaceAll('-', '_');
  const lines = ['stateDiagram-v2'];
  for (const state of states) {
    if (state.includes('-')) lines.push(`  state "${state}" as ${id(state)}`);
  }
  lines.push(`  [*] --> ${id(states[0] ?? 'draft')}`);
  for (const row of transitionTable(kind)) {
    const label = row.guard === null ? row.event : `${row.event} [${row.guard}]`;
    lines.push(`  ${id(row.from)} --> ${id(row.to)}: ${label}`);
  }
  for (const state of states) {
    if (machine.states[state]?.type === 'final') lines.push(`  ${id(state)} --> [*]`);
  }
  return lines.join('\n');
}
