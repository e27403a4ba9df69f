import { countryCode, rule, slug, type ProposalStage } from '@permed/domain';
import { z } from 'zod';
import { participatingFunder, type EligibilityContext } from './context.ts';

/**
 * What the eligibility check needs to know about one version of a call: its participating funders
 * (with their currency for this call), its rules and the EU/associated country set. A projection of
 * the full call definition (`CallDefinition` in @permed/domain), joined with the funder registry; it is
 * the shape of the demo call data and of a call JSON file given to the CLI.
 */
export const eligibilityCall = z
  .object({
    id: slug,
    name: z.string().trim().min(1).max(200),
    version: z.number().int().min(1),
    funders: z.array(participatingFunder).min(1),
    rules: z.array(rule),
    euAssociatedCountries: z.array(countryCode).min(1),
  })
  .strict()
  .superRefine((call, ctx) => {
    const funderIds = new Set<string>();
    call.funders.forEach((f, i) => {
      if (funderIds.has(f.id))
        ctx.addIssue({
          code: 'custom',
          message: `funder "${f.id}" is listed twice`,
          path: ['funders', i, 'id'],
        });
      funderIds.add(f.id);
    });
    const ruleIds = new Set<string>();
    call.rules.forEach((r, i) => {
      if (ruleIds.has(r.id))
        ctx.addIssue({
          code: 'custom',
          message: `rule id "${r.id}" is used twice`,
          path: ['rules', i, 'id'],
        });
      ruleIds.add(r.id);
      if (r.funderId && !funderIds.has(r.funderId)) {
        ctx.addIssue({
          code: 'custom',
          message: `rule names funder "${r.funderId}", which does not take part in this call`,
          path: ['rules', i, 'funderId'],
        });
      }
    });
  });
export type EligibilityCall = z.infer<typeof eligibilityCall>;

/** Builds the evaluation context for one stage of a call, plus optional other proposals and verdicts. */
export function contextFromCall(
  call: EligibilityCall,
  stage: ProposalStage,
  extra: Pick<
    EligibilityContext,
    'proposalId' | 'otherProposals' | 'nameOtherProposals' | 'officialVerdicts'
  > = {},
): EligibilityContext {
  return {
    callId: call.id,
    callVersion: call.version,
    stage,
    funders: call.funders,
    rules: call.rules,
    euAssociatedCountries: call.euAssociatedCountries,
    ...extra,
  };
}
