import { z } from 'zod';
import {
  currencyCode,
  ianaZone,
  minorUnits,
  money,
  slug,
  zonedInstant,
  zonedInstantInput,
  toZonedInstant,
} from './common.ts';
import { funderId } from './funder.ts';
import { moduleCode, researchAreas } from './research-areas.ts';
import { rule } from './rule.ts';

/**
 * The windows of a call, in lifecycle order. Only some need dates (the two submission stages,
 * the rebuttal); the others are recorded when a call announces them.
 */
export const stageKinds = [
  'pre-announcement',
  'pre-proposal-submission',
  'eligibility-check',
  'pre-proposal-evaluation',
  'full-proposal-submission',
  'full-proposal-review',
  'rebuttal',
  'panel',
  'funding-recommendation',
  'national-decisions',
] as const;
export const stageKind = z.enum(stageKinds);
export type StageKind = z.infer<typeof stageKind>;

export const stageInput = z
  .object({
    kind: stageKind,
    opensAt: zonedInstantInput,
    closesAt: zonedInstantInput,
    label: z.string().max(200).optional(),
  })
  .strict();

export const stage = z
  .object({
    kind: stageKind,
    opensAt: zonedInstant,
    closesAt: zonedInstant,
    label: z.string().max(200).optional(),
  })
  .strict();
export type Stage = z.infer<typeof stage>;

/**
 * A fixed exchange rate announced for the call, quoted as funders announce them: 1 unit of the
 * call's reporting currency = `rate` units of `currency` (e.g. EUR/PLN 4.4373). A decimal string,
 * so that no float ever enters a money computation.
 */
export const exchangeRate = z
  .object({
    currency: currencyCode,
    rate: z
      .string()
      .regex(/^\d{1,9}(\.\d{1,9})?$/, 'must be a positive decimal string, e.g. "0.0953"')
      .refine((r) => Number(r) > 0, 'must be greater than zero'),
    source: z.url().optional(),
    note: z.string().max(1000).optional(),
  })
  .strict();
export type ExchangeRate = z.infer<typeof exchangeRate>;

export const callFunder = z
  .object({
    funderId,
    currency: currencyCode
      .optional()
      .describe('Overrides the registry currency for this call (e.g. VR stated JTC2020 limits in EUR)'),
    commitment: money.describe(
      "Budget this funder commits to the call, in the funder's currency for this call",
    ),
    contactEmail: z.email().optional(),
    note: z.string().max(2000).optional(),
  })
  .strict();
export type CallFunder = z.infer<typeof callFunder>;

export const criterion = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/),
    name: z.string().min(1).max(200),
    weight: z.number().positive().max(10),
  })
  .strict();

const stageThresholds = z
  .object({
    criteria: z.array(z.string()).min(1).describe('criterion ids scored at this stage'),
    perCriterion: z.number().min(0).max(5).optional().describe('minimum score per criterion'),
    total: z.number().min(0).optional().describe('minimum weighted total'),
  })
  .strict();

export const evaluationSettings = z
  .object({
    scaleMin: z.literal(0).default(0),
    scaleMax: z.literal(5).default(5),
    halfPoints: z.boolean().default(true),
    criteria: z.array(criterion).min(1),
    stages: z
      .object({ 'pre-proposal': stageThresholds.optional(), 'full-proposal': stageThresholds })
      .strict(),
    reviewersPerProposal: z.number().int().min(1).max(10).default(3),
    maxLoadPerReviewer: z.number().int().min(1).max(200).default(10),
    minLoadPerReviewer: z.number().int().min(0).max(200).default(0),
    forbidReviewerSameCountryAsPartner: z.boolean().default(false),
    distinctReviewerCountries: z.boolean().default(false),
    invitationBudgetMultiplier: z.number().positive().max(10).optional(),
  })
  .strict();
export type EvaluationSettings = z.infer<typeof evaluationSettings>;

/** Whether a change between the pre-proposal and the full proposal is free or needs the call office's approval. */
export const stageChangePolicy = z.enum(['allowed', 'approval']);

