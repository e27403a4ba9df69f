import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { rule, type Rule } from '@permed/domain';
import { describe, expect, it } from 'vitest';
import { euAssociatedCountries, euAssociatedCountryGroups } from './eu-associated-countries.ts';
import { funderRegistry, funderRegistryById } from './funder-registry.ts';
import { demoCall, demoCallFunderEntries, demoCallFunderIds, demoCallRules } from './jtc2020-call.ts';
import { otherCallsNationalRules } from './other-calls-national-rules.ts';

// The reference material the data is copied from: the repository's snapshot of shared/reference.
const REFERENCE_DIR = fileURLToPath(new URL('../../../../docs/reference', import.meta.url));
const referenceText = ['erapermed.md', 'funders.json']
  .map((f) => readFileSync(`${REFERENCE_DIR}/${f}`, 'utf8'))
  .join('\n');

interface ReferenceFunder {
  countryCode: string;
  acronym: string | null;
  name: string;
  region: string | null;
  nameConfirmed: boolean;
  calls: string[];
}
const referenceFunders = JSON.parse(
  readFileSync(`${REFERENCE_DIR}/funders.json`, 'utf8'),
) as ReferenceFunder[];

const ERA_PERMED_COUNTRIES = 'AT BE CA DE DK ES EE FI FR HR HU IE IL IT LV LU NL NO PL RO SE SI TR'.split(
  ' ',
);

