// The page's ORCID check (app/features/account/orcid.ts) answers as the server's does
// (@permed/domain's `orcid`, which PATCH /api/auth/me applies): the page may only say sooner what
// the server would say anyway.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orcid } from '@permed/domain';
import { checkOrcid, orcidCheckCharacter } from '../app/features/account/orcid.ts';

const digits = (n: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
const written = (sixteen: string) => sixteen.match(/.{4}/g)!.join('-');

describe('ORCID check character in the page', () => {
  it('accepts known iDs and refuses a changed last character', () => {
    expect(checkOrcid('0000-0002-1825-0097')).toBe('ok');
    expect(checkOrcid('0000-0002-1694-233X')).toBe('ok');
    expect(checkOrcid('0000-0002-1694-233x')).toBe('ok'); // the server gets it upper-cased
    expect(checkOrcid('0000-0002-1825-0098')).toBe('checksum');
    expect(checkOrcid('0000000218250097')).toBe('shape');
    expect(checkOrcid('')).toBe('shape');
  });

  it('agrees with the server on every well-formed iD, right or wrong', () => {
    fc.assert(
      fc.property(digits(15), fc.constantFrom(...'0123456789X'), (first, last) => {
        const id = written(first + last);
        const server = orcid.safeParse(id).success;
        expect(checkOrcid(id) === 'ok').toBe(server);
        expect(server).toBe(orcidCheckCharacter(first) === last);
      }),
    );
  });

  it('refuses any text not shaped like an iD, as the server does', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 24 }), (text) => {
        fc.pre(!/^\d{4}-\d{4}-\d{4}-\d{3}[\dXx]$/.test(text.trim()));
        expect(checkOrcid(text)).toBe('shape');
        expect(orcid.safeParse(text).success).toBe(false);
      }),
    );
  });
});
