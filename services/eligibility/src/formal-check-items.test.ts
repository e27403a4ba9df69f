import { describe, expect, it } from 'vitest';
import { formalCheckItems } from './formal-check-items.ts';

const call = { abstractMaxCharacters: 10, documents: { maxPages: 5, maxBytes: 1000 } };
const ok = (items: ReturnType<typeof formalCheckItems>) => Object.fromEntries(items.map((i) => [i.id, i.ok]));

describe('formalCheckItems', () => {
  it('passes a complete proposal', () => {
    expect(ok(formalCheckItems(call, 'short', [{ name: 'p.pdf', pages: 5, bytes: 1000 }]))).toEqual({
      'document-present': true,
      'abstract-length': true,
      'page-limit': true,
      'file-size': true,
    });
  });
  it('counts abstract characters as code points, at the boundary', () => {
    expect(ok(formalCheckItems(call, '😀'.repeat(10), [{ pages: 1, bytes: 1 }]))['abstract-length']).toBe(
      true,
    );
    expect(ok(formalCheckItems(call, 'é'.repeat(11), [{ pages: 1, bytes: 1 }]))['abstract-length']).toBe(
      false,
    );
  });
  it('flags a missing document, too many pages, unknown page counts and oversize files', () => {
    expect(ok(formalCheckItems(call, 'x', []))).toMatchObject({
      'document-present': false,
      'page-limit': false,
    });
    const items = formalCheckItems(call, 'x', [
      { name: 'long.pdf', pages: 6, bytes: 1001 },
      { name: 'odd.pdf' },
    ]);
    expect(ok(items)).toMatchObject({ 'page-limit': false, 'file-size': false });
    expect(items.find((i) => i.id === 'page-limit')!.message).toContain('long.pdf (6 pages)');
    expect(items.find((i) => i.id === 'page-limit')!.facts).toEqual({ maxPages: 5, pages: [6, null] });
  });
});
