import { canonicalHash, compareIds } from '../canonical-hash.ts';
import {
  type AssignmentNetwork,
  buildNetwork,
  type OpenProblem,
  openProblem,
  proposalNode,
  reviewerNode,
  SINK,
  SOURCE,
} from './assignment-network.ts';
import {
  AFFINITY_SCALE,
  type AssignmentInput,
  type AssignmentInputDraft,
  type SolverOptions,
  solverOptions,
} from './assignment-input.ts';
import type {
  AssignedPair,
  AssignmentParameters,
  AssignmentResult,
  InfeasibleAssignment,
  OptimalAssignment,
  SolverReport,
} from './assignment-result.ts';
import { diagnoseInfeasibility } from './diagnose-infeasibility.ts';
import { type FlowSolution, minCostFlow } from './min-cost-flow.ts';
import { type PreparedAssignment, prepareAssignment } from './prepare-assignment.ts';

/**
 * Default sparsification: the best few reviewers per proposal plus the best few proposals per
 * reviewer (so that no reviewer is starved of arcs when loads are tight). Measured on the benchmark
 * instances; any value gives the same objective.
 */
export const DEFAULT_CANDIDATES_PER_PROPOSAL = 12;
const MAX_PRICING_ROUNDS = 20;

/** SHA-256 of the canonical input: collections sorted by id, so reordering the input keeps the hash. */
export function assignmentInputHash(input: AssignmentInput): string {
  const byPair = <T extends { proposalId: string; reviewerId: string }>(pairs: readonly T[]) =>
    [...pairs].sort(
      (a, b) => compareIds(a.proposalId, b.proposalId) || compareIds(a.reviewerId, b.reviewerId),
    );
  const affinity =
    input.affinity.mode === 'bids'
      ? { ...input.affinity, bids: byPair(input.affinity.bids) }
      : input.affinity.mode === 'explicit'
        ? { ...input.affinity, values: byPair(input.affinity.values) }
        : input.affinity;
  return canonicalHash({
    proposals: [...input.proposals].sort((a, b) => compareIds(a.id, b.id)),
    reviewers: [...input.reviewers].sort((a, b) => compareIds(a.id, b.id)),
    settings: input.settings,
    affinity,
    conflicts: byPair(input.conflicts),
    declined: byPair(input.declined),
    fixed: byPair(input.fixed),
  });
}

/** Open reviewers of each proposal, best first (affinity descending, then id), and the mirror per reviewer. */
function candidateOrders(
  prep: PreparedAssignment,
  open: OpenProblem,
): { byProposal: Int32Array[]; byReviewer: Int32Array[] } {
  const { n, m, affinity } = prep;
  // One numeric key per pair sorts by affinity descending then index ascending with a native typed-array sort.
  const byProposal: Int32Array[] = [];
  for (let p = 0; p < n; p++) {
    const keys: number[] = [];
    for (let r = 0; r < m; r++)
      if (open.open[p * m + r]) keys.push((AFFINITY_SCALE - affinity[p * m + r]!) * m + r);
    byProposal.push(Int32Array.from(Float64Array.from(keys).sort(), (key) => key % m));
  }
  const byReviewer: Int32Array[] = [];
  for (let r = 0; r < m; r++) {
    const keys: number[] = [];
    for (let p = 0; p < n; p++)
      if (open.open[p * m + r]) keys.push((AFFINITY_SCALE - affinity[p * m + r]!) * n + p);
    byReviewer.push(Int32Array.from(Float64Array.from(keys).sort(), (key) => key % n));
  }
  return { byProposal, byReviewer };
}

type Attempt = { network: AssignmentNetwork; solution: FlowSolution; feasible: boolean };

function attempt(prep: PreparedAssignment, open: OpenProblem, inNetwork: Uint8Array): Attempt {
  const network = buildNetwork(prep, open, inNetwork);
  const solution = minCostFlow(network.graph, SOURCE, SINK, network.neededFlow);
  const feasible =
    solution.flow === network.neededFlow && network.lowerArc.every((a) => solution.residual[a] === 0);
  return { network, solution, feasible };
}

/**
 * Adds every left-out pair whose arc would have a negative reduced cost under the optimal
 * potentials. None means the potentials certify the sparse optimum as optimal for the full problem
 * (LP duality), which is what keeps sparsification exact.
 */
function price(
  prep: PreparedAssignment,
  open: OpenProblem,
  { network, solution }: Attempt,
  inNetwork: Uint8Array,
): number {
  const { n, m, affinity, countryOf } = prep;
  const distinct = prep.input.settings.distinctCountries;
  const countries = prep.countries.length;
  const potential = solution.potential;
  let added = 0;
  for (let p = 0; p < n; p++) {
    if (open.demand[p] === 0) continue;
    const pp = potential[proposalNode(p)]!;
    for (let r = 0; r < m; r++) {
      const cell = p * m + r;
      if (!open.open[cell] || inNetwork[cell]) continue;
      // A missing (proposal, country) node may take the proposal's potential: its arc from the proposal has cost 0.
      const node = distinct ? network.countryNode.get(p * countries + countryOf[r]!) : undefined;
      const from = node === undefined ? pp : potential[node]!;
      if (AFFINITY_SCALE - affinity[cell]! + from - potential[reviewerNode(prep, r)]! < 0) {
        inNetwork[cell] = 1;
        added++;
      }
    }
  }
  return added;
}

