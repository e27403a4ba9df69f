import { createActor, type AnyStateMachine, type Snapshot } from 'xstate';
import { describe, expect, it } from 'vitest';
import { allowedEvents } from './allowed-events.ts';
import { initialSnapshot } from './initial-snapshot.ts';
import { machineVersion, machines } from './machines.ts';
import type { PersistedSnapshot } from './persisted-snapshot.ts';
import { parsePersistedSnapshot } from './snapshot-codec.ts';
import { step } from './step.ts';
import { throughJson } from './test-support/json.ts';
import type { EventOf, WorkflowKind } from './workflow-kind.ts';
import { WorkflowError } from './workflow-error.ts';

const twoStage = { twoStage: true, rebuttal: true };
const singleStage = { twoStage: false, rebuttal: false };

/** Steps through events that must all be accepted; returns the last snapshot. */
function walk<K extends WorkflowKind>(kind: K, start: PersistedSnapshot<K>, events: EventOf<K>[]) {
  let current = start;
  for (const event of events) {
    const result = step(kind, current, event);
    expect(result.accepted, `${current.value} should accept ${event.type}`).toBe(true);
    current = throughJson(result.snapshot);
  }
  return current;
}

function callAt(layout: typeof twoStage, events: EventOf<'call'>[]) {
  return walk('call', initialSnapshot('call', layout), events);
}

const publish: EventOf<'call'> = { type: 'PUBLISH', funderCount: 3, stagesValid: true };
const toEligibilityCheck: EventOf<'call'>[] = [
  publish,
  { type: 'OPEN_PRE_PROPOSALS' },
  { type: 'CLOSE_PRE_PROPOSALS' },
];
const toPanel: EventOf<'call'>[] = [
  ...toEligibilityCheck,
  { type: 'CLOSE_ELIGIBILITY_CHECK', pendingFunders: 0 },
  { type: 'OPEN_FULL_PROPOSALS' },
  { type: 'CLOSE_FULL_PROPOSALS' },
  { type: 'OPEN_REBUTTAL' },
  { type: 'CLOSE_REBUTTAL' },
];

describe('initialSnapshot', () => {
  it('starts both lifecycles in draft with the chosen stage layout and nothing recorded', () => {
    const call = initialSnapshot('call', twoStage);
    expect(call).toEqual({
      kind: 'call',
      machineVersion: machineVersion('call'),
      status: 'active',
      value: 'draft',
      context: {
        twoStage: true,
        rebuttal: true,
        eligibilityOverrideReason: null,
        rankingHash: null,
        closeOverrideReason: null,
      },
      children: {},
      historyValue: {},
    });
    const proposal = initialSnapshot('proposal', singleStage);
    expect(proposal.value).toBe('draft');
    expect(proposal.context).toEqual({
      twoStage: false,
      rebuttal: false,
      submittedVersion: 0,
      fullSubmittedVersion: 0,
      declineReason: null,
    });
  });

  it('refuses an input without the stage layout', () => {
    expect(() => initialSnapshot('call', { twoStage: true } as never)).toThrow(WorkflowError);
  });
});

