import { ZodError } from 'zod';
import {
  allocate,
  topUpToRank,
  whatIfBudgets,
  type AllocationInput,
  type AllocationResult,
  type BudgetChange,
  type TieRule,
  type TopUpPlan,
  type WhatIf,
} from '@permed/allocation';
import type { DbOrTx } from '@permed/db';
import { AppError, pointer } from '@permed/http';
import { buildAllocationInput, checkBudgetChanges, type RankedDocument } from './build-allocation-input.ts';
import {
  latestVersions,
  loadFunders,
  proposalStates,
  requireFrozenRanking,
  type FunderRow,
  type PublishedCall,
  type RankingListRow,
  type SubmittedVersion,
} from './funding-store.ts';

/** Proposals on the list that take no part in the walk, and why. */
export interface ExcludedProposal {
  proposalId: string;
  acronym: string;
  rank: number;
  state: string;
  reason: string;
}

export interface AllocationContext {
  published: PublishedCall;
  ranking: RankingListRow;
  ranked: (RankedDocument & { state: string; version: SubmittedVersion })[];
  excluded: ExcludedProposal[];
  funders: Map<string, FunderRow>;
}

/**
 * Everything the walk reads: the frozen list, for each proposal on it the full-proposal version that
 * counts and its lifecycle state, and the funder registry entries. A proposal withdrawn after the
 * panel is left out (it cannot receive money); every other proposal on the list is walked.
 */
export async function loadAllocationContext(
  db: DbOrTx,
  published: PublishedCall,
): Promise<AllocationContext> {
  const ranking = await requireFrozenRanking(db, published.call.id);
  const ids = ranking.entries.map((e) => e.proposalId);
  const [versions, states, funders] = await Promise.all([
    latestVersions(db, published.call.id, 'full-proposal', ids),
    proposalStates(db, published.call.id, ids),
    loadFunders(
      db,
      published.definition.funders.map((f) => f.funderId),
    ),
  ]);
  const ranked: AllocationContext['ranked'] = [];
  const excluded: ExcludedProposal[] = [];
  for (const entry of [...ranking.entries].sort((a, b) => a.position - b.position)) {
    const state = states.get(entry.proposalId) ?? 'unknown';
    if (state === 'withdrawn') {
      excluded.push({
        proposalId: entry.proposalId,
        acronym: entry.acronym,
        rank: entry.position,
        state,
        reason: 'Withdrawn after the ranking list was frozen',
      });
      continue;
    }
    const version = versions.get(entry.proposalId);
    if (!version) {
      throw new AppError(
        'UNPROCESSABLE',
        `${entry.acronym} is on the ranking list but has no submitted full proposal`,
        {
          errors: [{ in: 'data', path: `/ranking/${entry.position}`, message: 'no full-proposal version' }],
        },
      );
    }
    ranked.push({ entry, document: version.document, state, version });
  }
  return { published, ranking, ranked, excluded, funders };
}

export function allocationInputOf(
  context: AllocationContext,
  options: { ties: TieRule; budgets?: readonly BudgetChange[] },
): AllocationInput {
  if (options.budgets) checkBudgetChanges(context.published.definition, options.budgets);
  return buildAllocationInput({
    definition: context.published.definition,
    acronyms: new Map([...context.funders].map(([id, f]) => [id, f.acronym])),
    ranked: context.ranked,
    ties: options.ties,
    ...(options.budgets ? { budgets: options.budgets } : {}),
  });
}

/**
 * The stored data may break the allocation's invariants (a partner asking a funder that left the
 * call, a request in the wrong currency, scores rising down the list): that is the data's fault, not
 * the request's, so it is 422 with the path into the allocation input, never a 500.
 */
function guarded<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof ZodError) {
      throw new AppError('UNPROCESSABLE', 'The call data cannot be allocated: ' + error.issues[0]?.message, {
        errors: error.issues.map((i) => ({ in: 'data', path: pointer(i.path), message: i.message })),
      });
    }
    throw error;
  }
}

export function runAllocation(input: AllocationInput): AllocationResult {
  return guarded(() => allocate(input));
}

export function runWhatIf(input: AllocationInput, budgets: readonly BudgetChange[]): WhatIf {
  return guarded(() => whatIfBudgets(input, budgets));
}

export function runTopUp(input: AllocationInput, rank: number): TopUpPlan {
  return guarded(() => topUpToRank(input, rank));
}
