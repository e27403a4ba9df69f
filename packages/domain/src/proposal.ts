import { z } from 'zod';
import { countryCode, currencyCode, minorUnits, regionCode } from './common.ts';
import { funderId } from './funder.ts';
import { moduleCode } from './research-areas.ts';

export const MAX_PARTNERS = 20;

// Each partner's total is capped so that the sum over MAX_PARTNERS partners stays an exact integer
// (MAX_PARTNERS * 1e14 < 2^53): funder totals are added up in plain numbers.
export const MAX_PARTNER_TOTAL_MINOR = 100_000_000_000_000;

export const organisationType = z
  .enum([
    'academia',
    'clinical-public-health',
    'company-sme',
    'company-large',
    'patient-organisation',
    'other',
  ])
  .describe('Kind of organisation a partner belongs to');
export type OrganisationType = z.infer<typeof organisationType>;

export const costCategory = z.enum([
  'personnel',
  'consumables',
  'equipment',
  'travel',
  'subcontracting',
  'overhead',
]);
export type CostCategory = z.infer<typeof costCategory>;
export const costCategories: readonly CostCategory[] = costCategory.options;

/** ISO 7064 MOD 11-2, the check character of an ORCID iD. */
export function orcidCheckCharacter(first15Digits: string): string {
  let total = 0;
  for (const ch of first15Digits) total = (total + Number(ch)) * 2;
  const result = (12 - (total % 11)) % 11;
  return result === 10 ? 'X' : String(result);
}

export const orcid = z
  .string()
  .regex(/^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$/, 'must look like 0000-0002-1825-0097')
  .refine((id) => orcidCheckCharacter(id.replaceAll('-', '').slice(0, 15)) === id.at(-1), {
    message: 'has a wrong check digit (ISO 7064 MOD 11-2)',
  })
  .describe('ORCID iD, e.g. 0000-0002-1825-0097');

const crockford = '0123456789abcdefghjkmnpqrstvwxyz';

/** True when the 9-character ROR id (e.g. "013meh722") carries a valid ISO 7064 MOD 97-10 checksum. */
export function rorChecksumValid(id: string): boolean {
  let n = 0;
  for (const ch of id.slice(0, 7)) n = n * 32 + crockford.indexOf(ch);
  return String(98 - ((n * 100) % 97)).padStart(2, '0') === id.slice(7);
}

/** The bare 9-character ROR id of either accepted spelling. */
export function bareRorId(rorId: string): string {
  return rorId.slice(-9);
}

export const rorId = z
  .string()
  .regex(
    /^(https:\/\/ror\.org\/)?0[0-9a-hjkmnp-tv-z]{6}\d{2}$/,
    'must be a ROR id such as "https://ror.org/013meh722" or "013meh722"',
  )
  .refine((id) => rorChecksumValid(bareRorId(id)), { message: 'has a wrong ROR checksum' })
  .describe('Research Organization Registry id');

/** Partner ids are short and local to one proposal ("charite", "p1"). */
export const partnerId = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lower-case letters, digits and single hyphens');

export const budget = z
  .object({
    currency: currencyCode,
    personnel: minorUnits,
    consumables: minorUnits,
    equipment: minorUnits,
    travel: minorUnits,
    subcontracting: minorUnits,
    overhead: minorUnits,
  })
  .strict()
  .superRefine((b, ctx) => {
    if (budgetTotalMinor(b) > MAX_PARTNER_TOTAL_MINOR) {
      ctx.addIssue({
        code: 'custom',
        message: `total must not exceed ${MAX_PARTNER_TOTAL_MINOR} minor units`,
        path: [],
      });
    }
  })
  .describe('Requested budget by cost category, in integer minor units of the funder currency');
export type Budget = z.infer<typeof budget>;

/** Sum of the cost categories, leaving out `excluded` ones (e.g. a cap "excluding overhead"). */
export function budgetTotalMinor(b: Budget, excluded: readonly CostCategory[] = []): number {
  let total = 0;
  for (const c of costCategories) if (!excluded.includes(c)) total += b[c];
  return total;
}

const text = (max: number) => z.string().trim().min(1).max(max);

