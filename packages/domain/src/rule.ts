import { z } from 'zod';
import { ianaZone, money, source } from './common.ts';
import { funderId } from './funder.ts';
import { costCategory, organisationType } from './proposal.ts';
import { moduleSelector } from './research-areas.ts';

export const ruleLevel = z
  .enum(['error', 'warning'])
  .describe('error blocks eligibility; warning is advisory');
export type RuleLevel = z.infer<typeof ruleLevel>;

/** The submission stage a proposal is checked for. */
export const proposalStage = z.enum(['pre-proposal', 'full-proposal']);
export type ProposalStage = z.infer<typeof proposalStage>;

export const ruleStage = z.enum(['pre-proposal', 'full-proposal', 'both']);
export type RuleStage = z.infer<typeof ruleStage>;

export const ruleScope = z.enum(['call', 'funder']);
export type RuleScope = z.infer<typeof ruleScope>;

export const ruleId = z
  .string()
  .min(3)
  .max(80)
  .regex(/^[a-z0-9]+(?:[-.][a-z0-9]+)*$/, 'must be lower-case letters, digits, single hyphens or dots');

const count = z.number().int().min(0).max(1000);
const positiveCount = z.number().int().min(1).max(1000);

// Fields every rule carries. Provenance is `source` XOR (`assumption: true` + `note`), checked below;
// `note` may also accompany a source to say what the reference reports.
const base = {
  id: ruleId,
  level: ruleLevel,
  stage: ruleStage,
  funderId: funderId.optional().describe('Required when scope is "funder"'),
  source: source.optional(),
  assumption: z.literal(true).optional().describe('The rule is not documented for this call'),
  note: z.string().trim().min(1).max(2000).optional(),
};
const callScope = { scope: z.literal('call') };
const funderScope = { scope: z.literal('funder') };
const eitherScope = { scope: ruleScope };

const kind = <K extends string, P extends z.ZodType, S extends z.ZodRawShape>(k: K, params: P, scope: S) =>
  z.object({ ...base, ...scope, kind: z.literal(k), params }).strict();

const noParams = z.object({}).strict();
const excludedCategories = z
  .array(costCategory)
  .optional()
  .describe('Cost categories left out of the compared amount, e.g. ["overhead"]');

// ---- consortium rules (scope: call) ----

export const minEligiblePartnersRule = kind(
  'min-eligible-partners',
  z.object({ min: positiveCount }).strict(),
  callScope,
);
export const minEligibleCountriesRule = kind(
  'min-eligible-countries',
  z.object({ min: positiveCount }).strict(),
  callScope,
);
export const minEuAcPartnersRule = kind(
  'min-eu-ac-partners',
  z.object({ minPartners: positiveCount, minCountries: positiveCount }).strict(),
  callScope,
);
export const maxPartnersRule = kind('max-partners', z.object({ max: positiveCount }).strict(), callScope);
export const maxPartnersPerCountryRule = kind(
  'max-partners-per-country',
  z.object({ max: positiveCount }).strict(),
  callScope,
);
export const ownFundedPartnersRule = kind(
  'own-funded-partners',
  z
    .object({
      max: count,
      onlyWithMinEligible: count.describe(
        'Own-funded partners are allowed only with this many eligible partners',
      ),
    })
    .strict(),
  callScope,
);
export const coordinatorEligibleRule = kind('coordinator-eligible', noParams, callScope);
export const moduleCoverageRule = kind(
  'module-coverage',
  z
    .object({
      groups: z
        .array(
          z
            .object({
              anyOf: z.array(moduleSelector).min(1).describe('Alternatives: modules or whole areas'),
            })
            .strict(),
        )
        .min(1)
        .describe('Every group must be covered by at least one module of the proposal'),
    })
    .strict(),
  callScope,
);
export const distinctLegalEntitiesRule = kind(
  'distinct-legal-entities',
  z
    .object({
      minDistinctEligible: positiveCount
        .optional()
        .describe(
          'When set: eligible partners must be at least this many distinct entities; else all partners distinct',
        ),
    })
    .strict(),
  callScope,
);

// ---- partner rules (national layer; some may also be call-wide) ----

