import { z } from 'zod';

/**
 * The stages of a joint transnational call, in the order a two-stage call walks them. The names are
 * persisted (snapshot value, transition rows), so renaming one needs a machine version bump and a
 * data migration.
 */
export const callStates = [
  'draft',
  'pre-announced',
  'pre-proposals-open',
  'eligibility-check',
  'pre-proposal-evaluation',
  'full-proposals-open',
  'full-proposal-review',
  'rebuttal',
  'panel',
  'funding-recommendation',
  'national-decisions',
  'closed',
] as const;

export const callState = z.enum(callStates);
export type CallState = z.infer<typeof callState>;

export const finalCallStates = ['closed'] as const satisfies readonly CallState[];
