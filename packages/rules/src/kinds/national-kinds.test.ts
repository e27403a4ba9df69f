import { describe, expect, it } from 'vitest';
import { type Finding, type Verdict } from '../context.ts';
import { evaluateProposal } from '../evaluate-proposal.ts';
import { buildProposal, demoContext, type PartnerSpec } from '../testing/factories.ts';

// Three eligible partners from three EU countries that trigger no national rule: the background
// against which one national rule at a time is exercised.
const background: PartnerSpec[] = [
  { id: 'fr1', funderId: 'anr' },
  { id: 'dk1', funderId: 'innofond', currency: 'DKK' },
  { id: 'lu1', funderId: 'fnr' },
];

function check(
  partners: PartnerSpec[],
  opts: {
    stage?: 'pre-proposal' | 'full-proposal';
    modules?: ('1A' | '1B' | '2A' | '2B' | '3A' | '3B' | '3C' | '3D')[];
    durationMonths?: number;
  } = {},
): Verdict {
  const doc = buildProposal({
    partners: [...background, ...partners],
    ...(opts.modules ? { modules: opts.modules } : {}),
    ...(opts.durationMonths ? { durationMonths: opts.durationMonths } : {}),
  });
  return evaluateProposal(demoContext(opts.stage ?? 'full-proposal'), doc);
}

function of(v: Verdict, ruleId: string): Finding[] {
  return v.findings.filter((f) => f.ruleId === ruleId);
}

describe('background consortium', () => {
  it('is eligible without findings, so each test below sees only the rule it exercises', () => {
    const v = check([]);
    expect(v.findings).toEqual([]);
    expect(v.eligible).toBe(true);
  });
});

describe('max-request-per-partner (BMBF: 300,000 EUR)', () => {
  it('passes at exactly 300,000.00 EUR', () => {
    expect(
      of(check([{ id: 'de1', funderId: 'bmbf', requestMinor: 300_000_00 }]), 'bmbf-max-request-per-partner'),
    ).toEqual([]);
  });
  it.each([
    ['one cent more', 300_000_01],
    ['one euro more', 300_001_00],
  ])('fails at %s', (_label, requestMinor) => {
    const v = check([{ id: 'de1', funderId: 'bmbf', requestMinor }]);
    const [f] = of(v, 'bmbf-max-request-per-partner');
    expect(f).toMatchObject({ level: 'error', funderId: 'bmbf', partnerIds: ['de1'] });
    expect(f?.facts).toMatchObject({ requestedMinor: requestMinor, maxMinor: 300_000_00, currency: 'EUR' });
    expect(f?.message).toContain('€300,000.00');
    expect(f?.assumption).toBe(true);
    expect(v.eligible).toBe(false);
  });
  it('counts every cost category', () => {
    const budget = { personnel: 200_000_00, consumables: 50_000_00, overhead: 50_000_01 };
    expect(of(check([{ id: 'de1', funderId: 'bmbf', budget }]), 'bmbf-max-request-per-partner')).toHaveLength(
      1,
    );
  });
  it('reports a budget in another currency instead of comparing it', () => {
    const [f] = of(
      check([{ id: 'de1', funderId: 'bmbf', currency: 'USD', requestMinor: 1 }]),
      'bmbf-max-request-per-partner',
    );
    expect(f?.facts).toEqual({ budgetCurrency: 'USD', limitCurrency: 'EUR' });
  });
});

describe('max-request-per-partner with excluded categories (TÜBİTAK: 720,000 TRY without overhead)', () => {
  it('ignores overhead and fails one kuruş above the cap', () => {
    const tr = (personnel: number): PartnerSpec => ({
      id: 'tr1',
      funderId: 'tubitak',
      budget: { personnel, overhead: 500_000_00 },
    });
    expect(of(check([tr(720_000_00)]), 'tubitak-max-request-per-partner')).toEqual([]);
    const [f] = of(check([tr(720_000_01)]), 'tubitak-max-request-per-partner');
    expect(f).toMatchObject({
      level: 'warning',
      facts: { requestedMinor: 720_000_01, excludedCategories: ['overhead'] },
    });
  });
});

