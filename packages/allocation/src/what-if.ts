import { money } from '@permed/domain';
import { z } from 'zod';
import type { AllocationInput } from './allocation-input.ts';
import type { AllocationResult } from './allocation-result.ts';
import { allocate, type AllocateOptions } from './allocate.ts';
import { diffAllocations, type AllocationDiff } from './diff-allocations.ts';

export const budgetChange = z
  .object({
    funderId: z.string().min(1),
    commitment: money.describe("The funder's new commitment, in its own currency"),
  })
  .strict();
export type BudgetChange = z.infer<typeof budgetChange>;

/** The same call with some funders' commitments replaced. Throws on a funder that is not in the call. */
export function withBudgets(input: AllocationInput, changes: readonly BudgetChange[]): AllocationInput {
  const byId = new Map(changes.map((c) => [c.funderId, c.commitment]));
  for (const id of byId.keys()) {
    if (!input.funders.some((f) => f.funderId === id)) throw new RangeError(`unknown funder "${id}"`);
  }
  return {
    ...input,
    funders: input.funders.map((f) => {
      const commitment = byId.get(f.funderId);
      return commitment ? { ...f, commitment: { ...commitment } } : f;
    }),
  };
}

export type WhatIf = { before: AllocationResult; after: AllocationResult; diff: AllocationDiff };

/** Allocates the call as it is and with the changed budgets, and lists what changes. */
export function whatIfBudgets(
  input: AllocationInput,
  changes: readonly BudgetChange[],
  options: AllocateOptions = {},
): WhatIf {
  const before = allocate(input, options);
  const after = allocate(withBudgets(input, changes), options);
  return { before, after, diff: diffAllocations(before, after) };
}
