import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codePoints } from './validate-draft.ts';

describe('code point counting (the unit of the call limits)', () => {
  it('counts characters outside the BMP once, combining marks separately', () => {
    expect(codePoints('abc')).toBe(3);
    expect(codePoints('😀')).toBe(1);
    expect('😀'.length).toBe(2);
    expect(codePoints('e\u0301')).toBe(2);
    expect(codePoints('Łódź')).toBe(4);
  });

  it('equals the length of Array.from for any string', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => codePoints(s) === Array.from(s).length));
  });
});
