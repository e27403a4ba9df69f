import { describe, expect, it } from 'vitest';
import { versionChanges, type VersionDoc } from '../app/features/submission/version-changes.ts';

const partner = (id: string, name: string, personnel = 100) => ({
  id,
  organisation: { name, country: 'DE' },
  budget: { currency: 'EUR', personnel },
});

const version = (document: Record<string, unknown>, sha = 'a'): VersionDoc => ({
  document: { acronym: 'X', title: 'T', keywords: ['k'], partners: [partner('p1', 'One')], ...document },
  documents: [{ kind: 'proposal', name: 'p.pdf', sha256: sha }],
});

describe('versionChanges', () => {
  it('finds nothing between equal versions', () => {
    expect(versionChanges(version({}), version({}))).toEqual([]);
  });

  it('names changed fields, partners added, changed and removed, and a replaced file, in that order', () => {
    const before = version({ partners: [partner('p1', 'One'), partner('p2', 'Two')] });
    const after = version(
      { title: 'New', keywords: ['k', 'l'], partners: [partner('p1', 'One', 200), partner('p3', 'Three')] },
      'b',
    );
    expect(versionChanges(before, after)).toEqual([
      { kind: 'field', field: 'title' },
      { kind: 'field', field: 'keywords' },
      { kind: 'partner-changed', name: 'One, DE' },
      { kind: 'partner-added', name: 'Three, DE' },
      { kind: 'partner-removed', name: 'Two, DE' },
      { kind: 'file-replaced', file: 'p.pdf' },
    ]);
  });

  it('sees an annex added or removed', () => {
    const withAnnex: VersionDoc = {
      ...version({}),
      documents: [...version({}).documents, { kind: 'annex', name: 'a.pdf', sha256: 'c' }],
    };
    expect(versionChanges(version({}), withAnnex)).toEqual([{ kind: 'file-added', file: 'a.pdf' }]);
    expect(versionChanges(withAnnex, version({}))).toEqual([{ kind: 'file-removed', file: 'a.pdf' }]);
  });
});