function urlsIn(text: string | undefined): string[] {
  return text?.match(/https?:\/\/[^\s)"]+/g) ?? [];
}

function registryEntryFor(ref: ReferenceFunder) {
  return funderRegistry.find(
    (f) => f.acronym === ref.acronym && f.country === ref.countryCode && f.name === ref.name,
  );
}

describe('funder registry', () => {
  it('has exactly one entry per organisation of funders.json, with its name, country and nameConfirmed', () => {
    expect(funderRegistry).toHaveLength(referenceFunders.length);
    for (const ref of referenceFunders) {
      const f = registryEntryFor(ref);
      expect(f, `${ref.acronym ?? ref.name}`).toBeDefined();
      expect(f?.nameConfirmed).toBe(ref.nameConfirmed);
    }
    expect(new Set(funderRegistry.map((f) => f.id)).size).toBe(funderRegistry.length);
  });

  it('gives every regional funder of the reference an ISO 3166-2 region, and national ones none', () => {
    const expected: Record<string, string> = {
      SMWK: 'DE-SN',
      FRQS: 'CA-QC',
      FRRB: 'IT-25',
      TuscReg: 'IT-52',
      GN: 'ES-NC',
      VLAIO: 'BE-VLG',
      'SPW EER': 'BE-WAL',
      'F.R.S.-FNRS': 'BE-WAL',
      FAPESP: 'BR-SP',
    };
    for (const ref of referenceFunders) {
      const f = registryEntryFor(ref)!;
      if (ref.region === null) expect(f.region, f.id).toBeUndefined();
      else expect(f.region, f.id).toBe(ref.acronym === null ? 'ES-CT' : expected[ref.acronym]);
    }
  });

  it('keeps the Catalan funder without acronym and unconfirmed', () => {
    expect(funderRegistryById.get('catalonia-health')).toMatchObject({
      acronym: null,
      nameConfirmed: false,
      region: 'ES-CT',
    });
  });

  it('takes every website verbatim from the reference', () => {
    for (const f of funderRegistry) if (f.website) expect(referenceText, f.id).toContain(f.website);
  });
});

describe('demo call (JTC2020)', () => {
  const jtc2020 = referenceFunders.filter((f) => f.calls.includes('ERA PerMed JTC2020'));

  it('includes every funder funders.json lists for JTC2020, and only registry funders', () => {
    for (const ref of jtc2020)
      expect(demoCallFunderIds, ref.acronym ?? ref.name).toContain(registryEntryFor(ref)!.id);
    for (const id of demoCallFunderIds) expect(funderRegistryById.has(id), id).toBe(true);
    expect(new Set(demoCallFunderIds).size).toBe(demoCallFunderIds.length);
  });

  it('covers the 23 ERA PerMed countries, with a note on each funder added from another call', () => {
    const countries = new Set(demoCall.funders.map((f) => f.country));
    for (const c of ERA_PERMED_COUNTRIES) expect(countries.has(c), c).toBe(true);
    const listed = new Set(jtc2020.map((r) => registryEntryFor(r)!.id));
    for (const e of demoCallFunderEntries)
      if (!listed.has(e.funderId)) expect(e.note, e.funderId).toMatch(/JTC2020/);
    expect(demoCallFunderEntries.filter((e) => !listed.has(e.funderId)).map((e) => e.funderId)).toEqual([
      'fwf',
      'etag',
      'zonmw',
    ]);
  });

  it('includes the non-ERA PerMed countries the reference shows joining JTC2020 (Egypt, Panama, Greece)', () => {
    expect(demoCallFunderIds).toEqual(expect.arrayContaining(['asrt', 'senacyt', 'gsrt']));
  });

  it('has the consortium rules the call text gives', () => {
    const params = (id: string) =>
      (demoCallRules.find((r) => r.id === id) as Rule & { params: unknown }).params;
    expect(params('jtc2020-min-eligible-partners')).toEqual({ min: 3 });
    expect(params('jtc2020-min-eligible-countries')).toEqual({ min: 3 });
    expect(params('jtc2020-eu-ac-partners')).toEqual({ minPartners: 2, minCountries: 2 });
    expect(params('jtc2020-max-partners-pre')).toEqual({ max: 6 });
    expect(params('jtc2020-max-partners-per-country')).toEqual({ max: 2 });
    expect(params('jtc2020-own-funded-partners')).toEqual({ max: 1, onlyWithMinEligible: 3 });
    expect(
      demoCallRules
        .filter((r) => r.scope === 'call')
        .map((r) => r.kind)
        .sort(),
    ).toEqual(
      [
        'coordinator-eligible',
        'distinct-legal-entities',
        'funder-territory',
        'max-partners',
        'max-partners-per-country',
        'min-eligible-countries',
        'min-eligible-partners',
        'min-eu-ac-partners',
        'module-coverage',
        'own-funded-partners',
      ].sort(),
    );
  });

  it('has national rules for BMBF, SMWK, VR and FRQS with the documented amounts', () => {
    const r = (id: string) => demoCallRules.find((x) => x.id === id);
    expect(r('bmbf-max-request-per-partner')).toMatchObject({
      funderId: 'bmbf',
      params: { max: { amountMinor: 30_000_000, currency: 'EUR' } },
    });
    expect(r('bmbf-max-request-total')).toMatchObject({
      params: { tiers: [{ fromPartners: 2, max: { amountMinor: 40_000_000 } }] },
    });
    expect(r('smwk-organisation-types')).toMatchObject({ params: { types: ['academia'] } });
    expect(r('vr-max-funder-partners')).toMatchObject({ params: { max: 2 } });
    expect(r('vr-min-request-per-partner')).toMatchObject({
      params: { min: { amountMinor: 4_000_000, currency: 'EUR' } },
    });
    expect(r('vr-max-request-total')).toMatchObject({
      params: { tiers: [{ fromPartners: 1, max: { amountMinor: 45_000_000 } }] },
    });
    expect(r('frqs-max-request-per-partner')).toMatchObject({
      params: { max: { amountMinor: 45_000_000, currency: 'CAD' } },
    });
    expect(demoCall.funders.find((f) => f.id === 'smwk')?.region).toBe('DE-SN');
    expect(demoCall.funders.find((f) => f.id === 'frqs')?.region).toBe('CA-QC');
  });

  it('names only participating funders in its rules, in the currency of each funder', () => {
    const funders = new Map(demoCall.funders.map((f) => [f.id, f]));
    for (const r of demoCallRules) {
      if (!r.funderId) continue;
      const f = funders.get(r.funderId);
      expect(f, r.id).toBeDefined();
      const amounts = JSON.stringify(r.params).match(/"currency":"([A-Z]{3})"/g) ?? [];
      for (const a of amounts) expect(a, r.id).toBe(`"currency":"${f!.currency}"`);
    }
  });
});

describe('provenance of every rule', () => {
  const allRules: Rule[] = [...demoCallRules, ...otherCallsNationalRules.map((e) => e.rule)];

  it('each rule has a source or the assumption flag (never both) and validates', () => {
    for (const r of allRules) {
      expect(rule.safeParse(r).success, r.id).toBe(true);
      expect(Boolean(r.source) !== Boolean(r.assumption), r.id).toBe(true);
      if (r.assumption)
        expect(r.note, r.id).toMatch(/JTC20\d\d|EP PerMed|another partnership|other ERA-NET|practice/);
    }
  });

  it('every source URL, and every URL quoted in a note, appears verbatim in the reference', () => {
    const urls = allRules.flatMap((r) => [...(r.source ? [r.source.url] : []), ...urlsIn(r.note)]);
    expect(urls.length).toBeGreaterThan(allRules.length / 2);
    for (const url of urls) expect(referenceText.includes(url), url).toBe(true);
  });

  it('rule ids are unique across the demo call and the catalogue', () => {
    expect(new Set(allRules.map((r) => r.id)).size).toBe(allRules.length);
  });

  it('catalogue rules name registry funders', () => {
    for (const e of otherCallsNationalRules)
      expect(funderRegistryById.has(e.rule.funderId ?? ''), e.rule.id).toBe(true);
  });
});

describe('EU member states and associated countries', () => {
  it('each group has a source from the reference or is flagged as an assumption', () => {
    for (const g of euAssociatedCountryGroups) {
      if (g.source) expect(referenceText).toContain(g.source.url);
      else expect(g.assumption && g.note).toBeTruthy();
    }
  });
  it('has the 27 EU member states of 2020 and IL, NO, TR, but not CA, EG, PA', () => {
    const eu = euAssociatedCountryGroups
      .filter((g) => g.group === 'eu-member-state')
      .flatMap((g) => g.countries);
    expect(new Set(eu).size).toBe(27);
    expect(euAssociatedCountries).toEqual(expect.arrayContaining(['IL', 'NO', 'TR', 'GR', 'LT']));
    for (const c of ['CA', 'EG', 'PA', 'GB', 'CH']) expect(euAssociatedCountries).not.toContain(c);
  });
});
