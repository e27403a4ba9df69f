import { describe, expect, it } from 'vitest';
import { callStates, finalCallStates } from './call-states.ts';
import { machines } from './machines.ts';
import { finalProposalStates, proposalStates } from './proposal-states.ts';
import {
  callReference,
  proposalReference,
  referenceFinalProposalStates,
} from './test-support/reference-model.ts';
import { transitionTable } from './transition-table.ts';

const key = (r: { from: string; event: string; to: string; guard: string | null }) =>
  `${r.from} --${r.event}[${r.guard ?? ''}]--> ${r.to}`;

describe('transitionTable', () => {
  it('reads back exactly the intended call lifecycle', () => {
    expect(transitionTable('call').map(key).sort()).toEqual(callReference.map(key).sort());
  });

  it('reads back exactly the intended proposal lifecycle', () => {
    expect(transitionTable('proposal').map(key).sort()).toEqual(proposalReference.map(key).sort());
  });

  it('has exactly the listed states, each once', () => {
    expect(Object.keys(machines.call.states).sort()).toEqual([...callStates].sort());
    expect(Object.keys(machines.proposal.states).sort()).toEqual([...proposalStates].sort());
    expect(new Set(proposalStates).size).toBe(proposalStates.length);
    expect(new Set(callStates).size).toBe(callStates.length);
  });

  it('marks as final exactly the final states, and they have no way out', () => {
    const finals = (kind: 'call' | 'proposal') =>
      Object.entries(machines[kind].states)
        .filter(([, node]) => node.type === 'final')
        .map(([name]) => name)
        .sort();
    expect(finals('call')).toEqual([...finalCallStates].sort());
    expect(finals('proposal')).toEqual([...finalProposalStates].sort());
    expect([...finalProposalStates].sort()).toEqual([...referenceFinalProposalStates].sort());
    const leaving = new Set(transitionTable('proposal').map((r) => r.from));
    for (const state of finalProposalStates) expect(leaving.has(state)).toBe(false);
    expect(transitionTable('call').some((r) => r.from === 'closed')).toBe(false);
  });
});
