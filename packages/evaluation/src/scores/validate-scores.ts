import { z } from 'zod';
import type { StageCriteria } from './criteria-settings.ts';

export const criterionScore = z
  .object({ criterionId: z.string().min(1), score: z.number(), comment: z.string().max(20_000).optional() })
  .strict();
export type CriterionScore = z.infer<typeof criterionScore>;

export const scoreProblemCodes = [
  'missing-criterion',
  'unknown-criterion',
  'duplicate-criterion',
  'off-scale',
  'half-point-not-allowed',
  'not-a-step',
] as const;
export type ScoreProblemCode = (typeof scoreProblemCodes)[number];
export type ScoreProblem = { code: ScoreProblemCode; criterionId: string; score?: number; message: string };

/** Whole points, or halves where the call allows them; scores are multiples of 0.5 so they are exact in binary. */
function isStep(score: number, halfPoints: boolean): boolean {
  return Number.isInteger(halfPoints ? score * 2 : score);
}

/** Everything wrong with one reviewer's (or the panel's) scores under the stage's criteria; empty when valid. */
export function validateScores(settings: StageCriteria, scores: readonly CriterionScore[]): ScoreProblem[] {
  const problems: ScoreProblem[] = [];
  const known = new Set(settings.criteria.map((c) => c.id));
  const seen = new Set<string>();
  const { min, max } = settings.scale;
  for (const { criterionId, score } of scores) {
    if (!known.has(criterionId)) {
      problems.push({
        code: 'unknown-criterion',
        criterionId,
        score,
        message: `${criterionId} is not a criterion of this stage.`,
      });
      continue;
    }
    if (seen.has(criterionId)) {
      problems.push({
        code: 'duplicate-criterion',
        criterionId,
        score,
        message: `${criterionId} is scored twice.`,
      });
      continue;
    }
    seen.add(criterionId);
    if (!Number.isFinite(score) || score < min || score > max) {
      problems.push({
        code: 'off-scale',
        criterionId,
        score,
        message: `${criterionId}: ${score} is outside the scale ${min}–${max}.`,
      });
    } else if (!isStep(score, settings.halfPoints)) {
      problems.push(
        isStep(score, true)
          ? {
              code: 'half-point-not-allowed',
              criterionId,
              score,
              message: `${criterionId}: ${score} — this call scores in whole points.`,
            }
          : {
              code: 'not-a-step',
              criterionId,
              score,
              message: `${criterionId}: ${score} — scores are ${settings.halfPoints ? 'whole or half' : 'whole'} points.`,
            },
      );
    }
  }
  for (const c of settings.criteria) {
    if (!seen.has(c.id))
      problems.push({ code: 'missing-criterion', criterionId: c.id, message: `${c.label} has no score.` });
  }
  return problems;
}
