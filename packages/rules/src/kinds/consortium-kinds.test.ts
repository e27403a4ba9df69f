import { describe, expect, it } from 'vitest';
import { type Finding, type Verdict } from '../context.ts';
import { evaluateProposal } from '../evaluate-proposal.ts';
import { buildProposal, contextWithRules, demoContext, type PartnerSpec } from '../testing/factories.ts';

function run(
  partners: PartnerSpec[],
  opts: {
    stage?: 'pre-proposal' | 'full-proposal';
    modules?: ('1A' | '1B' | '2A' | '2B' | '3A' | '3B' | '3C' | '3D')[];
  } = {},
): Verdict {
  return evaluateProposal(
    demoContext(opts.stage ?? 'pre-proposal'),
    buildProposal({ partners, ...(opts.modules ? { modules: opts.modules } : {}) }),
  );
}

function ids(v: Verdict): string[] {
  return v.findings.filter((f) => f.level === 'error').map((f) => f.ruleId);
}

function of(v: Verdict, ruleId: string): Finding[] {
  return v.findings.filter((f) => f.ruleId === ruleId);
}

const fr: PartnerSpec = { id: 'fr', funderId: 'anr' };
const lu: PartnerSpec = { id: 'lu', funderId: 'fnr' };
const fi: PartnerSpec = { id: 'fi', funderId: 'aka' };
const at: PartnerSpec = { id: 'at', funderId: 'fwf' };
const qc: PartnerSpec = { id: 'qc', funderId: 'frqs' };
const eg: PartnerSpec = { id: 'eg', funderId: 'asrt' };
const pa: PartnerSpec = { id: 'pa', funderId: 'senacyt' };
const own = (id: string, country = 'CH'): PartnerSpec => ({ id, funderId: null, country, currency: 'CHF' });

describe('min-eligible-partners (3)', () => {
  it('passes with 3 eligible partners', () => {
    expect(run([fr, lu, fi]).eligible).toBe(true);
  });
  it('fails with 2 and names the partners that do not count', () => {
    const v = run([fr, lu, own('ch')]);
    const [f] = of(v, 'jtc2020-min-eligible-partners');
    expect(f).toMatchObject({
      partnerIds: ['ch'],
      facts: { min: 3, eligibleCount: 2, eligiblePartnerIds: ['fr', 'lu'] },
    });
    expect(f?.facts['notEligible']).toEqual([{ partnerId: 'ch', reasons: [{ type: 'own-funded' }] }]);
    expect(f?.message).toContain('only 2 are');
  });
  it('does not count a partner that fails a national error rule', () => {
    const v = run([fr, lu, { id: 'de', funderId: 'bmbf', requestMinor: 300_000_01 }]);
    const [f] = of(v, 'jtc2020-min-eligible-partners');
    expect(f?.facts['notEligible']).toEqual([
      { partnerId: 'de', reasons: [{ type: 'rule', ruleId: 'bmbf-max-request-per-partner' }] },
    ]);
    expect(f?.message).toContain('fails rule bmbf-max-request-per-partner');
  });
  it('still counts a partner that has only national warnings', () => {
    expect(run([fr, lu, { id: 'se', funderId: 'vr' }]).eligible).toBe(true);
  });
});

describe('min-eligible-countries (3)', () => {
  it('fails with 3 eligible partners from 2 countries', () => {
    const v = run([fr, { id: 'de', funderId: 'bmbf' }, { id: 'sn', funderId: 'smwk' }]);
    expect(of(v, 'jtc2020-min-eligible-countries')[0]?.facts).toMatchObject({
      countryCount: 2,
      countries: ['DE', 'FR'],
    });
    expect(of(v, 'jtc2020-min-eligible-partners')).toEqual([]);
  });
});

