// PostgreSQL failing mid-rush: `node scripts/reliability/postgres-fault.ts
//   [--server postgres://postgres@127.0.0.1:5432/postgres] [--proposals 2000] [--concurrency 50]
//   [--faults terminate,outage] [--outage-ms 3000]`
// The server itself is not restarted (other test runs share it): the platform's backends are
// terminated (pg_terminate_backend), and a restart is staged by a TCP relay that resets every
// connection and refuses new ones for --outage-ms. Prints a markdown section. See scenarios/postgres-fault.ts.
import { parseArgs } from 'node:util';
import { postgresFault, type DatabaseFault } from './scenarios/postgres-fault.ts';
import { formatTally } from './support/http.ts';
import { describeIntegrity, intact } from './support/integrity.ts';
import { heading, printReport, row, yesNo } from './support/report.ts';

const { values } = parseArgs({
  options: {
    server: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    proposals: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '50' },
    faults: { type: 'string', default: 'terminate,outage' },
    'outage-ms': { type: 'string', default: '3000' },
  },
});

const RECOVERY_GOAL_MS = 10_000;
const r = await postgresFault({
  serverUrl: values.server,
  proposals: Number(values.proposals),
  concurrency: Number(values.concurrency),
  faults: values.faults.split(',') as DatabaseFault[],
  outageMs: Number(values['outage-ms']),
  log: (line) => process.stderr.write(`[pg-fault] ${line}\n`),
});

const describe: Record<DatabaseFault, string> = {
  terminate: 'pg_terminate_backend on all the platform’s connections',
  outage: `every connection reset and new ones refused for ${values['outage-ms']} ms (relay)`,
};
const ok =
  intact(r.integrity) &&
  r.unclean.length === 0 &&
  r.otherRefusals.length === 0 &&
  r.samePlatformProcess &&
  r.allAcknowledged &&
  r.proposalsWithoutExactlyOneVersion === 0 &&
  r.faults.every((f) => f.recoveryMs !== null && f.recoveryMs <= RECOVERY_GOAL_MS);
printReport(
  [
    ...heading(
      'PostgreSQL failing mid-rush',
      `${values.proposals} proposals, ${values.concurrency} concurrent clients that retry after Retry-After with the same Idempotency-Key; the platform reaches PostgreSQL 15 through a TCP relay.`,
    ),
    ...r.faults.map((f) =>
      row(
        `fault: ${describe[f.kind]}`,
        `${f.connectionsCut} connections cut; answers until recovery: ${formatTally(f.duringFault) || 'none'}; first success **${f.recoveryMs === null ? 'never' : `${(f.recoveryMs / 1000).toFixed(2)} s`}** after the fault (${f.recoveryFromStartMs === null ? '—' : `${(f.recoveryFromStartMs / 1000).toFixed(2)} s`} after it began)`,
        '503 problem+json; success ≤ 10 s, no restart',
      ),
    ),
    row(
      'all answers',
      `${formatTally(r.statuses)} (${r.requests} requests in ${r.seconds.toFixed(1)} s)`,
      '201 / 200 / clean 503',
    ),
    row(
      'answers that were not clean problem+json',
      String(r.unclean.length) +
        (r.unclean[0] ? ` (first: ${r.unclean[0].status} ${r.unclean[0].body ?? ''})` : ''),
      '0',
    ),
    row(
      'refusals other than 503 (a fault must not look like a decision: 401, 409...)',
      `${r.otherRefusals.length}${r.otherRefusals[0] ? ` (first: ${r.otherRefusals[0].status} ${r.otherRefusals[0].code ?? ''})` : ''}`,
      '0',
    ),
    row('same platform process throughout', yesNo(r.samePlatformProcess), 'yes'),
    row(
      'every proposal acknowledged in the end / exactly one version each',
      `${yesNo(r.allAcknowledged)} / ${r.proposalsWithoutExactlyOneVersion === 0 ? 'yes' : `${r.proposalsWithoutExactlyOneVersion} not`}`,
      'yes / yes',
    ),
    row('integrity', describeIntegrity(r.integrity), 'nothing lost or half written'),
  ],
  ok,
);
