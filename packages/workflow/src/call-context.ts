import { z } from 'zod';

/**
 * What the call machine remembers between steps. Only facts that change which transitions are legal
 * (stage layout) or that a later step must prove (override reasons, the frozen ranking hash) live here;
 * the call itself (deadlines, funders, rules) stays in the database.
 */
export const callContext = z.object({
  /** Pre-proposal then full proposal; false for single-stage calls, which skip the pre-proposal stages. */
  twoStage: z.boolean(),
  /** Whether applicants may answer their reviews before the panel (not every call has a rebuttal). */
  rebuttal: z.boolean(),
  /** Set when the eligibility check was closed with verdicts still pending. */
  eligibilityOverrideReason: z.string().nullable(),
  /** Hash of the ranking list as frozen by the panel. */
  rankingHash: z.string().nullable(),
  /** Set when the call was closed with national decisions still pending. */
  closeOverrideReason: z.string().nullable(),
});
export type CallContext = z.infer<typeof callContext>;

/** What the call office chooses when it creates the call; the rest of the context starts empty. */
export const callInput = callContext.pick({ twoStage: true, rebuttal: true });
export type CallInput = z.infer<typeof callInput>;
