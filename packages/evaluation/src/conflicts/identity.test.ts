import { describe, expect, it } from 'vitest';
import { normaliseName, normaliseOrcid, normaliseRorId, sameOrganisation, samePerson } from './identity.ts';

describe('organisation identity', () => {
  it('reduces every accepted ROR form to the bare id', () => {
    for (const form of [
      'https://ror.org/001w7jn25',
      'ror.org/001w7jn25',
      '001W7JN25',
      ' http://ror.org/001w7jn25/ ',
    ]) {
      expect(normaliseRorId(form)).toBe('001w7jn25');
    }
    expect(normaliseRorId('not-a-ror')).toBeUndefined();
  });

  it('normalises accents, case, punctuation, "&" and a leading "the"', () => {
    expect(normaliseName('Charité – Universitätsmedizin Berlin')).toBe('charite universitatsmedizin berlin');
    expect(normaliseName('The Karolinska Institutet')).toBe('karolinska institutet');
    expect(normaliseName('Fondazione IRCCS Ca’ Granda & Ospedale')).toBe(
      'fondazione irccs ca granda and ospedale',
    );
    expect(normaliseName('Universität Straße')).toBe('universitat strasse');
  });

  it('lets two ROR ids decide over equal names, and names decide when a ROR id is missing', () => {
    const a = { name: 'Hospital Universitario', rorId: '001w7jn25' };
    const b = { name: 'Hospital Universitario', rorId: '04n0g0b29' };
    expect(sameOrganisation(a, b)).toBeUndefined();
    expect(sameOrganisation(a, { name: 'hospital universitario' })).toEqual({ matchedBy: 'name' });
    expect(sameOrganisation(a, { name: 'Other', rorId: 'https://ror.org/001w7jn25' })).toEqual({
      matchedBy: 'ror',
    });
  });
});

describe('person identity', () => {
  it('lets two ORCIDs decide, then e-mail, then name', () => {
    expect(normaliseOrcid('https://orcid.org/0000-0002-1825-009x')).toBe('0000-0002-1825-009X');
    const ana = { name: 'Ana García', orcid: '0000-0002-1825-0097', email: 'ana@example.org' };
    expect(samePerson(ana, { name: 'Ana Garcia', orcid: '0000-0001-5109-3700' })).toBeUndefined();
    expect(samePerson(ana, { name: 'A. García', email: 'ANA@example.org' })).toEqual({ matchedBy: 'email' });
    expect(samePerson(ana, { name: 'ana garcia' })).toEqual({ matchedBy: 'name' });
    expect(samePerson(ana, { name: 'Anna Garcia' })).toBeUndefined();
  });
});