describe('max-request-per-partner (FRQS: 450,000 CAD)', () => {
  it('passes at 450,000.00 CAD and fails at 450,000.01 CAD', () => {
    expect(
      of(check([{ id: 'qc1', funderId: 'frqs', requestMinor: 450_000_00 }]), 'frqs-max-request-per-partner'),
    ).toEqual([]);
    const [f] = of(
      check([{ id: 'qc1', funderId: 'frqs', requestMinor: 450_000_01 }]),
      'frqs-max-request-per-partner',
    );
    expect(f?.message).toContain('CA$450,000.01');
  });
});

describe('max-request-total (BMBF: 400,000 EUR for two partners)', () => {
  const two = (a: number, b: number): PartnerSpec[] => [
    { id: 'de1', funderId: 'bmbf', requestMinor: a },
    { id: 'de2', funderId: 'bmbf', requestMinor: b, name: 'Other German institute' },
  ];
  it('applies no total to a single BMBF partner', () => {
    expect(
      of(check([{ id: 'de1', funderId: 'bmbf', requestMinor: 300_000_00 }]), 'bmbf-max-request-total'),
    ).toEqual([]);
  });
  it('passes at exactly 400,000.00 EUR for two partners', () => {
    expect(of(check(two(200_000_00, 200_000_00)), 'bmbf-max-request-total')).toEqual([]);
  });
  it('fails at 400,000.01 EUR and names both partners', () => {
    const [f] = of(check(two(200_000_00, 200_000_01)), 'bmbf-max-request-total');
    expect(f).toMatchObject({
      partnerIds: ['de1', 'de2'],
      facts: { totalMinor: 400_000_01, tierFromPartners: 2 },
    });
    expect(f?.message).toContain('€400,000.01');
  });
  it('fails one euro above, even when each partner is under its own cap', () => {
    const v = check(two(200_001_00, 200_000_00));
    expect(of(v, 'bmbf-max-request-total')).toHaveLength(1);
    expect(of(v, 'bmbf-max-request-per-partner')).toEqual([]);
  });
});

describe('VR (JTC2020): at most 2 partners, at least 40,000 EUR each, at most 450,000 EUR together', () => {
  const se = (id: string, requestMinor: number): PartnerSpec => ({
    id,
    funderId: 'vr',
    requestMinor,
    name: `Swedish ${id}`,
  });
  it('takes 2 Swedish partners and refuses 3', () => {
    expect(of(check([se('se1', 100_000_00), se('se2', 100_000_00)]), 'vr-max-funder-partners')).toEqual([]);
    const v = evaluateProposal(
      demoContext('full-proposal'),
      buildProposal({
        partners: [...background, se('se1', 50_000_00), se('se2', 50_000_00), se('se3', 50_000_00)],
      }),
    );
    expect(of(v, 'vr-max-funder-partners')[0]).toMatchObject({
      partnerIds: ['se1', 'se2', 'se3'],
      facts: { max: 2, partnerCount: 3 },
    });
  });
  it('passes at exactly 40,000.00 EUR and fails at 39,999.99 EUR', () => {
    expect(of(check([se('se1', 40_000_00)]), 'vr-min-request-per-partner')).toEqual([]);
    expect(of(check([se('se1', 39_999_99)]), 'vr-min-request-per-partner')[0]?.facts).toMatchObject({
      requestedMinor: 39_999_99,
      minMinor: 40_000_00,
    });
  });
  it('passes at exactly 450,000.00 EUR in total and fails at 450,000.01 EUR', () => {
    expect(of(check([se('se1', 225_000_00), se('se2', 225_000_00)]), 'vr-max-request-total')).toEqual([]);
    expect(of(check([se('se1', 450_000_01)]), 'vr-max-request-total')).toHaveLength(1);
  });
  it('asks for the Prisma application with the date of the stage being checked', () => {
    const pre = of(check([se('se1', 100_000_00)], { stage: 'pre-proposal' }), 'vr-prisma-pre');
    expect(pre[0]).toMatchObject({ level: 'warning', facts: { due: { date: '2020-03-11' } } });
    expect(pre[0]?.message).toContain('11 Mar 2020');
    const full = check([se('se1', 100_000_00)], { stage: 'full-proposal' });
    expect(of(full, 'vr-prisma-pre')).toEqual([]);
    expect(of(full, 'vr-prisma-full')[0]?.message).toContain('23 Jun 2020');
    expect(full.eligible).toBe(true);
  });
});

