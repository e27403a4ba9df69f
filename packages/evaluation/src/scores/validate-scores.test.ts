import { describe, expect, it } from 'vitest';
import { defaultStageCriteria, type StageCriteria } from './criteria-settings.ts';
import { type CriterionScore, validateScores } from './validate-scores.ts';

const halves: StageCriteria = { ...defaultStageCriteria, halfPoints: true };
const whole: StageCriteria = { ...defaultStageCriteria, halfPoints: false };
const all = (excellence: number, impact = 3, implementation = 3): CriterionScore[] => [
  { criterionId: 'excellence', score: excellence },
  { criterionId: 'impact', score: impact },
  { criterionId: 'implementation', score: implementation },
];
const codes = (settings: StageCriteria, scores: CriterionScore[]) =>
  validateScores(settings, scores).map((p) => p.code);

describe('validateScores', () => {
  it('accepts both ends of the scale', () => {
    expect(validateScores(whole, all(0))).toEqual([]);
    expect(validateScores(whole, all(5))).toEqual([]);
  });

  it('accepts 4.5 only when the call allows half points', () => {
    expect(validateScores(halves, all(4.5))).toEqual([]);
    expect(validateScores(whole, all(4.5))).toEqual([
      {
        code: 'half-point-not-allowed',
        criterionId: 'excellence',
        score: 4.5,
        message: 'excellence: 4.5 — this call scores in whole points.',
      },
    ]);
  });

  it('refuses scores off the scale, whatever the step', () => {
    expect(codes(halves, all(5.5))).toEqual(['off-scale']);
    expect(codes(whole, all(-1))).toEqual(['off-scale']);
    expect(codes(whole, all(Number.NaN))).toEqual(['off-scale']);
  });

  it('refuses steps finer than the call allows', () => {
    expect(codes(halves, all(4.25))).toEqual(['not-a-step']);
    expect(codes(whole, all(3.3))).toEqual(['not-a-step']);
  });

  it('reports missing, unknown and duplicate criteria', () => {
    expect(codes(whole, all(3).slice(1))).toEqual(['missing-criterion']);
    expect(codes(whole, [...all(3), { criterionId: 'novelty', score: 3 }])).toEqual(['unknown-criterion']);
    expect(codes(whole, [...all(3), { criterionId: 'impact', score: 4 }])).toEqual(['duplicate-criterion']);
  });
});