export const funderTerritoryRule = kind('funder-territory', noParams, eitherScope);
export const allowedOrganisationTypesRule = kind(
  'allowed-organisation-types',
  z.object({ types: z.array(organisationType).min(1) }).strict(),
  funderScope,
);
export const maxRequestPerPartnerRule = kind(
  'max-request-per-partner',
  z.object({ max: money, excludedCategories }).strict(),
  funderScope,
);
export const minRequestPerPartnerRule = kind(
  'min-request-per-partner',
  z.object({ min: money, excludedCategories }).strict(),
  funderScope,
);
export const maxRequestTotalRule = kind(
  'max-request-total',
  z
    .object({
      tiers: z
        .array(z.object({ fromPartners: positiveCount, max: money }).strict())
        .min(1)
        .describe(
          "The tier with the largest fromPartners not above the number of this funder's partners applies",
        ),
      excludedCategories,
    })
    .strict()
    .superRefine((p, ctx) => {
      const seen = new Set<number>();
      p.tiers.forEach((t, i) => {
        if (seen.has(t.fromPartners)) {
          ctx.addIssue({
            code: 'custom',
            message: 'fromPartners repeats an earlier tier',
            path: ['tiers', i, 'fromPartners'],
          });
        }
        seen.add(t.fromPartners);
        if (t.max.currency !== p.tiers[0]?.max.currency) {
          ctx.addIssue({
            code: 'custom',
            message: 'all tiers must use one currency',
            path: ['tiers', i, 'max', 'currency'],
          });
        }
      });
    }),
  funderScope,
);
export const maxFunderPartnersRule = kind(
  'max-funder-partners',
  z.object({ max: positiveCount }).strict(),
  funderScope,
);
export const excludedModulesRule = kind(
  'excluded-modules',
  z.object({ modules: z.array(moduleSelector).min(1) }).strict(),
  funderScope,
);
export const onePerPrincipalInvestigatorRule = kind('one-proposal-per-pi', noParams, eitherScope);
export const nationalApplicationRule = kind(
  'national-application',
  z
    .object({
      requirement: z.enum(['parallel-application', 'pre-eligibility-check', 'additional-form']),
      system: z.string().trim().min(1).max(100).optional().describe('National system, e.g. "Prisma"'),
      description: z.string().trim().min(1).max(500),
      due: z
        .object({
          date: z.iso.date(),
          // Sources often give only the day; a time is kept when announced.
          time: z
            .string()
            .regex(/^\d{2}:\d{2}$/)
            .optional(),
          zone: ianaZone,
        })
        .strict()
        .optional(),
    })
    .strict(),
  funderScope,
);
export const maxDurationRule = kind(
  'max-duration-months',
  z.object({ max: positiveCount }).strict(),
  funderScope,
);

const ruleMembers = [
  minEligiblePartnersRule,
  minEligibleCountriesRule,
  minEuAcPartnersRule,
  maxPartnersRule,
  maxPartnersPerCountryRule,
  ownFundedPartnersRule,
  coordinatorEligibleRule,
  moduleCoverageRule,
  distinctLegalEntitiesRule,
  funderTerritoryRule,
  allowedOrganisationTypesRule,
  maxRequestPerPartnerRule,
  minRequestPerPartnerRule,
  maxRequestTotalRule,
  maxFunderPartnersRule,
  excludedModulesRule,
  onePerPrincipalInvestigatorRule,
  nationalApplicationRule,
  maxDurationRule,
] as const;

/** An eligibility rule as data: a known kind with typed params, a level, a scope, a stage and a provenance. */
export const rule = z.discriminatedUnion('kind', ruleMembers).superRefine((r, ctx) => {
  if ((r.source === undefined) === (r.assumption === undefined)) {
    ctx.addIssue({
      code: 'custom',
      message: 'give exactly one of `source` or `assumption: true`',
      path: ['source'],
    });
  }
  if (r.assumption && !r.note) {
    ctx.addIssue({
      code: 'custom',
      message: 'an assumption needs a `note` saying which neighbouring call documents it',
      path: ['note'],
    });
  }
  if (r.scope === 'funder' && !r.funderId) {
    ctx.addIssue({ code: 'custom', message: 'a funder rule needs `funderId`', path: ['funderId'] });
  }
  if (r.scope === 'call' && r.funderId) {
    ctx.addIssue({ code: 'custom', message: 'a call rule must not name a funder', path: ['funderId'] });
  }
});
export type Rule = z.infer<typeof rule>;
export type RuleKind = Rule['kind'];
export type RuleOfKind<K extends RuleKind> = Extract<Rule, { kind: K }>;

export const ruleKinds: readonly RuleKind[] = ruleMembers.map((m) => m.shape.kind.value);
