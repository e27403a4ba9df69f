import { describe, expect, it } from 'vitest';
import { assignmentInput } from './assignment-input.ts';
import { affinityMatrix, expertiseAffinity, normaliseTerm } from './affinity.ts';

describe('expertiseAffinity', () => {
  it('is the cosine overlap scaled to 0–1000', () => {
    // 1 shared term, 2 × 2 terms: 1 / sqrt(4) = 0.5.
    expect(expertiseAffinity(['genomics', 'oncology'], ['genomics', 'cardiology'])).toBe(500);
    // 2 shared, 2 and 8 terms: 2 / sqrt(16) = 0.5.
    expect(expertiseAffinity(['a', 'b'], ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'])).toBe(500);
    expect(expertiseAffinity(['a'], ['a'])).toBe(1000);
    expect(expertiseAffinity([], ['a'])).toBe(0);
    expect(expertiseAffinity(['a'], ['b'])).toBe(0);
  });

  it('ignores case, accents, punctuation and duplicates', () => {
    expect(normaliseTerm('  Pharmaco-Génomics ')).toBe('pharmaco genomics');
    expect(expertiseAffinity(['pharmaco genomics', 'PHARMACO-GENOMICS'], ['Pharmaco-génomics'])).toBe(1000);
  });

  it('fills the matrix the same way through the inverted index', () => {
    const input = assignmentInput.parse({
      proposals: [{ id: 'P1', keywords: ['genomics', 'oncology'], areas: ['Module 1'] }],
      reviewers: [
        { id: 'R1', country: 'DE', expertise: ['genomics', 'module 1'] },
        { id: 'R2', country: 'FR', expertise: ['cardiology'] },
      ],
    });
    expect([...affinityMatrix(input, [0], [0, 1])]).toEqual([
      expertiseAffinity(['genomics', 'module 1'], ['genomics', 'oncology', 'Module 1']),
      0,
    ]);
    expect(affinityMatrix(input, [0], [0, 1])[0]).toBe(Math.round(2000 / Math.sqrt(6)));
  });
});
