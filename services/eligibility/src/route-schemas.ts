import { z } from 'zod';
import { budget, funderId, organisation, principalInvestigator, proposalStage } from '@permed/domain';
import { finding, verdict } from '@permed/rules';
import { proposalOutcomes } from './derive-outcome.ts';
import { verdictReasonCode } from './record-verdict.ts';

// Response objects are plain (non-strict) zod objects: serialisation strips any field not declared
// here, so a use case returning more than it should cannot leak it.

export const slugParam = z.object({ slug: z.string().min(1).max(64) }).strict();
export const funderParams = z.object({ slug: z.string().min(1).max(64), funderId }).strict();
export const partnerParams = z
  .object({
    slug: z.string().min(1).max(64),
    funderId,
    proposalId: z.uuid(),
    partnerId: z.string().min(1).max(32),
  })
  .strict();
export const stageQuery = z
  .object({
    stage: proposalStage.optional().describe('Defaults to the stage the eligibility check is about'),
  })
  .strict();

export const problem = z.unknown().describe('application/problem+json (RFC 9457)');
export const problems = { 400: problem, 403: problem, 404: problem, 409: problem };

export const preCheckResponse = verdict.extend({
  call: z.object({ slug: z.string(), version: z.number().int() }),
});

const outcome = z.enum(proposalOutcomes);

export const verdictView = z.object({
  verdict: z.enum(['eligible', 'not-eligible']),
  reasonCode: verdictReasonCode.nullable(),
  note: z.string().nullable(),
  callVersion: z.number().int(),
  proposalSeq: z.number().int(),
  recordedAt: z.string(),
  recordedBy: z.string(),
});

const callHeader = z.object({
  slug: z.string(),
  version: z.number().int(),
  state: z.string(),
});

const funderHeader = z.object({
  id: z.string(),
  name: z.string(),
  acronym: z.string().nullable(),
  currency: z.string(),
});

export const workspacePartner = z.object({
  proposalId: z.string(),
  acronym: z.string(),
  title: z.string(),
  proposalState: z.string().nullable(),
  proposalSeq: z.number().int(),
  submittedAt: z.string(),
  proposalOutcome: outcome,
  partner: z.object({
    id: z.string(),
    coordinator: z.boolean(),
    organisation,
    pi: principalInvestigator,
    budget,
    requestedMinor: z.number().int(),
  }),
  automatic: z.object({
    errorCount: z.number().int(),
    warningCount: z.number().int(),
    findings: z.array(finding),
  }),
  verdict: verdictView.nullable(),
});

export const workspaceResponse = z.object({
  call: callHeader,
  funder: funderHeader,
  stage: proposalStage,
  done: z.object({ at: z.string(), by: z.string() }).nullable(),
  partners: z.array(workspacePartner),
});

export const funderProposalsResponse = z.object({
  call: callHeader,
  funder: funderHeader,
  stage: proposalStage,
  proposals: z.array(
    z.object({
      proposalId: z.string(),
      acronym: z.string(),
      proposalState: z.string().nullable(),
      outcome,
      ownPartners: z.number().int(),
      ownPending: z.number().int(),
    }),
  ),
});

const tally = z.object({ partners: z.number().int(), amountMinor: z.number().int() });

export const budgetResponse = z.object({
  funderId: z.string(),
  stage: proposalStage,
  currency: z.string(),
  commitment: z.object({ amountMinor: z.number().int(), currency: z.string() }),
  requested: tally.extend({ proposals: z.number().int() }),
  byVerdict: z.object({ eligible: tally, notEligible: tally, pending: tally }),
  byProposalOutcome: z.object({ eligible: tally, pending: tally, declined: tally }),
  stillInPlayMinor: z.number().int(),
  gapMinor: z.number().int().nullable(),
  coverageRatio: z.number().nullable(),
  notInFunderCurrency: z.array(
    z.object({ proposalId: z.string(), partnerId: z.string(), currency: z.string() }),
  ),
});