describe('min-eu-ac-partners (2 from 2 EU/AC countries)', () => {
  it('fails with one EU partner among non-EU ones', () => {
    const v = run([fr, qc, eg]);
    expect(of(v, 'jtc2020-eu-ac-partners')[0]?.facts).toMatchObject({
      euAcPartnerIds: ['fr'],
      euAcCountries: ['FR'],
    });
  });
  it('passes with two EU countries, and counts associated countries (NO, IL, TR)', () => {
    expect(of(run([fr, lu, qc]), 'jtc2020-eu-ac-partners')).toEqual([]);
    expect(
      of(
        run([{ id: 'no', funderId: 'rcn', currency: 'NOK' }, { id: 'tr', funderId: 'tubitak' }, eg]),
        'jtc2020-eu-ac-partners',
      ),
    ).toEqual([]);
  });
  it('fails with two EU partners from one country', () => {
    const v = run([{ id: 'de', funderId: 'bmbf' }, { id: 'sn', funderId: 'smwk' }, qc]);
    expect(of(v, 'jtc2020-eu-ac-partners')).toHaveLength(1);
  });
});

describe('max-partners (6 at the pre-proposal stage)', () => {
  const six: PartnerSpec[] = [fr, lu, fi, at, qc, eg];
  it('takes 6 partners and refuses 7 at the pre-proposal stage', () => {
    expect(of(run(six), 'jtc2020-max-partners-pre')).toEqual([]);
    const [f] = of(run([...six, pa]), 'jtc2020-max-partners-pre');
    expect(f?.facts).toEqual({ max: 6, partnerCount: 7 });
  });
  it('does not apply at the full-proposal stage', () => {
    expect(run([...six, pa], { stage: 'full-proposal' }).eligible).toBe(true);
  });
});

describe('max-partners-per-country (2, own-funded included)', () => {
  it('takes 2 partners of a country and refuses a third, even own-funded', () => {
    const de = (id: string): PartnerSpec => ({
      id,
      funderId: 'bmbf',
      name: `German ${id}`,
      requestMinor: 100_000_00,
    });
    expect(of(run([fr, lu, de('de1'), de('de2')]), 'jtc2020-max-partners-per-country')).toEqual([]);
    const [f] = of(run([fr, lu, de('de1'), de('de2'), own('de3', 'DE')]), 'jtc2020-max-partners-per-country');
    expect(f).toMatchObject({
      partnerIds: ['de1', 'de2', 'de3'],
      facts: { country: 'DE', partnerCount: 3, max: 2 },
    });
  });
});

describe('own-funded-partners (at most 1, only with 3 eligible)', () => {
  it('takes one own-funded partner next to 3 eligible ones', () => {
    expect(run([fr, lu, fi, own('ch')]).eligible).toBe(true);
  });
  it('refuses a second own-funded partner', () => {
    const f = of(run([fr, lu, fi, own('ch'), own('us', 'US')]), 'jtc2020-own-funded-partners');
    expect(f).toHaveLength(1);
    expect(f[0]?.facts).toMatchObject({ ownFundedCount: 2, max: 1 });
  });
  it('refuses an own-funded partner next to only 2 eligible ones', () => {
    const f = of(run([fr, lu, own('ch')]), 'jtc2020-own-funded-partners');
    expect(f[0]).toMatchObject({ partnerIds: ['ch'], facts: { eligibleCount: 2, onlyWithMinEligible: 3 } });
  });
});

describe('coordinator-eligible', () => {
  it('refuses an own-funded coordinator', () => {
    const v = run([{ ...own('ch'), coordinator: true }, fr, lu, fi]);
    expect(of(v, 'jtc2020-coordinator-eligible')[0]).toMatchObject({
      partnerIds: ['ch'],
      facts: { coordinatorId: 'ch' },
    });
  });
  it('refuses a coordinator found ineligible by its funder', () => {
    const v = run([{ id: 'sn', funderId: 'smwk', type: 'company-large', coordinator: true }, fr, lu, fi]);
    expect(ids(v)).toEqual(['jtc2020-coordinator-eligible', 'smwk-organisation-types']);
  });
  it('reports a proposal without a coordinator (e.g. after removing it)', () => {
    const doc = buildProposal({ partners: [fr, lu, fi] });
    const noCoordinator = { ...doc, partners: doc.partners.map((p) => ({ ...p, coordinator: false })) };
    expect(
      of(evaluateProposal(demoContext(), noCoordinator), 'jtc2020-coordinator-eligible')[0]?.facts,
    ).toEqual({ coordinatorId: null });
  });
});