describe('max-duration-months (VR: 36)', () => {
  it('warns only above 36 months', () => {
    expect(of(check([{ id: 'se1', funderId: 'vr' }], { durationMonths: 36 }), 'vr-max-duration')).toEqual([]);
    const v = check([{ id: 'se1', funderId: 'vr' }], { durationMonths: 37 });
    expect(of(v, 'vr-max-duration')[0]).toMatchObject({
      level: 'warning',
      facts: { durationMonths: 37, max: 36 },
    });
    expect(v.eligible).toBe(true);
  });
});

describe('funder-territory', () => {
  const territory = (p: PartnerSpec) => of(check([p]), 'jtc2020-funder-territory');
  it('lets a partner ask a funder of its own country', () => {
    expect(territory({ id: 'de1', funderId: 'bmbf' })).toEqual([]);
  });
  it('refuses a funder of another country', () => {
    expect(territory({ id: 'de1', funderId: 'anr', country: 'DE' })[0]?.facts).toMatchObject({
      funderCountry: 'FR',
      partnerCountry: 'DE',
    });
  });
  it('lets a Saxon partner ask SMWK and refuses a Bavarian or unlocated one', () => {
    expect(territory({ id: 'sn1', funderId: 'smwk' })).toEqual([]);
    expect(
      territory({ id: 'sn1', funderId: 'smwk', country: 'DE', region: 'DE-BY' })[0]?.facts,
    ).toMatchObject({ partnerRegion: 'DE-BY' });
    expect(territory({ id: 'sn1', funderId: 'smwk', country: 'DE' })[0]?.facts).toMatchObject({
      partnerRegion: null,
    });
  });
  it('lets F.R.S.-FNRS fund Brussels and Wallonia but not Flanders', () => {
    expect(territory({ id: 'be1', funderId: 'frs-fnrs', country: 'BE', region: 'BE-BRU' })).toEqual([]);
    expect(territory({ id: 'be1', funderId: 'frs-fnrs', country: 'BE', region: 'BE-VLG' })).toHaveLength(1);
  });
  it('refuses a funder that does not take part in the call', () => {
    const [f] = territory({ id: 'de1', funderId: 'bmg', country: 'DE' });
    expect(f).toMatchObject({ funderId: 'bmg', facts: { participating: false } });
  });
});

describe('allowed-organisation-types', () => {
  it('SMWK funds academia only', () => {
    expect(of(check([{ id: 'sn1', funderId: 'smwk' }]), 'smwk-organisation-types')).toEqual([]);
    const [f] = of(check([{ id: 'sn1', funderId: 'smwk', type: 'company-sme' }]), 'smwk-organisation-types');
    expect(f).toMatchObject({ level: 'error', facts: { partnerType: 'company-sme' } });
  });
  it('CDTI funds companies only', () => {
    expect(
      of(check([{ id: 'es1', funderId: 'cdti', type: 'company-large' }]), 'cdti-organisation-types'),
    ).toEqual([]);
    expect(
      of(check([{ id: 'es1', funderId: 'cdti', type: 'academia' }]), 'cdti-organisation-types'),
    ).toHaveLength(1);
  });
});

