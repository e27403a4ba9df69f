import { money } from '@permed/domain';
import { z } from 'zod';
import { proposalStatus, type AllocationResult } from './allocation-result.ts';
import { byCodeUnits } from './by-code-units.ts';

export const proposalChange = z
  .object({
    proposalId: z.string(),
    acronym: z.string(),
    rank: z.number().int(),
    before: proposalStatus.nullable().describe('null: not in the first allocation'),
    after: proposalStatus.nullable().describe('null: not in the second allocation'),
  })
  .strict();
export type ProposalChange = z.infer<typeof proposalChange>;

export const funderChange = z
  .object({
    funderId: z.string(),
    acronym: z.string(),
    committedBefore: money.nullable(),
    committedAfter: money.nullable(),
    allocatedBefore: money.nullable(),
    allocatedAfter: money.nullable(),
  })
  .strict();
export type FunderChange = z.infer<typeof funderChange>;

export const allocationDiff = z
  .object({
    proposals: z.array(proposalChange).describe('Proposals whose status changed, by rank'),
    funders: z.array(funderChange).describe('Funders whose commitment or allocation changed, by funderId'),
    fundedBefore: z.number().int().nonnegative(),
    fundedAfter: z.number().int().nonnegative(),
  })
  .strict();
export type AllocationDiff = z.infer<typeof allocationDiff>;

const sameMoney = (a: { amountMinor: number; currency: string } | null, b: typeof a) =>
  a?.amountMinor === b?.amountMinor && a?.currency === b?.currency;

/** Which proposals and funders two allocations of the same call disagree on. */
export function diffAllocations(before: AllocationResult, after: AllocationResult): AllocationDiff {
  const beforeById = new Map(before.proposals.map((p) => [p.proposalId, p]));
  const afterById = new Map(after.proposals.map((p) => [p.proposalId, p]));
  const proposals: ProposalChange[] = [];
  for (const id of new Set([...beforeById.keys(), ...afterById.keys()])) {
    const b = beforeById.get(id);
    const a = afterById.get(id);
    if (b?.status === a?.status) continue;
    const any = (a ?? b)!;
    proposals.push({
      proposalId: id,
      acronym: any.acronym,
      rank: any.rank,
      before: b?.status ?? null,
      after: a?.status ?? null,
    });
  }
  proposals.sort((x, y) => x.rank - y.rank || byCodeUnits(x.proposalId, y.proposalId));

  const fundersBefore = new Map(before.funders.map((f) => [f.funderId, f]));
  const fundersAfter = new Map(after.funders.map((f) => [f.funderId, f]));
  const funders: FunderChange[] = [];
  for (const id of [...new Set([...fundersBefore.keys(), ...fundersAfter.keys()])].sort(byCodeUnits)) {
    const b = fundersBefore.get(id);
    const a = fundersAfter.get(id);
    const change: FunderChange = {
      funderId: id,
      acronym: (a ?? b)!.acronym,
      committedBefore: b?.committed ?? null,
      committedAfter: a?.committed ?? null,
      allocatedBefore: b?.allocated ?? null,
      allocatedAfter: a?.allocated ?? null,
    };
    if (
      !sameMoney(change.committedBefore, change.committedAfter) ||
      !sameMoney(change.allocatedBefore, change.allocatedAfter)
    ) {
      funders.push(change);
    }
  }
  return { proposals, funders, fundedBefore: before.fundedCount, fundedAfter: after.fundedCount };
}
