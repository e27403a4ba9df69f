// Slow clients: `node scripts/reliability/slow-clients.ts [--server postgres://postgres@127.0.0.1:5432/postgres | --pglite]
//   [--slow-bodies 300] [--slow-heads 300] [--honest 50] [--baseline-seconds 5] [--attack-seconds 30]
//   [--max-connections-per-address <the platform's default>]`
// One address keeps 300 slow-body and 300 slow-header connections open (reopening each one the
// platform cuts) while 50 honest clients, each from its own address, submit proposals. Prints a
// markdown section. See scenarios/slow-clients.ts.
import { parseArgs } from 'node:util';
import { slowClients, type HonestFigures } from './scenarios/slow-clients.ts';
import { formatTally } from './support/http.ts';
import { describeIntegrity, intact } from './support/integrity.ts';
import { backendFrom, heading, printReport, row, yesNo } from './support/report.ts';

const { values } = parseArgs({
  options: {
    server: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    pglite: { type: 'boolean', default: false },
    'slow-bodies': { type: 'string', default: '300' },
    'slow-heads': { type: 'string', default: '300' },
    honest: { type: 'string', default: '50' },
    'baseline-seconds': { type: 'string', default: '5' },
    'attack-seconds': { type: 'string', default: '30' },
    'max-connections-per-address': { type: 'string' },
  },
});

const P99_GOAL_MS = 1000;
const r = await slowClients({
  backend: backendFrom(values),
  slowBodies: Number(values['slow-bodies']),
  slowHeads: Number(values['slow-heads']),
  honestClients: Number(values.honest),
  baselineMs: Number(values['baseline-seconds']) * 1000,
  attackMs: Number(values['attack-seconds']) * 1000,
  platformEnv: values['max-connections-per-address']
    ? { MAX_CONNECTIONS_PER_ADDRESS: values['max-connections-per-address'] }
    : {},
  log: (line) => process.stderr.write(`[slow-clients] ${line}\n`),
});

const honestOk = (f: HonestFigures) =>
  f.tried > 0 &&
  f.fiveXx === 0 &&
  f.p99Ms <= P99_GOAL_MS &&
  (f.statuses['201'] ?? 0) + (f.statuses['200'] ?? 0) === f.tried;
const ok = intact(r.integrity) && honestOk(r.underAttack) && r.attack.overLimit === 0 && r.platformAlive;
const describe = (f: HonestFigures) =>
  `${f.tried} submits: ${formatTally(f.statuses)}; **${f.fiveXx} × 5xx**; p50 ${f.p50Ms.toFixed(0)} ms, **p99 ${f.p99Ms.toFixed(0)} ms**, max ${f.maxMs.toFixed(0)} ms`;
printReport(
  [
    ...heading(
      `Slow clients (${r.backend})`,
      `${values['slow-bodies']} slow-body and ${values['slow-heads']} slow-header connections from one address (each reopened as soon as it is closed; a body byte or header byte every 5 s) for ${values['attack-seconds']} s, while ${values.honest} honest clients (one address each, one keep-alive connection each) submit proposals closed loop, after a ${values['baseline-seconds']} s baseline without the attack. Platform child with HEADERS_TIMEOUT_SECONDS=${r.limits.headersTimeoutS}, BODY_GRACE_SECONDS=${r.limits.bodyGraceS}, BODY_MIN_BYTES_PER_SECOND=${r.limits.bodyMinBytesPerSecond}, MAX_CONNECTIONS_PER_ADDRESS=${r.limits.maxConnectionsPerAddress}, MAX_IN_FLIGHT=200; client, platform and database on the same 2 cores.`,
    ),
    row('honest clients, baseline (no attack)', describe(r.baseline), '—'),
    row('honest clients under attack', describe(r.underAttack), 'all 2xx, 0 × 5xx, p99 ≤ 1 s'),
    row(
      'slow connections opened',
      `${r.attack.opened.body} slow bodies, ${r.attack.opened.head} slow heads`,
      '—',
    ),
    row(
      'how the platform ended them',
      Object.entries(r.attack.endings)
        .sort(([, a], [, b]) => b - a)
        .map(([k, n]) => `${k} ×${n}`)
        .join(', '),
      '408 BODY_TOO_SLOW, 408 REQUEST_TIMEOUT, 429 TOO_MANY_CONNECTIONS',
    ),
    row(
      'longest held before the cut',
      `slow body ${(r.attack.longestHeldMs.body / 1000).toFixed(1)} s, slow head ${(r.attack.longestHeldMs.head / 1000).toFixed(1)} s`,
      `body ≤ ${r.limits.bodyGraceS} s + 2 s, head ≤ ${r.limits.headersTimeoutS} s + 2 s`,
    ),
    row('connections held past their limit', `**${r.attack.overLimit}**`, '0'),
    row('platform process', `still the same process: ${yesNo(r.platformAlive)}`, 'no crash'),
    row('integrity', describeIntegrity(r.integrity), 'no acknowledged submission lost'),
  ],
  ok,
);
