import { compareIds } from '../canonical-hash.ts';
import { affinityMatrix } from './affinity.ts';
import { type AssignmentInput, type AssignmentInputDraft, assignmentInput } from './assignment-input.ts';

/**
 * The assignment problem in index form, shared by the optimiser, the greedy baseline, validation
 * and replacement. Proposals and reviewers are sorted by id so every result depends only on the
 * content of the input, never on the order it arrived in.
 */
export type PreparedAssignment = {
  input: AssignmentInput;
  proposalIds: string[];
  reviewerIds: string[];
  proposalIndex: Map<string, number>;
  reviewerIndex: Map<string, number>;
  n: number;
  m: number;
  k: number;
  /** Affinity, row-major by proposal. */
  affinity: Int32Array;
  /** 1 where the pair is neither conflicted nor declined. */
  permitted: Uint8Array;
  conflicted: Uint8Array;
  declined: Uint8Array;
  fixed: Uint8Array;
  maxLoad: Int32Array;
  minLoad: Int32Array;
  countryOf: Int32Array;
  countries: string[];
};

export function prepareAssignment(draft: AssignmentInputDraft | AssignmentInput): PreparedAssignment {
  const input = assignmentInput.parse(draft);
  const proposalOrder = input.proposals
    .map((_, i) => i)
    .sort((a, b) => compareIds(input.proposals[a]!.id, input.proposals[b]!.id));
  const reviewerOrder = input.reviewers
    .map((_, j) => j)
    .sort((a, b) => compareIds(input.reviewers[a]!.id, input.reviewers[b]!.id));
  const proposalIds = proposalOrder.map((i) => input.proposals[i]!.id);
  const reviewers = reviewerOrder.map((j) => input.reviewers[j]!);
  const reviewerIds = reviewers.map((r) => r.id);
  const n = proposalIds.length;
  const m = reviewerIds.length;
  const proposalIndex = new Map(proposalIds.map((id, i) => [id, i]));
  const reviewerIndex = new Map(reviewerIds.map((id, j) => [id, j]));
  const cell = (pair: { proposalId: string; reviewerId: string }) =>
    proposalIndex.get(pair.proposalId)! * m + reviewerIndex.get(pair.reviewerId)!;

  const conflicted = new Uint8Array(n * m);
  for (const c of input.conflicts) conflicted[cell(c)] = 1;
  const declined = new Uint8Array(n * m);
  for (const d of input.declined) declined[cell(d)] = 1;
  const fixed = new Uint8Array(n * m);
  for (const f of input.fixed) fixed[cell(f)] = 1;
  const permitted = new Uint8Array(n * m);
  for (let c = 0; c < n * m; c++) permitted[c] = conflicted[c] || declined[c] ? 0 : 1;

  const countries = [...new Set(reviewers.map((r) => r.country))].sort(compareIds);
  const countryIndex = new Map(countries.map((c, i) => [c, i]));

  return {
    input,
    proposalIds,
    reviewerIds,
    proposalIndex,
    reviewerIndex,
    n,
    m,
    k: input.settings.reviewersPerProposal,
    affinity: affinityMatrix(input, proposalOrder, reviewerOrder),
    permitted,
    conflicted,
    declined,
    fixed,
    maxLoad: Int32Array.from(reviewers, (r) => r.maxLoad ?? input.settings.maxLoad),
    minLoad: Int32Array.from(reviewers, (r) => r.minLoad ?? input.settings.minLoad),
    countryOf: Int32Array.from(reviewers, (r) => countryIndex.get(r.country)!),
    countries,
  };
}

/** Ids shown in messages: the first few, then a count, so a report on 2,000 proposals stays readable. */
export function listIds(ids: readonly string[], max = 10): string {
  return ids.length <= max ? ids.join(', ') : `${ids.slice(0, max).join(', ')} and ${ids.length - max} more`;
}
