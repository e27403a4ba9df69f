import { z } from 'zod';
import { countryCode, currencyCode, regionCode } from './common.ts';

/**
 * Stable id of a funding organisation, e.g. "bmbf", "frqs", "vr". Shorter than the generic `slug`
 * because several funders are known by two-letter acronyms.
 */
export const funderId = z
  .string()
  .min(2)
  .max(40)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lower-case letters, digits and single hyphens, e.g. "bmbf"')
  .describe('Funder id (slug)');
export type FunderId = z.infer<typeof funderId>;

/** A funding organisation as kept in the funder registry (independent of any one call). */
export const funder = z
  .object({
    id: funderId,
    // null when the reference could not name the agency (the Catalan funder); see `nameConfirmed`.
    acronym: z.string().trim().min(1).max(40).nullable(),
    name: z.string().trim().min(1).max(300),
    country: countryCode,
    region: regionCode.optional().describe('Set for a regional funder: its ISO 3166-2 region'),
    coveredRegions: z
      .array(regionCode)
      .min(1)
      .optional()
      .describe(
        'When the funder serves several ISO 3166-2 regions (e.g. F.R.S.-FNRS: Wallonia and Brussels); includes `region`',
      ),
    currency: currencyCode.describe('Currency in which partners of this funder state their budget'),
    website: z.url().optional(),
    nameConfirmed: z
      .boolean()
      .describe('false when the agency name is inferred rather than read in a source'),
    note: z
      .string()
      .max(2000)
      .optional()
      .describe('Provenance of the entry (why a currency or region was chosen)'),
  })
  .strict()
  .superRefine((f, ctx) => {
    if (f.region && !f.region.startsWith(`${f.country}-`)) {
      ctx.addIssue({
        code: 'custom',
        message: `region ${f.region} is not in country ${f.country}`,
        path: ['region'],
      });
    }
    f.coveredRegions?.forEach((r, i) => {
      if (!r.startsWith(`${f.country}-`)) {
        ctx.addIssue({
          code: 'custom',
          message: `region ${r} is not in country ${f.country}`,
          path: ['coveredRegions', i],
        });
      }
    });
    if (f.coveredRegions && (!f.region || !f.coveredRegions.includes(f.region))) {
      ctx.addIssue({
        code: 'custom',
        message: 'coveredRegions must include region',
        path: ['coveredRegions'],
      });
    }
  });
export type Funder = z.infer<typeof funder>;

/** How a funder is named in messages: its acronym, or its name when it has none. */
export function funderLabel(f: { acronym: string | null; name: string }): string {
  return f.acronym ?? f.name;
}

/** The ISO 3166-2 regions a regional funder serves; empty for a national funder. */
export function funderRegions(f: {
  region?: string | undefined;
  coveredRegions?: readonly string[] | undefined;
}): readonly string[] {
  return f.coveredRegions ?? (f.region ? [f.region] : []);
}
