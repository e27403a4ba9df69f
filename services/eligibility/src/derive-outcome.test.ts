import { describe, expect, it } from 'vitest';
import { demoCall } from '@permed/rules';
import { buildProposal } from '../../../packages/rules/src/testing/factories.ts';
import { deriveOutcome, toOfficialVerdicts, type RecordedVerdict } from './derive-outcome.ts';
import { findingsForFunder } from './funder-workspace.ts';

const doc = buildProposal({
  acronym: 'OUTCOME',
  partners: [
    { id: 'berlin', funderId: 'bmbf' },
    { id: 'paris', funderId: 'anr' },
    { id: 'helsinki', funderId: 'aka' },
    { id: 'boston', funderId: null, country: 'US', currency: 'USD' },
  ],
});
const yes = (partnerId: string, funderId: string): RecordedVerdict => ({
  partnerId,
  funderId,
  verdict: 'eligible',
  reasonCode: null,
  note: null,
});
const no = (partnerId: string, funderId: string, reasonCode = 'BUDGET_CAP'): RecordedVerdict => ({
  ...yes(partnerId, funderId),
  verdict: 'not-eligible',
  reasonCode,
});
const outcome = (verdicts: RecordedVerdict[]) =>
  deriveOutcome(demoCall, 'pre-proposal', 'p-1', doc, verdicts);

describe('deriveOutcome', () => {
  it('is pending while a partner asking for funding has no verdict; own-funded partners need none', () => {
    const r = outcome([yes('berlin', 'bmbf'), yes('paris', 'anr')]);
    expect(r.outcome).toBe('pending');
    expect(r.pendingPartners).toEqual([{ partnerId: 'helsinki', funderId: 'aka' }]);
    expect(r.declinedBy).toEqual([]);
  });

  it('is eligible once every funded partner is officially eligible', () => {
    expect(outcome([yes('berlin', 'bmbf'), yes('paris', 'anr'), yes('helsinki', 'aka')]).outcome).toBe(
      'eligible',
    );
  });

  it('is declined by one not-eligible partner, even with verdicts missing', () => {
    const r = outcome([no('paris', 'anr', 'TERRITORY')]);
    expect(r.outcome).toBe('declined');
    expect(r.declinedBy).toEqual([{ partnerId: 'paris', funderId: 'anr', reason: 'TERRITORY' }]);
  });

  it('ignores a verdict by a funder the partner does not ask (the engine decides which verdict counts)', () => {
    const r = outcome([no('berlin', 'anr'), yes('paris', 'anr'), yes('helsinki', 'aka')]);
    expect(r.outcome).toBe('pending');
    expect(r.pendingPartners).toEqual([{ partnerId: 'berlin', funderId: 'bmbf' }]);
  });

  it('does not let an automatic error decide: the funder may accept a partner the check flagged', () => {
    const overCap = buildProposal({
      partners: [
        { id: 'berlin', funderId: 'bmbf', requestMinor: 900_000_00 },
        { id: 'paris', funderId: 'anr' },
        { id: 'helsinki', funderId: 'aka' },
      ],
    });
    const r = deriveOutcome(demoCall, 'pre-proposal', 'p-2', overCap, [
      yes('berlin', 'bmbf'),
      yes('paris', 'anr'),
      yes('helsinki', 'aka'),
    ]);
    expect(r.outcome).toBe('eligible');
  });

  it('maps verdicts to the engine vocabulary with the reason code and note', () => {
    expect(toOfficialVerdicts([{ ...no('paris', 'anr', 'OTHER'), note: 'no ethics approval' }])).toEqual([
      { partnerId: 'paris', funderId: 'anr', verdict: 'ineligible', reason: 'OTHER: no ethics approval' },
    ]);
  });
});

describe('findingsForFunder', () => {
  const f = (ruleId: string, funderId: string | undefined, partnerIds: string[]) => ({
    ruleId,
    kind: 'x',
    level: 'error' as const,
    ...(funderId ? { funderId } : {}),
    partnerIds,
    facts: {},
    message: ruleId,
  });
  it("keeps the funder's own and call-wide findings about its partners, never another funder's", () => {
    const all = [
      f('own', 'bmbf', ['berlin']),
      f('other-funder', 'anr', ['paris']),
      f('other-funder-naming-ours', 'anr', ['berlin']),
      f('call-about-ours', undefined, ['berlin', 'paris']),
      f('call-about-others', undefined, ['paris']),
      f('call-wide', undefined, []),
    ];
    expect(findingsForFunder(all, 'bmbf', new Set(['berlin'])).map((x) => x.ruleId)).toEqual([
      'own',
      'call-about-ours',
      'call-wide',
    ]);
  });
});
