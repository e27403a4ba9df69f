// Cost of the edge text guard (`findUnsafeText`, packages/http/src/text-guard.ts) per request body:
// `node scripts/bench/text-guard.ts`. It walks every parsed body once, so it is compared with the
// JSON.parse every JSON request already pays for the same bytes. No I/O.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { findUnsafeText } from '../../packages/http/src/text-guard.ts';

const sample = readFileSync(
  new URL('../../packages/rules/samples/proposal-eligible.json', import.meta.url),
  'utf8',
);
const proposal = JSON.parse(sample) as { partners: unknown[]; abstract: string };
// A large draft: 40 partners and a 4,000-character abstract, about 19 kB of JSON.
const large = {
  ...proposal,
  abstract: 'Personalised medicine '.repeat(180),
  partners: Array.from({ length: 10 }, () => proposal.partners).flat(),
};
const bodies = {
  'login {email, password}': JSON.stringify({ email: 'ana@example.org', password: 'correct horse battery' }),
  'proposal document (sample, 4 partners)': sample,
  'large draft (40 partners)': JSON.stringify(large),
};

function perOp(run: () => unknown, minMs = 400): number {
  for (let i = 0; i < 2000; i++) run();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) {
    for (let i = 0; i < 200; i++) run();
    n += 200;
  }
  return ((performance.now() - t0) / n) * 1000; // µs
}

console.log(`## Edge text guard (\`node scripts/bench/text-guard.ts\`)\n`);
console.log(
  `${new Date().toISOString().slice(0, 10)}, ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}\n`,
);
console.log('| body | bytes | JSON.parse µs | guard µs | guard / parse |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const [name, text] of Object.entries(bodies)) {
  const parsed: unknown = JSON.parse(text);
  const parse = perOp(() => JSON.parse(text));
  const guard = perOp(() => findUnsafeText(parsed, 'body'));
  console.log(
    `| ${name} | ${Buffer.byteLength(text)} | ${parse.toFixed(2)} | ${guard.toFixed(2)} | ${(guard / parse).toFixed(2)} |`,
  );
}