/**
 * What the call lets a consortium change between its pre-proposal and its full proposal without
 * the call office's approval. The pre-proposal is binding in ERA PerMed-style calls: substantial
 * changes of the consortium or the budget are allowed only exceptionally, on a justified request
 * (reference §2, "Changes between stages"), hence approval by default for the consortium. A budget
 * threshold is the call's own choice (none is sourced), so budget changes need none by default.
 */
export const stageChangeRules = z
  .object({
    partnerAdded: stageChangePolicy.default('approval'),
    partnerRemoved: stageChangePolicy.default('approval'),
    coordinatorChanged: stageChangePolicy.default('approval'),
    budgetChangePercent: z
      .number()
      .min(0)
      .max(1000)
      .multipleOf(0.01)
      .nullable()
      .default(null)
      .describe(
        "A partner's requested budget, or the consortium's total in one currency, moving by more than this percentage of its pre-proposal amount needs approval; null: budget changes need none",
      ),
  })
  .strict();
export type StageChangeRules = z.infer<typeof stageChangeRules>;

export const DEFAULT_STAGE_CHANGES: StageChangeRules = stageChangeRules.parse({});

export const callDefinitionInput = z
  .object({
    slug,
    title: z.string().min(3).max(300),
    topic: z.string().min(3).max(5000),
    zone: ianaZone.describe('Zone in which the call announces its dates (for display and the .ics feed)'),
    twoStage: z.boolean().default(true),
    reportingCurrency: currencyCode.default('EUR'),
    modules: z
      .array(moduleCode)
      .min(1)
      .default(researchAreas.flatMap((a) => a.modules.map((m) => m.code))),
    stages: z.array(stageInput).min(1),
    funders: z.array(callFunder).default([]),
    exchangeRates: z.array(exchangeRate).default([]),
    rules: z.array(rule).default([]),
    evaluation: evaluationSettings,
    rebuttal: z
      .object({
        enabled: z.boolean().default(true),
        maxCharacters: z.number().int().min(100).max(100_000).default(6000),
      })
      .strict()
      .default({ enabled: true, maxCharacters: 6000 }),
    documents: z
      .object({
        maxPages: z.number().int().min(1).max(500).default(10),
        maxBytes: z
          .number()
          .int()
          .min(1024)
          .max(100 * 1024 * 1024)
          .default(10 * 1024 * 1024),
      })
      .strict()
      .default({ maxPages: 10, maxBytes: 10 * 1024 * 1024 }),
    abstractMaxCharacters: z.number().int().min(100).max(20_000).default(2000),
    stageChanges: stageChangeRules.default(DEFAULT_STAGE_CHANGES),
    funding: z
      .object({
        mode: z.enum(['skip', 'no-gaps']).default('skip'),
        fundableCategories: z.array(z.enum(['A', 'B', 'C'])).default(['A', 'B']),
      })
      .strict()
      .default({ mode: 'skip', fundableCategories: ['A', 'B'] }),
    minRequest: minorUnits.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const stages = c.stages.map((s) => ({
      ...s,
      open: Date.parse(toZonedInstant(s.opensAt).at),
      close: Date.parse(toZonedInstant(s.closesAt).at),
    }));
    const seen = new Set<string>();
    stages.forEach((s, i) => {
      if (seen.has(s.kind))
        ctx.addIssue({
          code: 'custom',
          message: `stage ${s.kind} appears twice`,
          path: ['stages', i, 'kind'],
        });
      seen.add(s.kind);
      if (!(s.close > s.open)) {
        ctx.addIssue({ code: 'custom', message: 'closes before it opens', path: ['stages', i, 'closesAt'] });
      }
      const prev = stages[i - 1];
      if (prev) {
        if (stageKinds.indexOf(s.kind) < stageKinds.indexOf(prev.kind)) {
          ctx.addIssue({
            code: 'custom',
            message: `stage ${s.kind} is listed after ${prev.kind}; list stages in lifecycle order`,
            path: ['stages', i, 'kind'],
          });
        } else if (s.open < prev.close) {
          ctx.addIssue({
            code: 'custom',
            message: `opens before the previous stage (${prev.kind}) closes`,
            path: ['stages', i, 'opensAt'],
          });
        }
      }
    });
    if (c.twoStage && !seen.has('pre-proposal-submission')) {
      ctx.addIssue({
        code: 'custom',
        message: 'a two-stage call needs a pre-proposal-submission stage',
        path: ['stages'],
      });
    }
    if (!seen.has('full-proposal-submission')) {
      ctx.addIssue({
        code: 'custom',
        message: 'a call needs a full-proposal-submission stage',
        path: ['stages'],
      });
    }
    const funderIds = new Set<string>();
    c.funders.forEach((f, i) => {
      if (f.currency && f.currency !== f.commitment.currency) {
        ctx.addIssue({
          code: 'custom',
          message: `commitment must be in ${f.currency}`,
          path: ['funders', i, 'commitment', 'currency'],
        });
      }
      if (funderIds.has(f.funderId)) {
        ctx.addIssue({
          code: 'custom',
          message: `funder ${f.funderId} is listed twice`,
          path: ['funders', i, 'funderId'],
        });
      }
      funderIds.add(f.funderId);
    });
    c.rules.forEach((r, i) => {
      if (r.scope === 'funder' && r.funderId && !funderIds.has(r.funderId)) {
        ctx.addIssue({
          code: 'custom',
          message: `rule names funder ${r.funderId}, which is not in the call`,
          path: ['rules', i, 'funderId'],
        });
      }
    });
    const ruleIds = new Set<string>();
    c.rules.forEach((r, i) => {
      if (ruleIds.has(r.id))
        ctx.addIssue({ code: 'custom', message: `rule id ${r.id} is used twice`, path: ['rules', i, 'id'] });
      ruleIds.add(r.id);
    });
    const rateCurrencies = new Set(c.exchangeRates.map((r) => r.currency));
    c.funders.forEach((f, i) => {
      if (f.commitment.currency !== c.reportingCurrency && !rateCurrencies.has(f.commitment.currency)) {
        ctx.addIssue({
          code: 'custom',
          message: `no fixed exchange rate for ${f.commitment.currency} into ${c.reportingCurrency}`,
          path: ['funders', i, 'commitment', 'currency'],
        });
      }
    });
    const criteria = new Set(c.evaluation.criteria.map((x) => x.id));
    for (const st of ['pre-proposal', 'full-proposal'] as const) {
      c.evaluation.stages[st]?.criteria.forEach((id, i) => {
        if (!criteria.has(id)) {
          ctx.addIssue({
            code: 'custom',
            message: `unknown criterion ${id}`,
            path: ['evaluation', 'stages', st, 'criteria', i],
          });
        }
      });
    }
  });
