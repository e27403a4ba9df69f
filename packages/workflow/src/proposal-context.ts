import { z } from 'zod';

/**
 * What the proposal machine remembers between steps. The stage layout is copied from the call when the
 * proposal is created, so that the proposal machine can be stepped without loading the call.
 */
export const proposalContext = z.object({
  /** Copied from the call: false means the first submission is the full proposal. */
  twoStage: z.boolean(),
  /** Copied from the call: whether a rebuttal stage comes between review and ranking. */
  rebuttal: z.boolean(),
  /** Number of accepted (pre-)proposal submissions; each re-submission before the deadline is a new version. */
  submittedVersion: z.int().nonnegative(),
  /** Number of accepted full-proposal submissions. */
  fullSubmittedVersion: z.int().nonnegative(),
  /** Why the proposal was declined as ineligible, as the call office recorded it. */
  declineReason: z.string().nullable(),
});
export type ProposalContext = z.infer<typeof proposalContext>;

/** Copied from the call when the proposal is created; the rest of the context starts empty. */
export const proposalInput = proposalContext.pick({ twoStage: true, rebuttal: true });
export type ProposalInput = z.infer<typeof proposalInput>;