describe('call guards', () => {
  it('publishes only with at least one funder and valid stages', () => {
    const draft = initialSnapshot('call', twoStage);
    for (const facts of [
      { funderCount: 0, stagesValid: true },
      { funderCount: 2, stagesValid: false },
    ]) {
      const result = step('call', draft, { type: 'PUBLISH', ...facts });
      expect(result).toMatchObject({ accepted: false, refusal: 'guard', from: 'draft', to: 'draft' });
      expect(result.snapshot).toEqual(draft);
    }
    expect(step('call', draft, { type: 'PUBLISH', funderCount: 1, stagesValid: true }).to).toBe(
      'pre-announced',
    );
  });

  it('opens pre-proposals only in a two-stage call, full proposals directly only in a single-stage one', () => {
    const two = callAt(twoStage, [publish]);
    const one = callAt(singleStage, [publish]);
    expect(allowedEvents('call', two)).toEqual(['OPEN_PRE_PROPOSALS']);
    expect(allowedEvents('call', one)).toEqual(['OPEN_FULL_PROPOSALS']);
    expect(step('call', one, { type: 'OPEN_PRE_PROPOSALS' })).toMatchObject({
      accepted: false,
      refusal: 'guard',
    });
    expect(step('call', two, { type: 'OPEN_FULL_PROPOSALS' })).toMatchObject({
      accepted: false,
      refusal: 'guard',
    });
  });

  it('closes the eligibility check when all funders are done, or with a reasoned override that it records', () => {
    const checking = callAt(twoStage, toEligibilityCheck);
    const refused = [
      { pendingFunders: 2 },
      { pendingFunders: 2, overrideReason: '' },
      { pendingFunders: 2, overrideReason: ' \t ' },
    ];
    for (const facts of refused) {
      const result = step('call', checking, { type: 'CLOSE_ELIGIBILITY_CHECK', ...facts });
      expect(result).toMatchObject({ accepted: false, refusal: 'guard', to: 'eligibility-check' });
    }
    const done = step('call', checking, { type: 'CLOSE_ELIGIBILITY_CHECK', pendingFunders: 0 });
    expect(done.to).toBe('pre-proposal-evaluation');
    expect(done.snapshot.context.eligibilityOverrideReason).toBeNull();
    const overridden = step('call', checking, {
      type: 'CLOSE_ELIGIBILITY_CHECK',
      pendingFunders: 1,
      overrideReason: '  FNRS unreachable after three reminders ',
    });
    expect(overridden.to).toBe('pre-proposal-evaluation');
    expect(overridden.snapshot.context.eligibilityOverrideReason).toBe(
      'FNRS unreachable after three reminders',
    );
  });

  it('in a single-stage call checks eligibility after the full deadline, then goes to review', () => {
    const checking = callAt(singleStage, [
      publish,
      { type: 'OPEN_FULL_PROPOSALS' },
      { type: 'CLOSE_FULL_PROPOSALS' },
    ]);
    expect(checking.value).toBe('eligibility-check');
    const result = step('call', checking, { type: 'CLOSE_ELIGIBILITY_CHECK', pendingFunders: 0 });
    expect(result.to).toBe('full-proposal-review');
    expect(result.allowedEvents).toEqual(['OPEN_PANEL']);
  });

  it('freezes the ranking only with its hash, and keeps the hash', () => {
    const panel = callAt(twoStage, toPanel);
    expect(step('call', panel, { type: 'FREEZE_RANKING', rankingHash: '' })).toMatchObject({
      accepted: false,
    });
    const frozen = step('call', panel, { type: 'FREEZE_RANKING', rankingHash: 'sha256:ab12' });
    expect(frozen.to).toBe('funding-recommendation');
    expect(frozen.snapshot.context.rankingHash).toBe('sha256:ab12');
  });

  it('closes with national decisions pending only with a recorded reason', () => {
    const deciding = callAt(twoStage, [
      ...toPanel,
      { type: 'FREEZE_RANKING', rankingHash: 'h' },
      { type: 'RECORD_RECOMMENDATION' },
    ]);
    expect(step('call', deciding, { type: 'CLOSE', pendingDecisions: 3 })).toMatchObject({ accepted: false });
    const closed = step('call', deciding, {
      type: 'CLOSE',
      pendingDecisions: 3,
      overrideReason: 'funder left',
    });
    expect(closed).toMatchObject({ accepted: true, to: 'closed', allowedEvents: [] });
    expect(closed.snapshot.status).toBe('done');
    expect(closed.snapshot.context.closeOverrideReason).toBe('funder left');
    expect(step('call', closed.snapshot, publish)).toMatchObject({ accepted: false, refusal: 'state' });
  });
});

describe('proposal guards', () => {
  const draft = initialSnapshot('proposal', twoStage);

  it('refuses a submission with blocking errors and counts every accepted (re-)submission as a version', () => {
    expect(step('proposal', draft, { type: 'SUBMIT', blockingErrors: 1 })).toMatchObject({
      accepted: false,
      refusal: 'guard',
      snapshot: draft,
    });
    const first = step('proposal', draft, { type: 'SUBMIT', blockingErrors: 0 });
    const second = step('proposal', first.snapshot, { type: 'SUBMIT', blockingErrors: 0 });
    expect([first.to, second.from, second.to]).toEqual(['submitted', 'submitted', 'submitted']);
    expect([first.snapshot.context.submittedVersion, second.snapshot.context.submittedVersion]).toEqual([
      1, 2,
    ]);
  });

  it('declares eligible only when no verdict is pending or negative, and declines only with a reason', () => {
    const checking = walk('proposal', draft, [
      { type: 'SUBMIT', blockingErrors: 0 },
      { type: 'START_ELIGIBILITY_CHECK' },
    ]);
    for (const facts of [
      { pendingVerdicts: 1, ineligibleVerdicts: 0 },
      { pendingVerdicts: 0, ineligibleVerdicts: 1 },
    ]) {
      expect(step('proposal', checking, { type: 'DECLARE_ELIGIBLE', ...facts }).accepted).toBe(false);
    }
    expect(step('proposal', checking, { type: 'DECLARE_INELIGIBLE', reason: '  ' }).accepted).toBe(false);
    const declined = step('proposal', checking, {
      type: 'DECLARE_INELIGIBLE',
      reason: 'ISCIII: PI not eligible',
    });
    expect(declined).toMatchObject({ accepted: true, to: 'declined', allowedEvents: [] });
    expect(declined.snapshot.context.declineReason).toBe('ISCIII: PI not eligible');
  });

  it('a single-stage proposal goes from eligible straight to review, never through invitation', () => {
    const eligible = walk('proposal', initialSnapshot('proposal', singleStage), [
      { type: 'SUBMIT', blockingErrors: 0 },
      { type: 'START_ELIGIBILITY_CHECK' },
      { type: 'DECLARE_ELIGIBLE', pendingVerdicts: 0, ineligibleVerdicts: 0 },
    ]);
    expect(allowedEvents('proposal', eligible)).toEqual(['START_REVIEW', 'WITHDRAW']);
    expect(step('proposal', eligible, { type: 'INVITE' })).toMatchObject({
      accepted: false,
      refusal: 'guard',
    });
  });

  it('names the refusal: "state" for an event the state does not handle at all', () => {
    expect(step('proposal', draft, { type: 'FUND' })).toMatchObject({ accepted: false, refusal: 'state' });
  });
});

