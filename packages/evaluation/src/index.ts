export * from './canonical-hash.ts';
export * from './conflicts/identity.ts';
export * from './conflicts/conflict-inputs.ts';
export * from './conflicts/detect-conflicts.ts';
export * from './assignment/assignment-input.ts';
export * from './assignment/assignment-result.ts';
export { affinityMatrix, bidAffinity, expertiseAffinity, normaliseTerm } from './assignment/affinity.ts';
export {
  assignmentInputHash,
  DEFAULT_CANDIDATES_PER_PROPOSAL,
  solveAssignment,
} from './assignment/solve-assignment.ts';
export * from './assignment/validate-assignment.ts';
export * from './assignment/greedy-assignment.ts';
export * from './assignment/reassign-after-decline.ts';
export * from './assignment/random-instance.ts';
export * from './scores/criteria-settings.ts';
export * from './scores/validate-scores.ts';
export * from './scores/consolidate.ts';
export * from './ranking/rank-proposals.ts';
export * from './ranking/ranking-hash.ts';
export * from './ranking/invitation-list.ts';
