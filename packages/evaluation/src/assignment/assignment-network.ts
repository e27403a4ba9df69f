import { AFFINITY_SCALE } from './assignment-input.ts';
import type { BindingConstraint } from './assignment-result.ts';
import { type FlowGraph, FlowGraphBuilder } from './min-cost-flow.ts';
import type { PreparedAssignment } from './prepare-assignment.ts';

export const SOURCE = 0;
export const SINK = 1;

/** What is left to decide once the fixed pairs are placed. */
export type OpenProblem = {
  /** Reviewers still needed per proposal. */
  demand: Int32Array;
  maxLoad: Int32Array;
  minLoad: Int32Array;
  /** 1 where the pair may still be chosen: permitted, not fixed, and (with distinct countries) of a country the proposal's fixed reviewers do not already use. */
  open: Uint8Array;
  fixedCount: Int32Array;
  fixedLoad: Int32Array;
  neededPairs: number;
};

/** Places the fixed pairs; a fixed pair that itself breaks a hard constraint makes the problem infeasible. */
export function openProblem(prep: PreparedAssignment): { open: OpenProblem; problems: BindingConstraint[] } {
  const { n, m, k, fixed, permitted, countryOf, proposalIds, reviewerIds } = prep;
  const distinct = prep.input.settings.distinctCountries;
  const problems: BindingConstraint[] = [];
  const fixedCount = new Int32Array(n);
  const fixedLoad = new Int32Array(m);
  const blocked = new Set<number>();
  const countries = prep.countries.length;
  for (let p = 0; p < n; p++) {
    const seenCountry = new Map<number, number>();
    for (let r = 0; r < m; r++) {
      if (!fixed[p * m + r]) continue;
      fixedCount[p]!++;
      fixedLoad[r]!++;
      if (!permitted[p * m + r]) {
        problems.push({
          constraint: 'fixed',
          message: `The fixed pair ${reviewerIds[r]} – ${proposalIds[p]} is ${prep.conflicted[p * m + r] ? 'conflicted' : 'declined'}.`,
          proposalIds: [proposalIds[p]!],
          reviewerIds: [reviewerIds[r]!],
        });
      }
      const other = seenCountry.get(countryOf[r]!);
      if (distinct && other !== undefined) {
        problems.push({
          constraint: 'fixed',
          message: `${proposalIds[p]} has two fixed reviewers from ${prep.countries[countryOf[r]!]} (${reviewerIds[other]}, ${reviewerIds[r]}).`,
          proposalIds: [proposalIds[p]!],
          reviewerIds: [reviewerIds[other]!, reviewerIds[r]!],
        });
      }
      seenCountry.set(countryOf[r]!, r);
      blocked.add(p * countries + countryOf[r]!);
    }
    if (fixedCount[p]! > k) {
      problems.push({
        constraint: 'fixed',
        message: `${proposalIds[p]} has ${fixedCount[p]} fixed reviewers, more than the ${k} required.`,
        proposalIds: [proposalIds[p]!],
        reviewerIds: [],
      });
    }
  }
  for (let r = 0; r < m; r++) {
    if (fixedLoad[r]! > prep.maxLoad[r]!) {
      problems.push({
        constraint: 'fixed',
        message: `${reviewerIds[r]} has ${fixedLoad[r]} fixed assignments, more than the maximum load of ${prep.maxLoad[r]}.`,
        proposalIds: [],
        reviewerIds: [reviewerIds[r]!],
      });
    }
  }
  const open = new Uint8Array(n * m);
  for (let p = 0; p < n; p++) {
    for (let r = 0; r < m; r++) {
      const cell = p * m + r;
      open[cell] =
        permitted[cell] && !fixed[cell] && !(distinct && blocked.has(p * countries + countryOf[r]!)) ? 1 : 0;
    }
  }
  const demand = Int32Array.from(fixedCount, (f) => Math.max(0, k - f));
  return {
    open: {
      demand,
      maxLoad: Int32Array.from(prep.maxLoad, (max, r) => Math.max(0, max - fixedLoad[r]!)),
      minLoad: Int32Array.from(prep.minLoad, (min, r) => Math.max(0, min - fixedLoad[r]!)),
      open,
      fixedCount,
      fixedLoad,
      neededPairs: demand.reduce((a, b) => a + b, 0),
    },
    problems,
  };
}

