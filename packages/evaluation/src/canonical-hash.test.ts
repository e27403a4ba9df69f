import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalHash, compareIds } from './canonical-hash.ts';

describe('canonicalHash', () => {
  it('is the SHA-256 of the RFC 8785 form: keys sorted, no whitespace', () => {
    const expected = createHash('sha256').update('{"a":1,"b":[2,"x"],"c":{"d":true,"e":null}}').digest('hex');
    expect(canonicalHash({ c: { e: null, d: true }, b: [2, 'x'], a: 1 })).toBe(expected);
  });

  it('changes with array order and values', () => {
    expect(canonicalHash({ a: [1, 2] })).not.toBe(canonicalHash({ a: [2, 1] }));
    expect(canonicalHash({ a: 1 })).not.toBe(canonicalHash({ a: 2 }));
  });

  it('refuses values JSON cannot represent', () => {
    expect(() => canonicalHash(undefined)).toThrow(TypeError);
  });
});

describe('compareIds', () => {
  it('orders by code units, independent of locale', () => {
    expect(['b', 'B', 'a', 'Ä'].sort(compareIds)).toEqual(['B', 'a', 'b', 'Ä']);
  });
});