describe('allowedEvents', () => {
  it('is sorted and assumes passing facts for payload guards', () => {
    const submitted = step('proposal', initialSnapshot('proposal', twoStage), {
      type: 'SUBMIT',
      blockingErrors: 0,
    });
    const allowed = allowedEvents('proposal', submitted.snapshot);
    expect(allowed).toEqual(['START_ELIGIBILITY_CHECK', 'SUBMIT', 'WITHDRAW']);
    expect(allowed).toEqual([...allowed].sort());
    expect(submitted.allowedEvents).toEqual(allowed);
  });
});

describe('persisted snapshots', () => {
  it('restore through resolveState and through createActor to the same state and context', () => {
    const stored = throughJson(
      walk('proposal', initialSnapshot('proposal', twoStage), [
        { type: 'SUBMIT', blockingErrors: 0 },
        { type: 'SUBMIT', blockingErrors: 0 },
      ]),
    );
    const resolved = machines.proposal.resolveState({ value: stored.value, context: stored.context });
    // Typed as any machine: the typed one demands `input`, which a restored actor does not use.
    const machine: AnyStateMachine = machines.proposal;
    const actor = createActor(machine, { snapshot: stored as unknown as Snapshot<unknown> });
    actor.start();
    for (const snapshot of [resolved, actor.getSnapshot()]) {
      expect(snapshot.value).toBe('submitted');
      expect(snapshot.context).toEqual(stored.context);
      expect(snapshot.status).toBe('active');
    }
    actor.send({ type: 'START_ELIGIBILITY_CHECK' });
    expect(actor.getSnapshot().value).toBe(step('proposal', stored, { type: 'START_ELIGIBILITY_CHECK' }).to);
    actor.stop();
  });

  it('are deterministic: the same step from the same snapshot gives the same JSON', () => {
    const draft = initialSnapshot('call', twoStage);
    const a = step('call', draft, publish);
    const b = step('call', throughJson(draft), publish);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('refuse to step a snapshot made by another machine version', () => {
    const old = { ...initialSnapshot('call', twoStage), machineVersion: '0.9.0' };
    expect(() => step('call', old, publish)).toThrow(
      expect.objectContaining({ code: 'WORKFLOW_VERSION_MISMATCH' }) as Error,
    );
  });

  it('reject unknown states, wrong kinds, a status that contradicts the state, and extra child actors', () => {
    const good = initialSnapshot('proposal', twoStage);
    const bad: unknown[] = [
      { ...good, value: 'archived' },
      { ...good, kind: 'call' },
      { ...good, status: 'done' },
      { ...good, children: { reviewer: {} } },
      { ...good, context: { ...good.context, submittedVersion: -1 } },
      null,
    ];
    for (const json of bad) {
      expect(() => parsePersistedSnapshot('proposal', json)).toThrow(
        expect.objectContaining({ code: 'WORKFLOW_SNAPSHOT_INVALID' }) as Error,
      );
    }
    expect(parsePersistedSnapshot('proposal', throughJson(good))).toEqual(good);
  });

  it('reject a malformed event instead of treating it as refused', () => {
    const draft = initialSnapshot('proposal', twoStage);
    const malformed = [{ type: 'SUBMIT' }, { type: 'SUBMIT', blockingErrors: -1 }, { type: 'ARCHIVE' }];
    for (const event of malformed) {
      expect(() => step('proposal', draft, event as never)).toThrow(
        expect.objectContaining({ code: 'WORKFLOW_EVENT_INVALID' }) as Error,
      );
    }
  });
});