describe('excluded-modules (NCBR: research area 3)', () => {
  it('warns the Polish partner only when the proposal has area 3 modules', () => {
    const withRa3 = of(
      check([{ id: 'pl1', funderId: 'ncbr', currency: 'PLN' }], { modules: ['1B', '3B', '3C'] }),
      'ncbr-excluded-ra3',
    );
    expect(withRa3[0]).toMatchObject({
      level: 'warning',
      partnerIds: ['pl1'],
      facts: { excludedModules: ['3B', '3C'] },
    });
    expect(
      of(
        check([{ id: 'pl1', funderId: 'ncbr', currency: 'PLN' }], { modules: ['1B', '2A'] }),
        'ncbr-excluded-ra3',
      ),
    ).toEqual([]);
    expect(of(check([], { modules: ['1B', '3B'] }), 'ncbr-excluded-ra3')).toEqual([]);
  });
});

describe('one-proposal-per-pi (ISCIII)', () => {
  const es: PartnerSpec = { id: 'es1', funderId: 'isciii', piEmail: 'Ana.Garcia@Example.org' };
  const other = (proposalId: string, email: string, orcid?: string) => ({
    proposalId,
    acronym: `OTHER${proposalId}`,
    partners: [{ pi: { email, ...(orcid ? { orcid } : {}) } }],
  });
  const run = (otherProposals: ReturnType<typeof other>[], proposalId?: string) =>
    of(
      evaluateProposal(
        demoContext('pre-proposal', {
          otherProposals,
          nameOtherProposals: true,
          ...(proposalId ? { proposalId } : {}),
        }),
        buildProposal({ partners: [...background, es] }),
      ),
      'isciii-one-proposal-per-pi',
    );
  it('finds the same PI (e-mail, any case) in another proposal', () => {
    const [f] = run([other('p-2', 'ana.garcia@example.org'), other('p-3', 'someone@example.org')]);
    expect(f).toMatchObject({ partnerIds: ['es1'], facts: { otherProposalIds: ['p-2'] } });
  });
  it('finds the same PI by ORCID', () => {
    const orcid = '0000-0002-1825-0097';
    const v = evaluateProposal(
      demoContext('pre-proposal', {
        otherProposals: [other('p-9', 'x@example.org', orcid)],
        nameOtherProposals: true,
      }),
      buildProposal({ partners: [...background, { ...es, orcid }] }),
    );
    expect(of(v, 'isciii-one-proposal-per-pi')[0]?.facts).toEqual({ otherProposalIds: ['p-9'] });
  });
  it("never names another consortium's proposal in an applicant's verdict", () => {
    const v = evaluateProposal(
      demoContext('pre-proposal', {
        otherProposals: [other('p-2', 'ana.garcia@example.org'), other('p-3', 'ana.garcia@example.org')],
      }),
      buildProposal({ partners: [...background, es] }),
    );
    const [f] = of(v, 'isciii-one-proposal-per-pi');
    expect(f?.facts).toEqual({ otherProposals: 2 });
    expect(f?.message).toContain('2 other proposals of this call');
    expect(JSON.stringify(f)).not.toMatch(/p-2|p-3/);
  });
  it('skips the proposal being checked and PIs of other funders', () => {
    expect(run([other('self', 'ana.garcia@example.org')], 'self')).toEqual([]);
    expect(run([other('p-2', 'pi.fr1@example.org')])).toEqual([]);
  });
});

describe('national-application', () => {
  it('warns each funder’s partners once and does not block', () => {
    const v = check(
      [
        { id: 'it1', funderId: 'it-moh' },
        { id: 'lo1', funderId: 'frrb' },
      ],
      { stage: 'pre-proposal' },
    );
    expect(of(v, 'it-moh-pre-eligibility')[0]).toMatchObject({ level: 'warning', partnerIds: ['it1'] });
    expect(of(v, 'frrb-pre-eligibility')[0]).toMatchObject({ level: 'warning', partnerIds: ['lo1'] });
    expect(v.eligible).toBe(true);
  });
});
