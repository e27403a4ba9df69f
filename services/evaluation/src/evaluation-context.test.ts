import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { jtc2020Definition } from '@permed/calls-service';
import { callDefinitionInput, canonicalCallDefinition } from '@permed/domain';
import { stageCriteria, type TieBreakKey } from '@permed/evaluation';
import {
  parseTieBreakName,
  rankingCutoffs,
  requireBeforeReviewDeadline,
  stageCriteriaOf,
  tieBreakName,
  tieBreakOf,
} from './evaluation-context.ts';
import { scoreProblems } from './review-rules.ts';

const definition = canonicalCallDefinition(callDefinitionInput.parse(jtc2020Definition()));

describe('the call’s evaluation settings as @permed/evaluation criteria', () => {
  it('takes each stage’s criteria, thresholds and the half-point rule from the call', () => {
    const full = stageCriteriaOf(definition, 'full-proposal');
    expect(full.criteria.map((c) => [c.id, c.weight, c.threshold])).toEqual([
      ['excellence', 1, 3],
      ['impact', 1, 3],
      ['implementation', 1, 3],
    ]);
    expect(full).toMatchObject({ halfPoints: true, totalThreshold: 10, scale: { min: 0, max: 5 } });
    const pre = stageCriteriaOf(definition, 'pre-proposal');
    expect(pre.criteria.map((c) => c.id)).toEqual(['excellence', 'impact']);
    expect(pre.totalThreshold).toBe(7);
  });

  it('derives the documented cut-offs A ≥ 12, B ≥ 10 for the default criteria, and scales them', () => {
    expect(rankingCutoffs(stageCriteriaOf(definition, 'full-proposal'))).toEqual({ a: 12, b: 10 });
    expect(rankingCutoffs(stageCriteriaOf(definition, 'pre-proposal'))).toEqual({ a: 8, b: 7 });
  });

  it('keeps A at or above B and both within the maximum for any weights and thresholds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 5 }),
        fc.option(fc.integer({ min: 0, max: 5000 }), { nil: undefined }),
        (weightsHundredths, threshold) => {
          const criteria = stageCriteria.parse({
            criteria: weightsHundredths.map((w, i) => ({ id: `c${i}`, label: `C${i}`, weight: w / 100 })),
            ...(threshold === undefined ? {} : { totalThreshold: threshold / 100 }),
          });
          const max = criteria.criteria.reduce((s, c) => s + c.weight * 5, 0);
          const { a, b } = rankingCutoffs(criteria);
          expect(a).toBeGreaterThanOrEqual(b);
          if (threshold === undefined || threshold / 100 <= max)
            expect(a).toBeLessThanOrEqual(Math.max(max, b));
        },
      ),
    );
  });

  it('names tie-break keys so that the stored names give the keys back', () => {
    const keys = tieBreakOf(stageCriteriaOf(definition, 'full-proposal'));
    expect(keys.map(tieBreakName)).toEqual([
      'total',
      'criterion:excellence',
      'criterion:impact',
      'proposal-id',
    ]);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.constant<TieBreakKey>({ by: 'total' }),
          fc.constant<TieBreakKey>({ by: 'proposal-id' }),
          fc
            .stringMatching(/^[a-z][a-z0-9-]{0,20}$/)
            .map((id): TieBreakKey => ({ by: 'criterion', criterionId: id })),
        ),
        (key) => {
          expect(parseTieBreakName(tieBreakName(key))).toEqual(key);
        },
      ),
    );
  });
});

describe('the review deadline', () => {
  it('accepts T−1 ms and refuses T, by the instant the call announced', () => {
    const close = Date.parse(definition.stages.find((s) => s.kind === 'full-proposal-review')!.closesAt.at);
    expect(() => requireBeforeReviewDeadline(definition, 'full-proposal', new Date(close - 1))).not.toThrow();
    expect(() => requireBeforeReviewDeadline(definition, 'full-proposal', new Date(close))).toThrow(
      expect.objectContaining({ code: 'DEADLINE_PASSED' }),
    );
  });
});

describe('score problems at their field paths', () => {
  const criteria = stageCriteriaOf(definition, 'full-proposal');

  it('points at the offending entry, the second of a duplicate, and reports missing criteria only on submit', () => {
    const scores = [
      { criterionId: 'impact', score: 4 },
      { criterionId: 'excellence', score: 5.5 },
      { criterionId: 'impact', score: 3 },
      { criterionId: 'novelty', score: 1 },
    ];
    expect(scoreProblems(criteria, scores, false).map((p) => [p.path, p.code])).toEqual([
      ['/scores/1/score', 'off-scale'],
      ['/scores/2/criterionId', 'duplicate-criterion'],
      ['/scores/3/criterionId', 'unknown-criterion'],
    ]);
    expect(scoreProblems(criteria, scores, true).map((p) => p.code)).toContain('missing-criterion');
  });

  it('accepts every whole or half point on the scale, and nothing else', () => {
    fc.assert(
      fc.property(fc.double({ min: -2, max: 7, noNaN: true }), (score) => {
        const problems = scoreProblems(criteria, [{ criterionId: 'excellence', score }], false);
        const valid = score >= 0 && score <= 5 && Number.isInteger(score * 2);
        expect(problems.length === 0).toBe(valid);
      }),
    );
  });
});