export type CallDefinitionInput = z.input<typeof callDefinitionInput>;
export type ParsedCallDefinitionInput = z.output<typeof callDefinitionInput>;

/** The canonical stored form: every time as a UTC instant plus its zone. */
export type CallDefinition = Omit<ParsedCallDefinitionInput, 'stages'> & { stages: Stage[] };

/**
 * A call definition as stored in a call version (JSON written when it was published). A version
 * stored before a later setting existed reads with that setting's default, so no reader has to
 * know which settings are newer than which versions.
 */
export function storedCallDefinition(stored: unknown): CallDefinition {
  const definition = stored as CallDefinition & { stageChanges?: StageChangeRules };
  return { ...definition, stageChanges: definition.stageChanges ?? DEFAULT_STAGE_CHANGES };
}

export function canonicalCallDefinition(input: ParsedCallDefinitionInput): CallDefinition {
  return {
    ...input,
    stages: input.stages.map((s) => ({
      kind: s.kind,
      opensAt: toZonedInstant(s.opensAt),
      closesAt: toZonedInstant(s.closesAt),
      ...(s.label ? { label: s.label } : {}),
    })),
  };
}

export function stageOf(call: Pick<CallDefinition, 'stages'>, kind: StageKind): Stage | undefined {
  return call.stages.find((s) => s.kind === kind);
}

export const defaultCriteria = [
  { id: 'excellence', name: 'Excellence', weight: 1 },
  { id: 'impact', name: 'Impact', weight: 1 },
  { id: 'implementation', name: 'Quality and efficiency of the implementation', weight: 1 },
] as const;
