// The platform down across a deadline: `node scripts/reliability/down-across-deadline.ts
//   [--server postgres://postgres@127.0.0.1:5432/postgres] [--before 200] [--after 200]
//   [--lead-ms 40000] [--down-past-ms 3000]`
// Real time: the call's deadline is --lead-ms ahead when it is published, so the run takes about
// that long. Prints a markdown section. See scenarios/down-across-deadline.ts.
import { parseArgs } from 'node:util';
import { downAcrossDeadline } from './scenarios/down-across-deadline.ts';
import { formatTally } from './support/http.ts';
import { describeIntegrity, intact } from './support/integrity.ts';
import { heading, printReport, row, yesNo } from './support/report.ts';

const { values } = parseArgs({
  options: {
    server: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    before: { type: 'string', default: '200' },
    after: { type: 'string', default: '200' },
    'lead-ms': { type: 'string', default: '40000' },
    'down-past-ms': { type: 'string', default: '3000' },
  },
});

const r = await downAcrossDeadline({
  serverUrl: values.server,
  before: Number(values.before),
  after: Number(values.after),
  leadMs: Number(values['lead-ms']),
  downPastDeadlineMs: Number(values['down-past-ms']),
  log: (line) => process.stderr.write(`[deadline] ${line}\n`),
});

const job = r.closeJobs[0];
const ok =
  intact(r.integrity) &&
  r.lateAccepted === 0 &&
  r.lateRefused === Number(values.after) + 1 &&
  r.bothInstancesAlive &&
  r.closeTransitions === 1 &&
  r.closeJobs.length === 1 &&
  job?.done === true &&
  job.attempts === 1 &&
  r.proposalsMovedTwice === 0;
printReport(
  [
    ...heading(
      'The platform down across a deadline',
      `PostgreSQL 15; a call whose pre-proposal deadline (${r.deadline}) was ${values['lead-ms']} ms ahead in real time; the platform stopped before it and stayed down until ${values['down-past-ms']} ms after it; then two instances started together on the same database.`,
    ),
    row(
      'before the deadline',
      `${formatTally(r.beforeStatuses)}; stopped ${(r.stoppedBeforeDeadlineMs / 1000).toFixed(1)} s before the deadline`,
      'all 201',
    ),
    row(
      'two instances started at once (spawn → listening)',
      `${r.instanceStartMs.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(' and ')}; both still running: ${yesNo(r.bothInstancesAlive)}`,
      'both up',
    ),
    row(
      'submits as soon as they listened (after the deadline)',
      `${formatTally(r.afterStatuses)}; ${r.lateRefused} refused (409 DEADLINE_PASSED), **${r.lateAccepted} accepted**`,
      'all 409, none accepted',
    ),
    row('CLOSE_PRE_PROPOSALS steps of the call', `**${r.closeTransitions}**`, '1'),
    row(
      'stage-closing job rows',
      r.closeJobs
        .map(
          (j) =>
            `done ${yesNo(j.done)}, attempts ${j.attempts}, ran ${j.doneAfterDeadlineMs === null ? '—' : `${(j.doneAfterDeadlineMs / 1000).toFixed(1)} s after the deadline`}, result ${JSON.stringify(j.result)}`,
        )
        .join('; '),
      'one, done once',
    ),
    row(
      'catch-up: instances spawned → job done',
      r.catchUpMs === null ? 'not done' : `${(r.catchUpMs / 1000).toFixed(1)} s`,
      '—',
    ),
    row(
      'submitted proposals moved to the eligibility check',
      `${r.proposalsMovedToEligibility}, ${r.proposalsMovedTwice} moved twice`,
      `${values.before}, 0`,
    ),
    row(
      'integrity (with the deadline)',
      `${describeIntegrity(r.integrity)}; ${r.integrity.atOrAfterDeadline} versions at or after the deadline`,
      'nothing late, lost or half written',
    ),
  ],
  ok,
);
