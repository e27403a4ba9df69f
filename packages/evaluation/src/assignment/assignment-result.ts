export type AssignedPair = { proposalId: string; reviewerId: string; affinity: number; fixed: boolean };

export const bindingConstraints = [
  'conflicts',
  'distinct-countries',
  'total-capacity',
  'max-load',
  'min-load',
  'total-min-load',
  'fixed',
] as const;
export type BindingConstraintKind = (typeof bindingConstraints)[number];

/** One reason the assignment is impossible, naming the proposals and reviewers it is about. */
export type BindingConstraint = {
  constraint: BindingConstraintKind;
  message: string;
  proposalIds: string[];
  reviewerIds: string[];
};

export type AssignmentParameters = {
  reviewersPerProposal: number;
  maxLoad: number;
  minLoad: number;
  distinctCountries: boolean;
  affinityMode: 'expertise' | 'bids' | 'explicit';
  candidatesPerProposal: number | 'all';
};

/** Deterministic counters only (no timings), so a result is reproducible byte for byte. */
export type SolverReport = {
  name: 'min-cost-flow/successive-shortest-paths';
  version: 1;
  /** Pair arcs in the last network solved. */
  candidatePairs: number;
  widenings: number;
  pricingRounds: number;
  phases: number;
  augmentations: number;
};

type Common = {
  /** SHA-256 of the canonical JSON of the parsed input, collections sorted by id. */
  inputHash: string;
  parameters: AssignmentParameters;
  solver: SolverReport;
};

export type OptimalAssignment = Common & {
  status: 'optimal';
  /** Maximised total affinity (integer; AFFINITY_SCALE per perfect match). */
  objective: { totalAffinity: number; affinityScale: number; pairs: number };
  assignments: AssignedPair[];
  loads: { reviewerId: string; load: number }[];
};

export type InfeasibleAssignment = Common & {
  status: 'infeasible';
  neededPairs: number;
  /** Most pairs any assignment respecting the hard constraints (except minimum loads) can place. */
  possiblePairs: number;
  /** Proposals left with fewer than k reviewers by a maximum assignment. */
  shortProposals: { proposalId: string; needed: number; assigned: number; permittedReviewers: number }[];
  /** Reviewers left below their minimum load. */
  shortReviewers: { reviewerId: string; minLoad: number; assigned: number }[];
  binding: BindingConstraint[];
};

export type AssignmentResult = OptimalAssignment | InfeasibleAssignment;
