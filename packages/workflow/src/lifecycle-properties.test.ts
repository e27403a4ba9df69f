import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { callEventTypes } from './call-events.ts';
import { callStates } from './call-states.ts';
import { initialSnapshot } from './initial-snapshot.ts';
import { machineVersion } from './machines.ts';
import type { PersistedSnapshot } from './persisted-snapshot.ts';
import { proposalEventTypes } from './proposal-events.ts';
import { isOpenProposalState, proposalStates } from './proposal-states.ts';
import { allowedEvents } from './allowed-events.ts';
import { step } from './step.ts';
import { referenceMatches, referenceRows, stepWithActor } from './test-support/drive.ts';
import { throughJson } from './test-support/json.ts';
import {
  layouts,
  referenceFinalProposalStates,
  referenceOpenProposalStates,
} from './test-support/reference-model.ts';
import { transitionTable } from './transition-table.ts';
import type { EventOf, WorkflowKind } from './workflow-kind.ts';

// Random event sequences are checked against the reference model, step by step. Each move either picks
// an event the current state advertises (so runs get deep into the lifecycle) or any event type at all
// (so most moves are illegal); payload facts are random too, so guards pass and fail.

// Weighted so that guards pass more often than not: otherwise runs rarely get past the first states.
const text = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('funder unreachable', ' padded reason ') },
  { weight: 2, arbitrary: fc.constantFrom(undefined, '', '   ') },
  { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
);
const fact = fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat({ max: 3 }) });
const move = fc.record({
  // advance: an advertised event other than WITHDRAW; advertised: any advertised event; any: any type.
  mode: fc.oneof(
    { weight: 6, arbitrary: fc.constant('advance' as const) },
    { weight: 1, arbitrary: fc.constant('advertised' as const) },
    { weight: 3, arbitrary: fc.constant('any' as const) },
  ),
  pick: fc.nat(),
  n: fact,
  m: fact,
  flag: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  text,
});
type Move = typeof move extends fc.Arbitrary<infer T> ? T : never;

function eventFor(type: string, mv: Move): { type: string; [fact: string]: unknown } {
  const said = mv.text ?? '';
  switch (type) {
    case 'PUBLISH':
      return { type, funderCount: mv.n, stagesValid: mv.flag };
    case 'CLOSE_ELIGIBILITY_CHECK':
      return mv.text === undefined
        ? { type, pendingFunders: mv.n }
        : { type, pendingFunders: mv.n, overrideReason: said };
    case 'CLOSE':
      return mv.text === undefined
        ? { type, pendingDecisions: mv.n }
        : { type, pendingDecisions: mv.n, overrideReason: said };
    case 'FREEZE_RANKING':
      return { type, rankingHash: said };
    case 'SUBMIT':
    case 'SUBMIT_FULL':
      return { type, blockingErrors: mv.n };
    case 'DECLARE_INELIGIBLE':
      return { type, reason: said };
    case 'DECLARE_ELIGIBLE':
      return { type, pendingVerdicts: mv.n, ineligibleVerdicts: mv.m };
    default:
      return { type };
  }
}

const allTypes: Record<WorkflowKind, readonly string[]> = {
  call: callEventTypes,
  proposal: proposalEventTypes,
};

