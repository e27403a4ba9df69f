import { describe, expect, it } from 'vitest';
import { consortiumWhatIf } from './consortium-what-if.ts';
import { buildProposal, demoContext, type PartnerSpec } from './testing/factories.ts';

const fr: PartnerSpec = { id: 'fr', funderId: 'anr' };
const lu: PartnerSpec = { id: 'lu', funderId: 'fnr' };
const fi: PartnerSpec = { id: 'fi', funderId: 'aka' };
const de: PartnerSpec = { id: 'de', funderId: 'bmbf', requestMinor: 350_000_00 };

describe('consortiumWhatIf', () => {
  it('a 4-partner consortium survives losing or self-funding one partner', () => {
    const w = consortiumWhatIf(demoContext(), buildProposal({ partners: [fr, lu, fi, de] }), 'de');
    expect(w.removed.eligible).toBe(true);
    expect(w.ownFunded.eligible).toBe(true);
    expect(w.removed.findings).toEqual([]);
  });

  it('a 3-partner consortium does not, and the findings say why', () => {
    const w = consortiumWhatIf(
      demoContext(),
      buildProposal({ partners: [fr, lu, { ...de, requestMinor: 1 }] }),
      'de',
    );
    expect(w.removed.eligible).toBe(false);
    expect(w.removed.findings.map((f) => f.ruleId)).toContain('jtc2020-min-eligible-partners');
    expect(w.ownFunded.findings.map((f) => f.ruleId)).toEqual(
      expect.arrayContaining(['jtc2020-min-eligible-partners', 'jtc2020-own-funded-partners']),
    );
  });

  it('reports only call rules, while national rules still decide who is eligible', () => {
    // fi is nationally ineligible (SMWK funds academia only): it reaches the verdict only through counts.
    const sn: PartnerSpec = { id: 'sn', funderId: 'smwk', type: 'company-sme' };
    const w = consortiumWhatIf(demoContext(), buildProposal({ partners: [fr, lu, fi, sn] }), 'fi');
    expect(w.removed.findings.every((f) => f.ruleId.startsWith('jtc2020-'))).toBe(true);
    expect(
      w.removed.findings.find((f) => f.ruleId === 'jtc2020-min-eligible-partners')?.facts['eligibleCount'],
    ).toBe(2);
  });

  it('ignores the partner’s own official verdict but keeps the others', () => {
    const ctx = demoContext('pre-proposal', {
      officialVerdicts: [
        { partnerId: 'de', funderId: 'bmbf', verdict: 'ineligible' },
        { partnerId: 'lu', funderId: 'fnr', verdict: 'ineligible' },
      ],
    });
    const w = consortiumWhatIf(
      ctx,
      buildProposal({ partners: [fr, lu, fi, { ...de, requestMinor: 1 }] }),
      'de',
    );
    expect(
      w.removed.findings.find((f) => f.ruleId === 'jtc2020-min-eligible-partners')?.facts[
        'eligiblePartnerIds'
      ],
    ).toEqual(['fi', 'fr']);
    expect(w.removed.findings.some((f) => f.officialVerdict)).toBe(false);
  });

  it('refuses an unknown partner id', () => {
    expect(() => consortiumWhatIf(demoContext(), buildProposal({ partners: [fr, lu, fi] }), 'zz')).toThrow(
      RangeError,
    );
  });
});
