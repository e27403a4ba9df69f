import { z } from 'zod';
import { MAX_PARTNERS, moduleCode, partner, slug, type Partner, type ProposalDocument } from '@permed/domain';

/**
 * The editable draft. A draft may be incomplete (an empty abstract, no modules yet): completeness
 * is reported by the validation and enforced at submission, never by refusing to save. What is
 * given is checked as strictly as the submitted ProposalDocument (same field schemas and limits,
 * unknown fields refused), so a draft always turns into a valid document once it is complete.
 */
const text = (max: number) => z.string().trim().min(1).max(max);

export const ABSTRACT_HARD_LIMIT = 20_000;

function noDuplicateModules(modules: readonly string[] | undefined, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  modules?.forEach((m, i) => {
    if (seen.has(m))
      ctx.addIssue({ code: 'custom', message: `module ${m} is listed twice`, path: ['modules', i] });
    seen.add(m);
  });
}

const headerFields = {
  acronym: text(20).describe('Short name of the proposal'),
  title: z.string().trim().max(200),
  abstract: z
    .string()
    .trim()
    .max(ABSTRACT_HARD_LIMIT)
    .describe(
      "Plain text; the call's own limit (abstractMaxCharacters, in code points) is a validation error",
    ),
  keywords: z.array(text(100)).max(10),
  modules: z.array(moduleCode).max(8).describe('Research areas / modules of the call'),
  durationMonths: z.number().int().min(12).max(48).nullable(),
};

export const draftHeader = z
  .object(headerFields)
  .strict()
  .superRefine((h, ctx) => noDuplicateModules(h.modules, ctx));
export type DraftHeader = z.infer<typeof draftHeader>;

export const emptyHeader = (acronym: string): DraftHeader => ({
  acronym,
  title: '',
  abstract: '',
  keywords: [],
  modules: [],
  durationMonths: null,
});

/** PATCH of the header: the fields given replace the stored ones; the rest stay. */
export const headerPatch = z
  .object(headerFields)
  .partial()
  .strict()
  .superRefine((h, ctx) => {
    noDuplicateModules(h.modules, ctx);
    if (Object.keys(h).length === 0) ctx.addIssue({ code: 'custom', message: 'nothing to change', path: [] });
  });
export type HeaderPatch = z.infer<typeof headerPatch>;

function noDuplicatePartners(partners: readonly Partner[] | undefined, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  partners?.forEach((p, i) => {
    if (seen.has(p.id)) {
      ctx.addIssue({
        code: 'custom',
        message: `partner id "${p.id}" is used twice`,
        path: ['partners', i, 'id'],
      });
    }
    seen.add(p.id);
  });
}

export const createProposalBody = z
  .object({
    callSlug: slug.describe('The call to apply to; its submission stage must be open'),
    ...headerFields,
    title: headerFields.title.optional(),
    abstract: headerFields.abstract.optional(),
    keywords: headerFields.keywords.optional(),
    modules: headerFields.modules.optional(),
    durationMonths: headerFields.durationMonths.optional(),
    partners: z.array(partner).max(MAX_PARTNERS).optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    noDuplicateModules(b.modules, ctx);
    noDuplicatePartners(b.partners, ctx);
  });
export type CreateProposalBody = z.infer<typeof createProposalBody>;

/** A partner section: a complete partner of the ProposalDocument. */
export const partnerSection = partner;
export type PartnerSection = Partner;

/** The draft as one ProposalDocument-shaped value (possibly incomplete). */
export interface DraftDocument extends DraftHeader {
  partners: Partner[];
}

/** The draft in the document's own field order, ready for `proposalDocument.safeParse`. */
export function draftDocument(header: DraftHeader, partners: readonly Partner[]): DraftDocument {
  return {
    acronym: header.acronym,
    title: header.title,
    abstract: header.abstract,
    keywords: header.keywords,
    modules: header.modules,
    durationMonths: header.durationMonths,
    partners: [...partners],
  };
}

/** Reads the header from its stored jsonb (always written through `draftHeader`). */
export function storedHeader(value: Record<string, unknown>): DraftHeader {
  return value as unknown as DraftHeader;
}

export type { ProposalDocument };