function checkOneStep(kind: WorkflowKind, before: PersistedSnapshot, event: { type: string }) {
  const typed = event as EventOf<typeof kind>;
  const result = step(kind, before, typed);
  const expected = referenceMatches(kind, before, event);
  expect(expected.length).toBeLessThanOrEqual(1);
  const row = expected[0];
  expect(result.from).toBe(before.value);
  expect(result.accepted).toBe(row !== undefined);

  if (row === undefined) {
    // An illegal event changes nothing: not the state, not the context, not anything stored.
    expect(result.to).toBe(before.value);
    expect(result.snapshot).toEqual(before);
    const handles = referenceRows(kind).some((r) => r.from === before.value && r.event === event.type);
    expect(result.refusal).toBe(handles ? 'guard' : 'state');
  } else {
    expect(result.refusal).toBeNull();
    expect(result.to).toBe(row.to);
    expect(result.snapshot.context).toEqual(row.effect(before.context, event));
    // …and the machine's own table allows the move it just made.
    expect(
      transitionTable(kind).some(
        (t) => t.from === result.from && t.event === event.type && t.to === result.to,
      ),
    ).toBe(true);
  }
  // The actor restored from the same JSON agrees, accepted or not.
  expect(stepWithActor(kind, before, typed)).toEqual({
    value: result.snapshot.value,
    context: result.snapshot.context,
  });

  const expectedAllowed = [
    ...new Set(
      referenceRows(kind)
        .filter((r) => r.from === result.to && r.context(before.context))
        .map((r) => r.event),
    ),
  ].sort();
  expect(result.allowedEvents).toEqual(expectedAllowed);
  expect(result.snapshot.machineVersion).toBe(machineVersion(kind));

  const stored = throughJson(result.snapshot);
  expect(stored).toEqual(result.snapshot);
  return stored;
}

function pickType(kind: WorkflowKind, current: PersistedSnapshot, mv: Move): string {
  const advertised: readonly string[] = allowedEvents(kind, current);
  const forward = advertised.filter((type) => type !== 'WITHDRAW');
  const from =
    mv.mode === 'advance' && forward.length > 0
      ? forward
      : mv.mode !== 'any' && advertised.length > 0
        ? advertised
        : allTypes[kind];
  return from[mv.pick % from.length]!;
}

function runMoves(
  kind: WorkflowKind,
  layout: (typeof layouts)[number],
  moves: readonly Move[],
  visited: Set<string>,
): void {
  let current: PersistedSnapshot = throughJson(initialSnapshot(kind, layout));
  for (const mv of moves) {
    visited.add(current.value);
    if (kind === 'proposal') {
      // Withdrawal is always possible from an open state and never from a final one.
      const withdrawal = step('proposal', current as PersistedSnapshot<'proposal'>, { type: 'WITHDRAW' });
      expect(withdrawal.accepted).toBe(referenceOpenProposalStates.includes(current.value as never));
    }
    const before = throughJson(current);
    const stored = checkOneStep(kind, current, eventFor(pickType(kind, current, mv), mv));
    expect(current).toEqual(before); // stepping never mutates its input
    current = stored;
  }
  visited.add(current.value);
}

describe.each(['call', 'proposal'] as const)('random event sequences on the %s machine', (kind) => {
  it('follow the reference model exactly and survive JSON at every step', () => {
    const visited = new Set<string>();
    fc.assert(
      fc.property(
        fc.constantFrom(...layouts),
        fc.array(move, { maxLength: 40, size: 'max' }),
        (layout, moves) => {
          runMoves(kind, layout, moves, visited);
        },
      ),
      { numRuns: 300 },
    );
    // Guard against a generator that stalls in the first states: most of the lifecycle must be visited
    // (observed: 10–12 of 12 call states, 14–17 of 17 proposal states per run).
    const states = kind === 'call' ? callStates : proposalStates;
    expect(visited.size).toBeGreaterThanOrEqual(Math.ceil((states.length * 2) / 3));
  });
});

describe('withdrawal, state by state', () => {
  const context = {
    twoStage: true,
    rebuttal: true,
    submittedVersion: 1,
    fullSubmittedVersion: 1,
    declineReason: null,
  };
  it.each(proposalStates.map((s) => [s] as const))('from %s', (state) => {
    const final = referenceFinalProposalStates.includes(state);
    const at: PersistedSnapshot<'proposal'> = {
      kind: 'proposal',
      machineVersion: machineVersion('proposal'),
      status: final ? 'done' : 'active',
      value: state,
      context,
      children: {},
      historyValue: {},
    };
    const result = step('proposal', at, { type: 'WITHDRAW' });
    expect(result.accepted).toBe(!final);
    expect(isOpenProposalState(state)).toBe(!final);
    expect(result.to).toBe(final ? state : 'withdrawn');
    expect(result.snapshot.context).toEqual(context);
  });
});
