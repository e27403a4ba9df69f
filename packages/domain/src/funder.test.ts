import { describe, expect, it } from 'vitest';
import { funder, funderLabel, funderRegions } from './funder.ts';

const smwk = {
  id: 'smwk',
  acronym: 'SMWK',
  name: 'Saxon ministry',
  country: 'DE',
  region: 'DE-SN',
  currency: 'EUR',
  nameConfirmed: true,
};

describe('funder', () => {
  it('accepts a regional funder and a two-letter id', () => {
    expect(funder.safeParse(smwk).success).toBe(true);
    expect(
      funder.safeParse({ ...smwk, id: 'vr', region: undefined, country: 'SE', currency: 'SEK' }).success,
    ).toBe(true);
  });
  it('rejects a region outside the country, an unknown currency and unknown keys', () => {
    expect(funder.safeParse({ ...smwk, region: 'CA-QC' }).error?.issues[0]?.path).toEqual(['region']);
    expect(funder.safeParse({ ...smwk, currency: 'EURO' }).success).toBe(false);
    expect(funder.safeParse({ ...smwk, budget: 1 }).success).toBe(false);
  });
  it('keeps coveredRegions consistent with region', () => {
    const fnrs = { ...smwk, country: 'BE', region: 'BE-WAL', coveredRegions: ['BE-WAL', 'BE-BRU'] };
    expect(funder.safeParse(fnrs).success).toBe(true);
    expect(funderRegions(funder.parse(fnrs))).toEqual(['BE-WAL', 'BE-BRU']);
    expect(funder.safeParse({ ...fnrs, coveredRegions: ['BE-BRU'] }).success).toBe(false);
  });
  it('labels a funder by acronym, or by name when it has none', () => {
    expect(funderLabel({ acronym: null, name: 'Catalan funder' })).toBe('Catalan funder');
    expect(funderLabel(smwk)).toBe('SMWK');
    expect(funderRegions({ region: undefined })).toEqual([]);
  });
});