export const recordVerdictResponse = z.object({
  proposalId: z.string(),
  partnerId: z.string(),
  funderId: z.string(),
  stage: proposalStage,
  verdict: verdictView,
  previous: verdictView.nullable(),
  proposalOutcome: outcome,
});

export const verdictHistoryResponse = z.object({
  proposalId: z.string(),
  partnerId: z.string(),
  stage: proposalStage,
  history: z.array(verdictView),
});

export const doneResponse = z.object({
  funderId: z.string(),
  stage: proposalStage,
  doneAt: z.string(),
  doneBy: z.string(),
  alreadyDone: z.boolean(),
  partners: z.number().int(),
});

const funderProgress = z.object({
  funderId: z.string(),
  name: z.string(),
  partners: z.number().int(),
  verdicts: z.number().int(),
  notEligible: z.number().int(),
  pending: z.number().int(),
  done: z.object({ at: z.string(), by: z.string() }).nullable(),
  status: z.enum(['done', 'pending', 'nothing-to-check']),
});

export const fundersProgressResponse = z.object({
  call: callHeader,
  stage: proposalStage,
  pendingFunders: z.number().int(),
  funders: z.array(funderProgress),
});

const formalItem = z.object({
  id: z.string(),
  ok: z.boolean(),
  message: z.string(),
  facts: z.record(z.string(), z.unknown()),
});

export const overviewResponse = z.object({
  call: callHeader,
  stage: proposalStage,
  pendingFunders: z.number().int(),
  funders: z.array(funderProgress),
  proposals: z.array(
    z.object({
      proposalId: z.string(),
      acronym: z.string(),
      proposalState: z.string().nullable(),
      proposalSeq: z.number().int(),
      submittedAt: z.string(),
      automatic: z
        .object({ eligible: z.boolean(), errorCount: z.number().int(), warningCount: z.number().int() })
        .nullable(),
      formal: z.object({
        items: z.array(formalItem),
        recorded: z
          .object({
            result: z.enum(['passed', 'failed']),
            note: z.string().nullable(),
            at: z.string(),
            by: z.string(),
            proposalSeq: z.number().int(),
          })
          .nullable(),
      }),
      national: z.object({
        outcome,
        pendingPartners: z.array(z.object({ partnerId: z.string(), funderId: z.string() })),
        declinedBy: z.array(
          z.object({ partnerId: z.string(), funderId: z.string(), reason: z.string().nullable() }),
        ),
      }),
    }),
  ),
});

export const formalCheckResponse = z.object({
  proposalId: z.string(),
  stage: proposalStage,
  proposalSeq: z.number().int(),
  result: z.enum(['passed', 'failed']),
  note: z.string().nullable(),
  items: z.array(formalItem),
  recordedAt: z.string(),
  recordedBy: z.string(),
});

export const runChecksResponse = z.object({
  stage: proposalStage,
  callVersion: z.number().int(),
  proposals: z.number().int(),
  evaluated: z.number().int(),
  eligible: z.number().int(),
  stored: z.boolean(),
  timings: z.object({ readMs: z.number(), evaluateMs: z.number(), writeMs: z.number() }),
});

export const applyOutcomesResponse = z.object({
  applied: z.array(
    z.object({
      proposalId: z.string(),
      acronym: z.string(),
      outcome: z.enum(['eligible', 'declined']),
      event: z.enum(['DECLARE_ELIGIBLE', 'DECLARE_INELIGIBLE']),
      reason: z.string().nullable(),
    }),
  ),
  skipped: z.array(
    z.object({
      proposalId: z.string(),
      acronym: z.string(),
      reason: z.string(),
      pendingPartners: z.array(z.string()),
    }),
  ),
  failed: z.array(
    z.object({ proposalId: z.string(), acronym: z.string(), code: z.string(), detail: z.string() }),
  ),
  notInCheck: z.number().int(),
});
