import { z } from 'zod';

/**
 * The states of one proposal. The names are persisted (snapshot value, transition rows), so renaming
 * one needs a machine version bump and a data migration.
 */
export const proposalStates = [
  'draft',
  'submitted',
  'eligibility-check',
  'declined',
  'eligible',
  'not-invited',
  'invited',
  'full-draft',
  'full-submitted',
  'under-review',
  'rebuttal',
  'ranked',
  'recommended',
  'not-recommended',
  'funded',
  'not-funded',
  'withdrawn',
] as const;

export const proposalState = z.enum(proposalStates);
export type ProposalState = z.infer<typeof proposalState>;

/**
 * Outcomes after which nothing can happen to a proposal any more. `recommended` and `not-recommended`
 * are deliberately absent: the national funding decisions are still to come, so the consortium may
 * still withdraw.
 */
export const finalProposalStates = [
  'declined',
  'not-invited',
  'funded',
  'not-funded',
  'withdrawn',
] as const satisfies readonly ProposalState[];
export type FinalProposalState = (typeof finalProposalStates)[number];

const finalSet: ReadonlySet<string> = new Set(finalProposalStates);

/** Open = not yet at a final outcome; exactly the states from which a proposal can be withdrawn. */
export function isOpenProposalState(state: ProposalState): boolean {
  return !finalSet.has(state);
}
