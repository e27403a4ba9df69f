import { describe, expect, it } from 'vitest';
import { areaOfModule, expandModuleSelectors, moduleCode, researchAreas } from './research-areas.ts';

describe('research areas', () => {
  it('list each of the eight modules exactly once, under its own area, with a source', () => {
    const listed = researchAreas.flatMap((a) =>
      a.modules.map((m) => [a.code, m.code, m.source.url] as const),
    );
    expect(listed.map(([, m]) => m).sort()).toEqual([...moduleCode.options].sort());
    for (const [area, m, url] of listed) {
      expect(areaOfModule(m)).toBe(area);
      expect(url).toMatch(/^https?:\/\//);
    }
  });
  it('expand areas into their modules, sorted and without duplicates', () => {
    expect(expandModuleSelectors(['RA3'])).toEqual(['3A', '3B', '3C', '3D']);
    expect(expandModuleSelectors(['2B', 'RA1', '1A'])).toEqual(['1A', '1B', '2B']);
  });
});
