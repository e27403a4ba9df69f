import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { changedKeys, rebase, type Flat } from '../app/features/workspace/rebase.ts';

describe('rebase after a 412', () => {
  it('keeps my edits, takes their other changes, and names the fields both changed', () => {
    const base = { title: 'A', abstract: 'old', acronym: 'X' };
    const theirs = { title: 'B', abstract: 'their text', acronym: 'X' };
    const mine = { title: 'A', abstract: 'my text', acronym: 'Y' };
    const out = rebase(base, theirs, mine);
    expect(out.draft).toEqual({ title: 'B', abstract: 'my text', acronym: 'Y' });
    expect(out.conflicts).toEqual([{ key: 'abstract', theirs: 'their text', mine: 'my text' }]);
  });

  it('never loses a typed value and never reports a conflict where both agree', () => {
    const flat = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), fc.string({ maxLength: 3 }));
    fc.assert(
      fc.property(flat, flat, flat, (base: Flat, theirs: Flat, mine: Flat) => {
        const out = rebase(base, theirs, mine);
        for (const key of changedKeys(base, mine)) expect(out.draft[key] ?? '').toBe(mine[key] ?? '');
        for (const c of out.conflicts) expect(c.theirs).not.toBe(c.mine);
        // Every field they changed and I did not is theirs.
        for (const key of changedKeys(base, theirs))
          if (!changedKeys(base, mine).includes(key)) expect(out.draft[key] ?? '').toBe(theirs[key] ?? '');
      }),
    );
  });
});
