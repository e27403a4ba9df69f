// Pure eligibility benchmark: `node scripts/bench/eligibility-pure.ts`.
// Seeded synthetic proposals (3–7 partners over the JTC2020 demo call's funders) are generated first;
// only evaluation (and, in one row, schema parsing) is timed. No I/O, no database.
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { proposalDocument, type ProposalDocument } from '@permed/domain';
// Relative imports: the scripts package does not (yet) list @permed/rules as a dependency.
import {
  contextFromCall,
  demoCall,
  evaluateProposal,
  type OtherProposal,
} from '../../packages/rules/src/index.ts';
import { syntheticProposals } from '../../packages/rules/src/testing/synthetic-proposals.ts';

const SEED = 20200305;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function asOthers(docs: readonly ProposalDocument[]): OtherProposal[] {
  return docs.map((d, i) => ({ proposalId: `syn-${i}`, acronym: d.acronym, partners: d.partners }));
}

function timeEach(
  docs: readonly ProposalDocument[],
  run: (d: ProposalDocument, i: number) => unknown,
): number[] {
  const out: number[] = [];
  docs.forEach((d, i) => {
    const t0 = performance.now();
    run(d, i);
    out.push(performance.now() - t0);
  });
  return out.sort((a, b) => a - b);
}

function timeAll(
  docs: readonly ProposalDocument[],
  run: (d: ProposalDocument, i: number) => unknown,
): number {
  const t0 = performance.now();
  docs.forEach(run);
  return performance.now() - t0;
}

const all = syntheticProposals(demoCall, 10_000, SEED);
const first300 = all.slice(0, 300);
const plain = contextFromCall(demoCall, 'pre-proposal');
const with300 = contextFromCall(demoCall, 'pre-proposal', { otherProposals: asOthers(first300) });
const with10k = contextFromCall(demoCall, 'pre-proposal', { otherProposals: asOthers(all) });

// Warm-up so that the JIT has compiled the hot paths before anything is measured.
for (const d of all.slice(0, 1000)) evaluateProposal(plain, proposalDocument.parse(d));

let eligible = 0;
const single = timeEach(all.slice(0, 3000), (d) => evaluateProposal(plain, d));
const parsed = timeEach(all.slice(3000, 6000), (d) => evaluateProposal(plain, proposalDocument.parse(d)));
const total300 = timeAll(first300, (d, i) => {
  if (evaluateProposal({ ...with300, proposalId: `syn-${i}` }, d).eligible) eligible++;
});
const eligible300 = eligible;
eligible = 0;
const total10k = timeAll(all, (d, i) => {
  if (evaluateProposal({ ...with10k, proposalId: `syn-${i}` }, d).eligible) eligible++;
});
const peakRssMiB = process.resourceUsage().maxRSS / 1024;

const ms = (x: number) => `${x.toFixed(3)} ms`;
const rows: [string, string, string][] = [
  ['one proposal, evaluate only: p50', ms(percentile(single, 50)), ''],
  ['one proposal, evaluate only: p99', ms(percentile(single, 99)), '≤ 5 ms'],
  ['one proposal, parse + evaluate: p50', ms(percentile(parsed, 50)), ''],
  ['one proposal, parse + evaluate: p99', ms(percentile(parsed, 99)), '≤ 5 ms'],
  [`300 proposals (one-per-PI against 300), ${eligible300} eligible`, ms(total300), ''],
  [`10,000 proposals (one-per-PI against 10,000), ${eligible} eligible`, ms(total10k), '≤ 5,000 ms'],
  ['peak RSS', `${peakRssMiB.toFixed(1)} MiB`, ''],
];

const cpu = cpus();
console.log(
  `Eligibility (pure) — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpu.length} cores (${cpu[0]?.model ?? 'unknown'})`,
);
console.log(
  `Call: ${demoCall.name}, ${demoCall.funders.length} funders, ${demoCall.rules.length} rules; seed ${SEED}\n`,
);
console.log('| measure | result | goal |');
console.log('|---|---|---|');
for (const [m, r, g] of rows) console.log(`| ${m} | ${r} | ${g} |`);
