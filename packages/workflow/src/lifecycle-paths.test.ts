import { getSimplePaths } from 'xstate/graph';
import type { AnyStateMachine } from 'xstate';
import { describe, expect, it } from 'vitest';
import { allowedEvents } from './allowed-events.ts';
import { initialSnapshot } from './initial-snapshot.ts';
import { machines } from './machines.ts';
import type { PersistedSnapshot } from './persisted-snapshot.ts';
import { step } from './step.ts';
import { referenceMatches, referenceRows, stepWithActor } from './test-support/drive.ts';
import { throughJson } from './test-support/json.ts';
import { layouts, referencePaths } from './test-support/reference-model.ts';
import { definitions, representativeEvent } from './workflow-definitions.ts';
import { workflowKinds, type WorkflowKind } from './workflow-kind.ts';

type Layout = (typeof layouts)[number];

// Paths are enumerated from the machine definition by xstate's own graph traversal, then each one is
// driven through the pure API exactly as a service would: persisted JSON in, event, persisted JSON out.
function machinePaths(kind: WorkflowKind, layout: Layout): string[][] {
  const machine: AnyStateMachine = machines[kind];
  const events = definitions[kind].eventTypes.map((type) => representativeEvent(kind, type as never));
  return getSimplePaths(machine, {
    input: layout,
    events,
    // By state name only: re-submission changes the context but is not a new place in the lifecycle.
    serializeState: (snapshot) => JSON.stringify(snapshot.value),
    toState: (snapshot) => snapshot.status === 'done',
  }).map((path) =>
    // The traversal records the machine's own start as a first step; the lifecycle begins after it.
    path.steps.map((s): string => String(s.event.type)).filter((type) => type !== 'xstate.init'),
  );
}

const sortPaths = (paths: string[][]) => paths.map((p) => p.join(' > ')).sort();

function drive(
  kind: WorkflowKind,
  layout: Layout,
  path: readonly string[],
  resubmit: boolean,
): PersistedSnapshot {
  let persisted: PersistedSnapshot = throughJson(initialSnapshot(kind, layout));
  const take = (type: string, selfLoop: boolean) => {
    const event = representativeEvent(kind, type as never);
    const [row, ...others] = referenceMatches(kind, persisted, event);
    expect(others).toEqual([]);
    expect(row, `${persisted.value} should accept ${type}`).toBeDefined();
    const result = step(kind, persisted, event);
    expect(result.accepted).toBe(true);
    expect(result.refusal).toBeNull();
    expect(result.from).toBe(persisted.value);
    expect(result.to).toBe(row!.to);
    expect(result.to === result.from).toBe(selfLoop);
    expect(result.snapshot.context).toEqual(row!.effect(persisted.context, event));
    expect(stepWithActor(kind, persisted, event)).toEqual({
      value: result.snapshot.value,
      context: result.snapshot.context,
    });
    const stored = throughJson(result.snapshot);
    expect(stored).toEqual(result.snapshot);
    persisted = stored;
  };
  for (const type of path) {
    if (resubmit) {
      const loop = referenceRows(kind).find(
        (r) => r.from === persisted.value && r.to === r.from && r.context(persisted.context),
      );
      if (loop) take(loop.event, true);
    }
    take(type, false);
  }
  return persisted;
}

describe.each(workflowKinds)('every legal path of the %s machine', (kind) => {
  describe.each(layouts)('twoStage=$twoStage rebuttal=$rebuttal', (layout) => {
    const paths = machinePaths(kind, layout);

    it('are exactly the paths of the intended lifecycle', () => {
      const intended = referencePaths(referenceRows(kind), 'draft', layout);
      expect(paths.length).toBeGreaterThan(0);
      expect(sortPaths(paths)).toEqual(sortPaths(intended));
    });

    it.each(paths.map((p) => [p.join(' > '), p] as const))('%s', (_name, path) => {
      const end = drive(kind, layout, path, false);
      expect(end.status).toBe('done');
      expect(allowedEvents(kind, end)).toEqual([]);
    });

    it.each(paths.map((p) => [p.join(' > '), p] as const))(
      '%s, re-submitting wherever possible',
      (_name, path) => {
        const end = drive(kind, layout, path, true);
        expect(end.status).toBe('done');
      },
    );
  });

  it('together, the paths use every transition of the lifecycle', () => {
    const used = new Set<string>();
    for (const layout of layouts) {
      for (const path of machinePaths(kind, layout)) {
        let state = 'draft';
        for (const type of path) {
          const row = referenceRows(kind).find(
            (r) => r.from === state && r.event === type && r.context(layout),
          );
          expect(row).toBeDefined();
          used.add(`${row!.from} ${row!.event} ${row!.to}`);
          state = row!.to;
        }
      }
    }
    const notSelfLoops = referenceRows(kind).filter((r) => r.from !== r.to);
    expect(notSelfLoops.filter((r) => !used.has(`${r.from} ${r.event} ${r.to}`))).toEqual([]);
  });
});
