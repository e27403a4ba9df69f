import {
  countryCode,
  currencyCode,
  funderId,
  proposalStage,
  type ProposalStage,
  regionCode,
  type Rule,
  ruleLevel,
  source,
} from '@permed/domain';
import { z } from 'zod';

/** A funder taking part in one call, with the currency its partners budget in for that call. */
export const participatingFunder = z
  .object({
    id: funderId,
    acronym: z.string().min(1).nullable(),
    name: z.string().min(1),
    country: countryCode,
    region: regionCode.optional(),
    coveredRegions: z.array(regionCode).min(1).optional(),
    currency: currencyCode,
  })
  .strict();
export type ParticipatingFunder = z.infer<typeof participatingFunder>;

/** A funder's recorded national verdict on one of its partners. */
export const officialVerdict = z
  .object({
    partnerId: z.string().min(1),
    funderId,
    verdict: z.enum(['eligible', 'ineligible']),
    reason: z.string().max(2000).optional(),
  })
  .strict();
export type OfficialVerdict = z.infer<typeof officialVerdict>;

/** What the one-proposal-per-PI rule needs to know about the call's other proposals. */
export interface OtherProposal {
  readonly proposalId: string;
  readonly acronym: string;
  readonly partners: readonly {
    readonly pi: { readonly email: string; readonly orcid?: string | undefined };
  }[];
}

export interface EligibilityContext {
  readonly callId?: string;
  readonly callVersion: number;
  readonly stage: ProposalStage;
  readonly funders: readonly ParticipatingFunder[];
  readonly rules: readonly Rule[];
  /** EU member states and countries associated to the framework programme, for this call. */
  readonly euAssociatedCountries: readonly string[];
  /** Id of the proposal being checked, so that it is skipped if it also appears in `otherProposals`. */
  readonly proposalId?: string;
  readonly otherProposals?: readonly OtherProposal[];
  /**
   * Whether a finding may name the other proposals (acronym and id), as in the funders' and the
   * call office's checks. Off by default: an applicant's verdict says how many other proposals
   * share a principal investigator, never which, since those belong to other consortia.
   */
  readonly nameOtherProposals?: boolean;
  readonly officialVerdicts?: readonly OfficialVerdict[];
}

export const finding = z
  .object({
    ruleId: z.string(),
    kind: z.string(),
    level: ruleLevel,
    funderId: z.string().optional(),
    partnerIds: z.array(z.string()),
    facts: z.record(z.string(), z.unknown()).describe('The numbers and ids the finding was computed from'),
    message: z.string(),
    source: source.optional(),
    assumption: z.literal(true).optional(),
    note: z.string().optional(),
    officialVerdict: z
      .object({ funderId: z.string(), reason: z.string().optional() })
      .strict()
      .optional()
      .describe('Set on findings that restate a funder’s recorded official verdict'),
  })
  .strict();
export type Finding = z.infer<typeof finding>;

export const verdict = z
  .object({
    eligible: z.boolean(),
    callVersion: z.number().int(),
    stage: proposalStage,
    findings: z.array(finding),
  })
  .strict();
export type Verdict = z.infer<typeof verdict>;
