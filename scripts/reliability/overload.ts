// Overload: `node scripts/reliability/overload.ts [--server postgres://postgres@127.0.0.1:5432/postgres | --pglite]
//   [--rate 1000] [--seconds 15] [--proposals 4000] [--timeout-ms 10000] [--warmup-seconds 3]
//   [--max-in-flight <the platform's default>]`
// After a warm-up at 50/s, offers submits at --rate per second, open loop (three times the ~330/s
// the deadline-rush benchmark measured on 2026-12-03, docs/benchmarks.md), then drops the load.
// Prints a markdown section. See scenarios/overload.ts.
import { parseArgs } from 'node:util';
import { configSchema } from '@permed/config';
import { overload } from './scenarios/overload.ts';
import { formatTally } from './support/http.ts';
import { describeIntegrity, intact } from './support/integrity.ts';
import { backendFrom, heading, printReport, row, yesNo } from './support/report.ts';

const { values } = parseArgs({
  options: {
    server: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    pglite: { type: 'boolean', default: false },
    rate: { type: 'string', default: '1000' },
    'warmup-seconds': { type: 'string', default: '3' },
    seconds: { type: 'string', default: '15' },
    proposals: { type: 'string', default: '4000' },
    'timeout-ms': { type: 'string', default: '10000' },
    'max-in-flight': { type: 'string' },
  },
});

const RECOVERY_GOAL_MS = 10_000;
const r = await overload({
  backend: backendFrom(values),
  rate: Number(values.rate),
  durationMs: Number(values.seconds) * 1000,
  proposals: Number(values.proposals),
  timeoutMs: Number(values['timeout-ms']),
  warmupMs: Number(values['warmup-seconds']) * 1000,
  platformEnv: values['max-in-flight'] ? { MAX_IN_FLIGHT: values['max-in-flight'] } : {},
  log: (line) => process.stderr.write(`[overload] ${line}\n`),
});

const ok =
  intact(r.integrity) &&
  r.shed > 0 &&
  r.shedClean === r.shed &&
  r.timeouts === 0 &&
  r.otherStatuses === 0 &&
  r.platformAlive &&
  r.recoveryMs !== null &&
  r.recoveryMs <= RECOVERY_GOAL_MS;
printReport(
  [
    ...heading(
      `Overload (${r.backend})`,
      `After a warm-up of ${values['warmup-seconds']} s at 50/s (${r.warmup.offered} submits: ${formatTally(r.warmup.statuses)}), submits offered open loop at ${values.rate}/s for ${values.seconds} s over ${values.proposals} proposals (each request its own Idempotency-Key); client timeout ${values['timeout-ms']} ms; platform child with MAX_IN_FLIGHT=${values['max-in-flight'] ?? `${configSchema.shape.MAX_IN_FLIGHT.parse(undefined)} (default)`}, MAX_EVENT_LOOP_DELAY_MS=1000, DATABASE_POOL_MAX=20; client, platform and database on the same 2 cores.`,
    ),
    row('offered', `${r.offered} submits at ${r.achievedRate.toFixed(0)}/s achieved`, `${values.rate}/s`),
    row('answers', formatTally(r.statuses), '201 or 503'),
    row(
      'shed with 503',
      `${r.shed} (${r.shedClean} problem+json with Retry-After); p50 ${r.shedLatencyMs.p50.toFixed(0)} ms, p99 ${r.shedLatencyMs.p99.toFixed(0)} ms; ${Object.entries(
        r.shedBy,
      )
        .map(([d, n]) => `“${d}” ×${n}`)
        .join(', ')}`,
      'fast, all clean',
    ),
    row(
      'acknowledged',
      `${r.acknowledged}; p50 ${r.ackLatencyMs.p50.toFixed(0)} ms, p99 ${r.ackLatencyMs.p99.toFixed(0)} ms`,
      '—',
    ),
    row(
      'timeouts / connection errors / other statuses',
      `**${r.timeouts}** (${r.timeoutsBeforeConnect} never connected) / ${r.connectionErrors} / ${r.otherStatuses}${r.firstOther ? ` (first: ${r.firstOther.status} ${r.firstOther.body ?? ''})` : ''}`,
      '0 / 0 / 0',
    ),
    row(
      'recovery: load dropped → first success of a light client',
      `**${r.recoveryMs === null ? 'never' : `${(r.recoveryMs / 1000).toFixed(2)} s`}** (probe answers until then: ${formatTally(r.probeStatuses)})`,
      '≤ 10 s',
    ),
    row(
      'connections dropped by a full listen queue (kernel counter, whole machine)',
      r.listenOverflows === null ? 'not available' : String(r.listenOverflows),
      '— (the client waits unseen: a dropped SYN is retried after 1, 3, 7 s)',
    ),
    row(
      'platform process',
      `still the same process: ${yesNo(r.platformAlive)}; RSS peak ${r.platformRssPeakMiB.toFixed(0)} MiB`,
      'no crash',
    ),
    row('integrity', describeIntegrity(r.integrity), 'no acknowledged submission lost'),
  ],
  ok,
);