function seedCandidates(
  prep: PreparedAssignment,
  open: OpenProblem,
  orders: { byProposal: Int32Array[]; byReviewer: Int32Array[] },
  perProposal: number,
  inNetwork: Uint8Array,
): void {
  const { m } = prep;
  orders.byProposal.forEach((order, p) => {
    for (let i = 0; i < Math.min(perProposal, order.length); i++) inNetwork[p * m + order[i]!] = 1;
  });
  // Reviewers need enough arcs to reach their loads; twice the load (and the minimum count) keeps tight instances feasible.
  const scale = perProposal / DEFAULT_CANDIDATES_PER_PROPOSAL;
  orders.byReviewer.forEach((order, r) => {
    const want = Math.ceil(Math.max(2 * open.maxLoad[r]!, 1) * Math.max(scale, 1));
    for (let i = 0; i < Math.min(want, order.length); i++) inNetwork[order[i]! * m + r] = 1;
  });
}

export function parametersOf(input: AssignmentInput, options: SolverOptions): AssignmentParameters {
  return {
    reviewersPerProposal: input.settings.reviewersPerProposal,
    maxLoad: input.settings.maxLoad,
    minLoad: input.settings.minLoad,
    distinctCountries: input.settings.distinctCountries,
    affinityMode: input.affinity.mode,
    candidatesPerProposal: options.candidatesPerProposal ?? DEFAULT_CANDIDATES_PER_PROPOSAL,
  };
}

/**
 * The reviewer assignment of maximum total affinity under the hard constraints (exactly k per
 * proposal, load bounds, no conflicted or declined pair, optionally distinct countries), or an
 * explanation of why none exists. Exact: min-cost flow on integer costs.
 */
export function solveAssignment(
  draft: AssignmentInputDraft | AssignmentInput,
  options: SolverOptions = {},
): AssignmentResult {
  return solvePrepared(prepareAssignment(draft), solverOptions.parse(options));
}

export function solvePrepared(prep: PreparedAssignment, options: SolverOptions): AssignmentResult {
  const { n, m } = prep;
  const inputHash = assignmentInputHash(prep.input);
  const parameters = parametersOf(prep.input, options);
  const solver: SolverReport = {
    name: 'min-cost-flow/successive-shortest-paths',
    version: 1,
    candidatePairs: 0,
    widenings: 0,
    pricingRounds: 0,
    phases: 0,
    augmentations: 0,
  };

  const { open, problems } = openProblem(prep);
  if (problems.length > 0) {
    const result: InfeasibleAssignment = {
      status: 'infeasible',
      inputHash,
      parameters,
      solver,
      neededPairs: n * prep.k,
      possiblePairs: 0,
      shortProposals: [],
      shortReviewers: [],
      binding: problems,
    };
    return result;
  }

  const openCount = open.open.reduce((a, b) => a + b, 0);
  const orders = candidateOrders(prep, open);
  const inNetwork = new Uint8Array(n * m);
  let perProposal = parameters.candidatesPerProposal === 'all' ? m : parameters.candidatesPerProposal;
  seedCandidates(prep, open, orders, perProposal, inNetwork);

  for (;;) {
    const full = inNetwork.reduce((a, b) => a + b, 0) === openCount;
    const current = attempt(prep, open, inNetwork);
    solver.candidatePairs = current.network.pairArc.length;
    solver.phases += current.solution.phases;
    solver.augmentations += current.solution.augmentations;
    if (!current.feasible) {
      if (full)
        return {
          ...diagnoseInfeasibility(prep, open, current.network, current.solution),
          inputHash,
          parameters,
          solver,
        };
      // The sparse network may lack the arcs a feasible assignment needs: widen and solve again.
      solver.widenings++;
      perProposal *= 2;
      seedCandidates(prep, open, orders, perProposal, inNetwork);
      if (perProposal >= m) inNetwork.set(open.open);
      continue;
    }
    if (full) return optimal(prep, current, inputHash, parameters, solver);
    const added =
      solver.pricingRounds >= MAX_PRICING_ROUNDS ? openCount : price(prep, open, current, inNetwork);
    if (added === 0) return optimal(prep, current, inputHash, parameters, solver);
    if (solver.pricingRounds >= MAX_PRICING_ROUNDS) inNetwork.set(open.open);
    solver.pricingRounds++;
  }
}

function optimal(
  prep: PreparedAssignment,
  { network, solution }: Attempt,
  inputHash: string,
  parameters: AssignmentParameters,
  solver: SolverReport,
): OptimalAssignment {
  const { n, m, affinity, fixed, proposalIds, reviewerIds } = prep;
  const chosen = new Uint8Array(n * m);
  network.pairArc.forEach((arc, i) => {
    if (solution.residual[arc] === 0) chosen[network.pairCell[i]!] = 1;
  });
  const assignments: AssignedPair[] = [];
  const load = new Int32Array(m);
  let totalAffinity = 0;
  for (let p = 0; p < n; p++) {
    for (let r = 0; r < m; r++) {
      const cell = p * m + r;
      if (!chosen[cell] && !fixed[cell]) continue;
      assignments.push({
        proposalId: proposalIds[p]!,
        reviewerId: reviewerIds[r]!,
        affinity: affinity[cell]!,
        fixed: fixed[cell] === 1,
      });
      load[r]!++;
      totalAffinity += affinity[cell]!;
    }
  }
  return {
    status: 'optimal',
    inputHash,
    parameters,
    solver,
    objective: { totalAffinity, affinityScale: AFFINITY_SCALE, pairs: assignments.length },
    assignments,
    loads: reviewerIds.map((reviewerId, r) => ({ reviewerId, load: load[r]! })),
  };
}