export const organisation = z
  .object({
    name: text(300),
    legalEntityId: text(100)
      .optional()
      .describe('Identifier of the legal entity (e.g. PIC), to spot one entity twice'),
    country: countryCode,
    region: regionCode.optional(),
    type: organisationType,
    rorId: rorId.optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.region && !o.region.startsWith(`${o.country}-`)) {
      ctx.addIssue({
        code: 'custom',
        message: `region ${o.region} is not in country ${o.country}`,
        path: ['region'],
      });
    }
  });
export type Organisation = z.infer<typeof organisation>;

export const principalInvestigator = z
  .object({ name: text(200), email: z.email().max(254), orcid: orcid.optional() })
  .strict();
export type PrincipalInvestigator = z.infer<typeof principalInvestigator>;

export const partner = z
  .object({
    id: partnerId,
    organisation,
    pi: principalInvestigator,
    funderId: funderId.nullable().describe('The funder this partner asks money from; null = own-funded'),
    coordinator: z.boolean(),
    budget,
  })
  .strict();
export type Partner = z.infer<typeof partner>;

/** The proposal document: what the proposals service stores and the eligibility pre-check takes. */
export const proposalDocument = z
  .object({
    acronym: text(20),
    title: text(200),
    // Generous on purpose: the call's own abstract limit is a formal check of the call office.
    abstract: text(20_000),
    keywords: z.array(text(100)).min(1).max(10),
    modules: z.array(moduleCode).min(1).max(8),
    durationMonths: z.number().int().min(12).max(48),
    partners: z.array(partner).min(1).max(MAX_PARTNERS),
  })
  .strict()
  .superRefine((doc, ctx) => {
    const seenModules = new Set<string>();
    doc.modules.forEach((m, i) => {
      if (seenModules.has(m))
        ctx.addIssue({ code: 'custom', message: `module ${m} is listed twice`, path: ['modules', i] });
      seenModules.add(m);
    });
    const seenIds = new Set<string>();
    doc.partners.forEach((p, i) => {
      if (seenIds.has(p.id)) {
        ctx.addIssue({
          code: 'custom',
          message: `partner id "${p.id}" is used twice`,
          path: ['partners', i, 'id'],
        });
      }
      seenIds.add(p.id);
    });
    const coordinators = doc.partners.flatMap((p, i) => (p.coordinator ? [i] : []));
    if (coordinators.length === 0) {
      ctx.addIssue({
        code: 'custom',
        message: 'exactly one partner must be the coordinator; none is',
        path: ['partners'],
      });
    }
    for (const i of coordinators.slice(1)) {
      ctx.addIssue({
        code: 'custom',
        message: 'exactly one partner must be the coordinator; this is a second one',
        path: ['partners', i, 'coordinator'],
      });
    }
  });
export type ProposalDocument = z.infer<typeof proposalDocument>;

export interface RegistryIssue {
  readonly code: 'UNKNOWN_FUNDER' | 'CURRENCY_MISMATCH';
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * Checks a parsed proposal against the funders it may ask (a registry or a call's participating
 * funders): every funderId must be known and each budget must be in its funder's currency, since
 * national caps are compared in that currency and never converted implicitly.
 */
export function validateProposalAgainstRegistry(
  doc: ProposalDocument,
  funders: readonly { id: string; currency: string }[],
): RegistryIssue[] {
  const byId = new Map(funders.map((f) => [f.id, f]));
  const issues: RegistryIssue[] = [];
  doc.partners.forEach((p, i) => {
    if (p.funderId === null) return;
    const f = byId.get(p.funderId);
    if (!f) {
      issues.push({
        code: 'UNKNOWN_FUNDER',
        path: ['partners', i, 'funderId'],
        message: `funder "${p.funderId}" is not known`,
      });
    } else if (p.budget.currency !== f.currency) {
      issues.push({
        code: 'CURRENCY_MISMATCH',
        path: ['partners', i, 'budget', 'currency'],
        message: `budget is in ${p.budget.currency} but funder "${f.id}" takes budgets in ${f.currency}`,
      });
    }
  });
  return issues;
}
