import { z } from 'zod';

/** Numbers given with at most two decimals (weights such as 1.5, thresholds such as 3.5), so sums stay exact in hundredths. */
const hundredths = (schema: z.ZodNumber) =>
  schema.refine((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-9, {
    message: 'must have at most two decimals',
  });

export const criterion = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be lower-case letters, digits and hyphens'),
    label: z.string().min(1),
    weight: hundredths(z.number().positive()).default(1),
    /** Minimum consolidated score on this criterion; below it the proposal cannot be funded. */
    threshold: hundredths(z.number().min(0)).optional(),
  })
  .strict();
export type Criterion = z.infer<typeof criterion>;

export const stageCriteria = z
  .object({
    criteria: z.array(criterion).min(1),
    scale: z
      .object({ min: z.number().int().default(0), max: z.number().int().default(5) })
      .strict()
      .refine((s) => s.min < s.max, { message: 'min must be below max' })
      .prefault({}),
    halfPoints: z.boolean().default(false),
    /** weighted-sum: Σ weight × score (0–15 with three criteria of weight 1); weighted-average: back on the 0–5 scale. */
    total: z.enum(['weighted-sum', 'weighted-average']).default('weighted-sum'),
    totalThreshold: hundredths(z.number().min(0)).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.criteria.forEach((c, i) => {
      if (seen.has(c.id))
        ctx.addIssue({ code: 'custom', message: `duplicate criterion ${c.id}`, path: ['criteria', i, 'id'] });
      seen.add(c.id);
    });
  })
  .describe('Criteria, scale and thresholds of one evaluation stage');
export type StageCriteria = z.infer<typeof stageCriteria>;
export type StageCriteriaDraft = z.input<typeof stageCriteria>;

export const evaluationStages = ['pre-proposal', 'full-proposal'] as const;
export const evaluationStage = z.enum(evaluationStages);
export type EvaluationStage = z.infer<typeof evaluationStage>;

/**
 * Default criteria: the excellence / impact / implementation triad on 0–5, threshold 3 each and 10
 * overall, as in ERA-NET Cofund and FP7-style evaluations (ERA-LEARN evaluation procedures,
 * https://www.era-learn.eu/support-for-partnerships/implementing-joint-calls/evaluation/evaluation-procedures ;
 * thresholds: http://www.pro-ideal.eu/content/evaluation). ERA PerMed's own wording, weights,
 * thresholds and half-point rule were not found: whole points are an assumption, set per call.
 */
export const defaultStageCriteria: StageCriteria = stageCriteria.parse({
  criteria: [
    { id: 'excellence', label: 'Excellence', weight: 1, threshold: 3 },
    { id: 'impact', label: 'Impact', weight: 1, threshold: 3 },
    { id: 'implementation', label: 'Quality and efficiency of the implementation', weight: 1, threshold: 3 },
  ],
  scale: { min: 0, max: 5 },
  halfPoints: false,
  total: 'weighted-sum',
  totalThreshold: 10,
});

export const evaluationCriteria = z
  .object({ 'pre-proposal': stageCriteria.optional(), 'full-proposal': stageCriteria.optional() })
  .strict()
  .describe('Per-stage criteria; a stage without its own uses the other stage’s, then the defaults');
export type EvaluationCriteria = z.infer<typeof evaluationCriteria>;

/** TRANSCAN-style calls use the same criteria at both stages, so a stage without its own falls back to the other. */
export function criteriaForStage(settings: EvaluationCriteria, stage: EvaluationStage): StageCriteria {
  const other = stage === 'pre-proposal' ? 'full-proposal' : 'pre-proposal';
  return settings[stage] ?? settings[other] ?? defaultStageCriteria;
}