export type AssignmentNetwork = {
  graph: FlowGraph;
  /** Pair arcs and the matrix cell (p * m + r) each stands for. */
  pairArc: Int32Array;
  pairCell: Int32Array;
  /** Node of (proposal p, country c) under key p * countries + c, with distinct countries only. */
  countryNode: Map<number, number>;
  /** The `-BIG` arcs that carry each reviewer's minimum load. */
  lowerArc: Int32Array;
  /** Arcs reviewer → sink, two per reviewer at most (lower part, upper part); -1 when absent. */
  reviewerLowerArc: Int32Array;
  reviewerUpperArc: Int32Array;
  sourceArc: Int32Array;
  neededFlow: number;
};

export const proposalNode = (p: number) => 2 + p;
export const reviewerNode = (prep: PreparedAssignment, r: number) => 2 + prep.n + r;

/**
 * source → proposal (capacity = reviewers still needed) → [proposal × country, capacity 1, with
 * distinct countries] → reviewer (capacity 1, cost AFFINITY_SCALE − affinity) → sink.
 *
 * Minimum loads are lower bounds on reviewer → sink; they become a separate arc of cost −BIG with
 * BIG larger than any difference in affinity cost (neededFlow × AFFINITY_SCALE + 1). A minimum-cost
 * maximum flow then saturates as many lower-bound units as any flow can, before it looks at
 * affinity: an exact lexicographic optimum, so "all lower bounds saturated" is the feasibility test.
 * Costs are shifted to AFFINITY_SCALE − affinity so they stay non-negative; with the flow fixed at
 * proposals × k the shift changes the objective by a constant only.
 */
export function buildNetwork(
  prep: PreparedAssignment,
  open: OpenProblem,
  inNetwork: Uint8Array,
): AssignmentNetwork {
  const { n, m, countryOf, affinity } = prep;
  const distinct = prep.input.settings.distinctCountries;
  const countries = prep.countries.length;
  let nodeCount = 2 + n + m;
  const countryNode = new Map<number, number>();
  let pairs = 0;
  for (let p = 0; p < n; p++) {
    for (let r = 0; r < m; r++) {
      if (!inNetwork[p * m + r]) continue;
      pairs++;
      const key = p * countries + countryOf[r]!;
      if (distinct && !countryNode.has(key)) countryNode.set(key, nodeCount++);
    }
  }
  const builder = new FlowGraphBuilder(nodeCount);
  const sourceArc = new Int32Array(n).fill(-1);
  for (let p = 0; p < n; p++)
    if (open.demand[p]! > 0) sourceArc[p] = builder.addArc(SOURCE, proposalNode(p), open.demand[p]!, 0);
  for (const [key, node] of countryNode)
    builder.addArc(proposalNode(Math.floor(key / countries)), node, 1, 0);
  const pairArc = new Int32Array(pairs);
  const pairCell = new Int32Array(pairs);
  let next = 0;
  for (let p = 0; p < n; p++) {
    for (let r = 0; r < m; r++) {
      const cell = p * m + r;
      if (!inNetwork[cell]) continue;
      const from = distinct ? countryNode.get(p * countries + countryOf[r]!)! : proposalNode(p);
      pairArc[next] = builder.addArc(from, reviewerNode(prep, r), 1, AFFINITY_SCALE - affinity[cell]!);
      pairCell[next++] = cell;
    }
  }
  const neededFlow = open.neededPairs;
  const big = neededFlow * AFFINITY_SCALE + 1;
  const lowerArcs: number[] = [];
  const reviewerLowerArc = new Int32Array(m).fill(-1);
  const reviewerUpperArc = new Int32Array(m).fill(-1);
  for (let r = 0; r < m; r++) {
    const lower = open.minLoad[r]!;
    const upper = open.maxLoad[r]!;
    if (lower > 0) {
      const arc = builder.addArc(reviewerNode(prep, r), SINK, lower, -big);
      reviewerLowerArc[r] = arc;
      lowerArcs.push(arc);
    }
    if (upper > lower) reviewerUpperArc[r] = builder.addArc(reviewerNode(prep, r), SINK, upper - lower, 0);
  }
  return {
    graph: builder.build(),
    pairArc,
    pairCell,
    countryNode,
    lowerArc: Int32Array.from(lowerArcs),
    reviewerLowerArc,
    reviewerUpperArc,
    sourceArc,
    neededFlow,
  };
}
