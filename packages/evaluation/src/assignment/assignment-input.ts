import { countryCode } from '@permed/domain';
import { z } from 'zod';

const id = z.string().trim().min(1);

export const pairRef = z.object({ reviewerId: id, proposalId: id }).strict();
export type PairRef = z.infer<typeof pairRef>;

/** Bid levels where the call lets reviewers bid; unbid pairs fall back to half their expertise affinity. */
export const bidLevels = ['eager', 'willing', 'in-a-pinch', 'not-willing'] as const;
export const bidLevel = z.enum(bidLevels);
export type BidLevel = z.infer<typeof bidLevel>;

/** Affinities are integers in 0..AFFINITY_SCALE so the optimiser is exact and deterministic. */
export const AFFINITY_SCALE = 1000;

export const affinitySource = z
  .discriminatedUnion('mode', [
    z.object({ mode: z.literal('expertise') }).strict(),
    z.object({ mode: z.literal('bids'), bids: z.array(pairRef.extend({ level: bidLevel })) }).strict(),
    z
      .object({
        mode: z.literal('explicit'),
        values: z.array(pairRef.extend({ value: z.number().int().min(0).max(AFFINITY_SCALE) })),
        /** Affinity of pairs not listed. */
        otherwise: z.number().int().min(0).max(AFFINITY_SCALE).default(0),
      })
      .strict(),
  ])
  .describe('Where the affinity of a reviewer for a proposal comes from');
export type AffinitySource = z.infer<typeof affinitySource>;

export const assignmentSettings = z
  .object({
    /** Exactly this many reviewers per proposal (ERA-NET Cofund practice: at least 3). */
    reviewersPerProposal: z.number().int().min(1).default(3),
    maxLoad: z.number().int().min(0).default(10),
    minLoad: z.number().int().min(0).default(0),
    /** No two reviewers of one proposal from the same country. */
    distinctCountries: z.boolean().default(false),
  })
  .strict()
  .refine((s) => s.minLoad <= s.maxLoad, { message: 'minLoad must not exceed maxLoad', path: ['minLoad'] });
export type AssignmentSettings = z.infer<typeof assignmentSettings>;

export const assignmentProposal = z
  .object({ id, keywords: z.array(z.string()).default([]), areas: z.array(z.string()).default([]) })
  .strict();

export const assignmentReviewer = z
  .object({
    id,
    country: countryCode,
    expertise: z.array(z.string()).default([]),
    /** Per-reviewer limits where a reviewer agreed to a different load than the call's. */
    maxLoad: z.number().int().min(0).optional(),
    minLoad: z.number().int().min(0).optional(),
  })
  .strict();

export const assignmentInput = z
  .object({
    proposals: z.array(assignmentProposal),
    reviewers: z.array(assignmentReviewer),
    settings: assignmentSettings.prefault({}),
    affinity: affinitySource.prefault({ mode: 'expertise' }),
    /** Pairs that must never be assigned (conflicts of interest, detected or declared). */
    conflicts: z.array(pairRef).default([]),
    /** Pairs the reviewer declined; never proposed again. */
    declined: z.array(pairRef).default([]),
    /** Pairs that must stay assigned (e.g. accepted assignments when re-solving after a decline). */
    fixed: z.array(pairRef).default([]),
  })
  .strict()
  .superRefine((input, ctx) => {
    const proposalIds = new Set<string>();
    input.proposals.forEach((p, i) => {
      if (proposalIds.has(p.id))
        ctx.addIssue({
          code: 'custom',
          message: `duplicate proposal id ${p.id}`,
          path: ['proposals', i, 'id'],
        });
      proposalIds.add(p.id);
    });
    const reviewerIds = new Set<string>();
    input.reviewers.forEach((r, i) => {
      if (reviewerIds.has(r.id))
        ctx.addIssue({
          code: 'custom',
          message: `duplicate reviewer id ${r.id}`,
          path: ['reviewers', i, 'id'],
        });
      reviewerIds.add(r.id);
      const min = r.minLoad ?? input.settings.minLoad;
      const max = r.maxLoad ?? input.settings.maxLoad;
      if (min > max)
        ctx.addIssue({
          code: 'custom',
          message: `minLoad ${min} exceeds maxLoad ${max}`,
          path: ['reviewers', i, 'minLoad'],
        });
    });
    const checkPairs = (path: string[], pairs: readonly PairRef[]) =>
      pairs.forEach((pair, i) => {
        if (!reviewerIds.has(pair.reviewerId)) {
          ctx.addIssue({
            code: 'custom',
            message: `unknown reviewer ${pair.reviewerId}`,
            path: [...path, i, 'reviewerId'],
          });
        }
        if (!proposalIds.has(pair.proposalId)) {
          ctx.addIssue({
            code: 'custom',
            message: `unknown proposal ${pair.proposalId}`,
            path: [...path, i, 'proposalId'],
          });
        }
      });
    checkPairs(['conflicts'], input.conflicts);
    checkPairs(['declined'], input.declined);
    checkPairs(['fixed'], input.fixed);
    if (input.affinity.mode === 'bids') checkPairs(['affinity', 'bids'], input.affinity.bids);
    if (input.affinity.mode === 'explicit') checkPairs(['affinity', 'values'], input.affinity.values);
  });
export type AssignmentInput = z.infer<typeof assignmentInput>;
export type AssignmentInputDraft = z.input<typeof assignmentInput>;

export const solverOptions = z
  .object({
    /**
     * Candidate reviewers kept per proposal before solving. The result stays exact whatever the
     * value: the set widens when it makes the problem infeasible and grows by pricing when a left-out
     * pair could improve the optimum. 'all' disables sparsification.
     */
    candidatesPerProposal: z.union([z.number().int().min(1), z.literal('all')]).optional(),
  })
  .strict();
export type SolverOptions = z.infer<typeof solverOptions>;
