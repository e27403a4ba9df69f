// Benchmark of the reviewer-assignment optimiser on seeded synthetic calls (not a test: nothing
// fails on time). Run from the repository root: node scripts/bench/assignment.ts [--runs N]
// Prints a markdown table with the machine and the date so figures can be pasted into a report.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  type AssignmentInput,
  greedyAssignment,
  randomAssignmentInput,
  solveAssignment,
  validateAssignment,
} from '../../packages/evaluation/src/index.ts';

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;

type Case = { proposals: number; reviewers: number; goalMs: number; distinctCountries: boolean };
const cases: Case[] = [
  { proposals: 300, reviewers: 100, goalMs: 1_000, distinctCountries: false },
  { proposals: 1_000, reviewers: 300, goalMs: 5_000, distinctCountries: false },
  { proposals: 2_000, reviewers: 600, goalMs: 30_000, distinctCountries: false },
  { proposals: 300, reviewers: 100, goalMs: 1_000, distinctCountries: true },
  { proposals: 1_000, reviewers: 300, goalMs: 5_000, distinctCountries: true },
  { proposals: 2_000, reviewers: 600, goalMs: 30_000, distinctCountries: true },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`# Reviewer assignment benchmark\n`);
console.log(`- machine: ${cpu}, ${os.cpus().length} cores (the solver is single-threaded: one core)`);
console.log(`- node ${process.version}, ${os.platform()} ${os.release()}`);
console.log(`- date: ${new Date().toISOString()}`);
console.log(
  `- instances: seeded (seed 2024), k = 3, max load 10, ~2 % conflicting pairs; median of ${runs} runs\n`,
);
console.log(
  '| proposals × reviewers | one per country | pairs | candidate arcs | pricing / widening | Dijkstra phases | solve time | goal | objective | greedy | gain over greedy | valid |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');

// Warm-up so the first row does not pay for JIT compilation.
solveAssignment(randomAssignmentInput({ seed: 1, proposals: 100, reviewers: 40 }));

for (const c of cases) {
  const input: AssignmentInput = randomAssignmentInput({
    seed: 2024,
    proposals: c.proposals,
    reviewers: c.reviewers,
    reviewersPerProposal: 3,
    maxLoad: 10,
    conflictRate: 0.02,
    distinctCountries: c.distinctCountries,
  });
  const times: number[] = [];
  let result = solveAssignment(input);
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    result = solveAssignment(input);
    times.push(performance.now() - start);
  }
  const greedy = greedyAssignment(input);
  const ms = median(times);
  const size = `${c.proposals.toLocaleString('en')} × ${c.reviewers}`;
  if (result.status !== 'optimal') {
    console.log(
      `| ${size} | ${c.distinctCountries ? 'yes' : 'no'} | — | — | — | — | ${ms.toFixed(0)} ms | ≤ ${c.goalMs / 1000} s | infeasible: ${result.binding.map((b) => b.message).join(' ')} | | | |`,
    );
    continue;
  }
  const violations = validateAssignment(input, result).length;
  const objective = result.objective.totalAffinity;
  const gain =
    greedy.totalAffinity > 0
      ? `${(((objective - greedy.totalAffinity) / greedy.totalAffinity) * 100).toFixed(2)} %`
      : '—';
  console.log(
    `| ${size} | ${c.distinctCountries ? 'yes' : 'no'} | ${result.objective.pairs} | ${result.solver.candidatePairs.toLocaleString('en')} | ${result.solver.pricingRounds} / ${result.solver.widenings} | ${result.solver.phases} | ${ms.toFixed(0)} ms | ≤ ${c.goalMs / 1000} s | ${objective.toLocaleString('en')} | ${greedy.totalAffinity.toLocaleString('en')}${greedy.complete ? '' : ` (incomplete: ${greedy.assignments.length} pairs)`} | ${gain} | ${violations === 0 ? 'yes' : `${violations} violations`} |`,
  );
}
