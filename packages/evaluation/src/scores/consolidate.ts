import { z } from 'zod';
import type { StageCriteria } from './criteria-settings.ts';
import { criterionScore, type ScoreProblem, validateScores } from './validate-scores.ts';

export const review = z.object({ reviewerId: z.string().min(1), scores: z.array(criterionScore) }).strict();
export type Review = z.infer<typeof review>;

export const consolidationInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('reviews'), reviews: z.array(review).min(1) }).strict(),
  z
    .object({
      kind: z.literal('consensus'),
      scores: z.array(criterionScore),
      /** Why the panel departs from (or settles) the individual reviews; kept in the ranking record. */
      justification: z.string().trim().min(1, 'a consensus score needs a justification'),
      decidedBy: z.string().min(1).optional(),
    })
    .strict(),
]);
export type ConsolidationInput = z.infer<typeof consolidationInput>;

export type ConsolidatedCriterion = {
  criterionId: string;
  /** Rounded half-up to two decimals; thresholds are judged on this shown figure. */
  score: number;
  threshold?: number;
  passes: boolean;
  /** Spread of the individual reviews, for the panel discussion (mean of reviews only). */
  lowest?: number;
  highest?: number;
};

export type ConsolidatedScore = {
  method: 'mean-of-reviews' | 'consensus';
  reviewCount: number;
  criteria: ConsolidatedCriterion[];
  total: number;
  totalThreshold?: number;
  passesThresholds: boolean;
  /** Criterion ids (and "total") whose threshold is not reached. */
  failed: string[];
  justification?: string;
  decidedBy?: string;
};

export class InvalidScoresError extends Error {
  readonly problems: readonly (ScoreProblem & { reviewerId?: string })[];
  constructor(problems: readonly (ScoreProblem & { reviewerId?: string })[]) {
    super(
      `invalid scores: ${problems.map((p) => (p.reviewerId ? `${p.reviewerId}: ` : '') + p.message).join(' ')}`,
    );
    this.name = 'InvalidScoresError';
    this.problems = problems;
  }
}

/** round(numerator / denominator) half up, on non-negative integers: no float ever decides a score. */
function roundDiv(numerator: number, denominator: number): number {
  return Math.floor((2 * numerator + denominator) / (2 * denominator));
}

const toHundredths = (value: number) => Math.round(value * 100);

/**
 * The panel's score of one proposal: the mean of the reviews per criterion, or a consensus entered
 * by the call office with a justification; then the weighted total and the thresholds. All
 * arithmetic is on integers (half points and hundredths), so the same reviews always give the same
 * figures and equal proposals really tie.
 */
export function consolidate(
  settings: StageCriteria,
  draft: z.input<typeof consolidationInput>,
): ConsolidatedScore {
  const input = consolidationInput.parse(draft);
  const sets =
    input.kind === 'reviews'
      ? input.reviews.map((r) => ({ reviewerId: r.reviewerId, scores: r.scores }))
      : [{ scores: input.scores }];
  const problems = sets.flatMap((s) =>
    validateScores(settings, s.scores).map((p) =>
      'reviewerId' in s ? { ...p, reviewerId: s.reviewerId } : p,
    ),
  );
  if (problems.length > 0) throw new InvalidScoresError(problems);

  const minScale = settings.scale.min;
  const criteria: ConsolidatedCriterion[] = settings.criteria.map((c) => {
    // Valid scores are whole or half points above the scale minimum: exact as integer half-units.
    const halves = sets.map((s) =>
      Math.round((s.scores.find((x) => x.criterionId === c.id)!.score - minScale) * 2),
    );
    const sum = halves.reduce((a, b) => a + b, 0);
    const hundredths = roundDiv(sum * 100, 2 * halves.length) + minScale * 100;
    const threshold = c.threshold;
    return {
      criterionId: c.id,
      score: hundredths / 100,
      ...(threshold === undefined ? {} : { threshold }),
      passes: threshold === undefined || hundredths >= toHundredths(threshold),
      ...(input.kind === 'reviews'
        ? { lowest: Math.min(...halves) / 2 + minScale, highest: Math.max(...halves) / 2 + minScale }
        : {}),
    };
  });

  // Weights and scores in hundredths: their products are in ten-thousandths, brought back to hundredths.
  const weights = settings.criteria.map((c) => toHundredths(c.weight));
  const shifted = criteria.map((c) => toHundredths(c.score) - minScale * 100);
  const weighted = shifted.reduce((sum, s, i) => sum + s * weights[i]!, 0);
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const totalHundredths =
    settings.total === 'weighted-sum'
      ? roundDiv(weighted, 100) + minScale * weightSum
      : roundDiv(weighted, weightSum) + minScale * 100;
  const totalThreshold = settings.totalThreshold;
  const failed = criteria.filter((c) => !c.passes).map((c) => c.criterionId);
  if (totalThreshold !== undefined && totalHundredths < toHundredths(totalThreshold)) failed.push('total');

  return {
    method: input.kind === 'reviews' ? 'mean-of-reviews' : 'consensus',
    reviewCount: input.kind === 'reviews' ? input.reviews.length : 0,
    criteria,
    total: totalHundredths / 100,
    ...(totalThreshold === undefined ? {} : { totalThreshold }),
    passesThresholds: failed.length === 0,
    failed,
    ...(input.kind === 'consensus'
      ? { justification: input.justification, ...(input.decidedBy ? { decidedBy: input.decidedBy } : {}) }
      : {}),
  };
}