describe('module-coverage (RA3, and RA1 or RA2)', () => {
  it('passes with 1B and 3B', () => {
    expect(of(run([fr, lu, fi], { modules: ['1B', '3B'] }), 'jtc2020-module-coverage')).toEqual([]);
  });
  it('fails without an area 3 module, and without an area 1/2 module', () => {
    const no3 = of(run([fr, lu, fi], { modules: ['1A', '2B'] }), 'jtc2020-module-coverage');
    expect(no3.map((f) => f.facts['groupIndex'])).toEqual([0]);
    expect(no3[0]?.message).toContain('research area 3 (3A, 3B, 3C or 3D)');
    const only3 = of(run([fr, lu, fi], { modules: ['3A', '3D'] }), 'jtc2020-module-coverage');
    expect(only3.map((f) => f.facts['groupIndex'])).toEqual([1]);
  });
});

describe('distinct-legal-entities', () => {
  const same = (id: string, funderId: string, extra: Partial<PartnerSpec> = {}): PartnerSpec => ({
    id,
    funderId,
    name: 'Charité – Universitätsmedizin Berlin',
    ...extra,
  });
  it('counts two partners with one name in one country as one entity (min 3 distinct eligible)', () => {
    const v = run([
      same('de1', 'bmbf'),
      same('de2', 'bmbf', { name: 'CHARITÉ Universitätsmedizin, Berlin' }),
      fr,
    ]);
    const [f] = of(v, 'jtc2020-distinct-legal-entities');
    expect(f?.facts).toMatchObject({ distinctEligibleEntities: 2, sameEntityGroups: [['de1', 'de2']] });
  });
  it('links partners through a shared legal entity id or ROR id', () => {
    const rules = [
      {
        id: 'distinct',
        kind: 'distinct-legal-entities',
        scope: 'call',
        level: 'error',
        stage: 'both',
        params: {},
        assumption: true,
        note: 'test',
      },
    ] as const;
    const doc = buildProposal({
      partners: [
        { id: 'a', funderId: 'anr', name: 'Alpha', legalEntityId: 'PIC-1' },
        {
          id: 'b',
          funderId: 'anr',
          name: 'Beta',
          legalEntityId: 'pic-1 ',
          rorId: 'https://ror.org/013meh722',
        },
        { id: 'c', funderId: 'fnr', name: 'Gamma', rorId: '013meh722' },
        { id: 'd', funderId: 'aka', name: 'Delta' },
      ],
    });
    const v = evaluateProposal(contextWithRules([...rules]), doc);
    expect(v.findings.map((f) => f.partnerIds)).toEqual([['a', 'b', 'c']]);
  });
  it('passes with distinct entities', () => {
    expect(of(run([fr, lu, fi]), 'jtc2020-distinct-legal-entities')).toEqual([]);
  });
});

describe('distinct-legal-entities without duplicates', () => {
  it('leaves a plain shortage of eligible partners to min-eligible-partners', () => {
    const v = run([
      { id: 'fr', funderId: 'anr' },
      { id: 'lu', funderId: 'fnr' },
    ]);
    expect(v.findings.map((f) => f.ruleId)).toContain('jtc2020-min-eligible-partners');
    expect(v.findings.map((f) => f.ruleId)).not.toContain('jtc2020-distinct-legal-entities');
  });
});
