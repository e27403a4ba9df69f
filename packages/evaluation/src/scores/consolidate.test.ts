import { describe, expect, it } from 'vitest';
import { consolidate, InvalidScoresError, type Review } from './consolidate.ts';
import {
  criteriaForStage,
  defaultStageCriteria,
  type StageCriteria,
  stageCriteria,
} from './criteria-settings.ts';

const review = (reviewerId: string, excellence: number, impact: number, implementation: number): Review => ({
  reviewerId,
  scores: [
    { criterionId: 'excellence', score: excellence },
    { criterionId: 'impact', score: impact },
    { criterionId: 'implementation', score: implementation },
  ],
});
const halves: StageCriteria = { ...defaultStageCriteria, halfPoints: true };

describe('consolidate', () => {
  it('takes the mean per criterion, rounded half up to hundredths, and sums the weighted total', () => {
    // excellence (4 + 4.5 + 5) / 3 = 4.5; impact (3 + 4 + 4) / 3 = 3.666… → 3.67; implementation (4 + 3.5 + 4) / 3 = 3.833… → 3.83.
    const result = consolidate(halves, {
      kind: 'reviews',
      reviews: [review('R1', 4, 3, 4), review('R2', 4.5, 4, 3.5), review('R3', 5, 4, 4)],
    });
    expect(result.criteria).toEqual([
      { criterionId: 'excellence', score: 4.5, threshold: 3, passes: true, lowest: 4, highest: 5 },
      { criterionId: 'impact', score: 3.67, threshold: 3, passes: true, lowest: 3, highest: 4 },
      { criterionId: 'implementation', score: 3.83, threshold: 3, passes: true, lowest: 3.5, highest: 4 },
    ]);
    expect(result.total).toBe(12);
    expect(result).toMatchObject({
      method: 'mean-of-reviews',
      reviewCount: 3,
      passesThresholds: true,
      failed: [],
      totalThreshold: 10,
    });
  });

  it('rounds an exact half-hundredth up, not to even', () => {
    // (7 × 3 + 4) / 8 = 3.125 exactly: half up gives 3.13 (banker's rounding would give 3.12).
    const eight = [...Array<number>(7).fill(3), 4].map((e, i) => review(`R${i}`, e, 3, 3));
    expect(consolidate(defaultStageCriteria, { kind: 'reviews', reviews: eight }).criteria[0]!.score).toBe(
      3.13,
    );
  });

  it('applies weights and the weighted average when the call asks for it', () => {
    const settings = stageCriteria.parse({
      criteria: [
        { id: 'excellence', label: 'Excellence', weight: 2, threshold: 3 },
        { id: 'impact', label: 'Impact', weight: 1 },
        { id: 'implementation', label: 'Implementation', weight: 1 },
      ],
      total: 'weighted-average',
      halfPoints: true,
    });
    // (2 × 4.5 + 3 + 4) / 4 = 4.
    expect(consolidate(settings, { kind: 'reviews', reviews: [review('R1', 4.5, 3, 4)] }).total).toBe(4);
    const sum = stageCriteria.parse({
      ...settings,
      total: 'weighted-sum',
      criteria: settings.criteria.map((c) => (c.id === 'impact' ? { ...c, weight: 1.5 } : c)),
    });
    // 2 × 4.5 + 1.5 × 3 + 4 = 17.5.
    expect(consolidate(sum, { kind: 'reviews', reviews: [review('R1', 4.5, 3, 4)] }).total).toBe(17.5);
  });

  it('fails a proposal below a criterion threshold or below the total threshold', () => {
    const low = consolidate(defaultStageCriteria, {
      kind: 'reviews',
      reviews: [review('R1', 2, 5, 5), review('R2', 3, 5, 5)],
    });
    expect(low).toMatchObject({ passesThresholds: false, failed: ['excellence'] });
    expect(low.criteria[0]).toMatchObject({ score: 2.5, passes: false });
    const lowTotal = consolidate(defaultStageCriteria, { kind: 'reviews', reviews: [review('R1', 3, 3, 3)] });
    expect(lowTotal).toMatchObject({ total: 9, passesThresholds: false, failed: ['total'] });
    const atThreshold = consolidate(defaultStageCriteria, {
      kind: 'reviews',
      reviews: [review('R1', 4, 3, 3)],
    });
    expect(atThreshold).toMatchObject({ total: 10, passesThresholds: true });
  });

  it('takes a consensus score with its justification', () => {
    const result = consolidate(defaultStageCriteria, {
      kind: 'consensus',
      scores: review('panel', 5, 4, 4).scores,
      justification: 'Panel agreed the data plan answers reviewer 2.',
      decidedBy: 'call-office',
    });
    expect(result).toMatchObject({
      method: 'consensus',
      reviewCount: 0,
      total: 13,
      justification: 'Panel agreed the data plan answers reviewer 2.',
    });
    expect(() =>
      consolidate(defaultStageCriteria, {
        kind: 'consensus',
        scores: review('panel', 5, 4, 4).scores,
        justification: '  ',
      }),
    ).toThrow(/justification/);
  });

  it('refuses invalid scores, naming the reviewer', () => {
    try {
      consolidate(defaultStageCriteria, {
        kind: 'reviews',
        reviews: [review('R1', 4, 4, 4), review('R2', 4.5, 4, 4)],
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidScoresError);
      expect((error as InvalidScoresError).problems).toEqual([
        expect.objectContaining({ reviewerId: 'R2', code: 'half-point-not-allowed' }),
      ]);
    }
  });
});

describe('criteriaForStage', () => {
  it('uses the stage’s own criteria, else the other stage’s, else the defaults', () => {
    const pre = stageCriteria.parse({ criteria: [{ id: 'excellence', label: 'Excellence', threshold: 4 }] });
    expect(criteriaForStage({ 'pre-proposal': pre }, 'pre-proposal')).toBe(pre);
    expect(criteriaForStage({ 'pre-proposal': pre }, 'full-proposal')).toBe(pre);
    expect(criteriaForStage({}, 'full-proposal')).toBe(defaultStageCriteria);
  });

  it('rejects duplicate criteria and weights with more than two decimals', () => {
    expect(() =>
      stageCriteria.parse({
        criteria: [
          { id: 'a', label: 'A' },
          { id: 'a', label: 'A again' },
        ],
      }),
    ).toThrow(/duplicate criterion a/);
    expect(() => stageCriteria.parse({ criteria: [{ id: 'a', label: 'A', weight: 1.005 }] })).toThrow(
      /two decimals/,
    );
  });
});
