// kill -9 during a submission rush: `node scripts/reliability/kill-during-rush.ts
//   [--server postgres://postgres@127.0.0.1:5432/postgres | --pglite] [--proposals 2000]
//   [--concurrency 100] [--kill-after 600] [--uploaders 3] [--upload-mib 2]`
// Creates (and drops) its own database; prints a markdown section. See scenarios/kill-during-rush.ts.
import { parseArgs } from 'node:util';
import { killDuringRush } from './scenarios/kill-during-rush.ts';
import { backendFrom, heading, printReport, row, yesNo } from './support/report.ts';
import { describeIntegrity, intact } from './support/integrity.ts';
import { formatTally } from './support/http.ts';

const { values } = parseArgs({
  options: {
    server: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    pglite: { type: 'boolean', default: false },
    proposals: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '100' },
    'kill-after': { type: 'string', default: '600' },
    uploaders: { type: 'string', default: '3' },
    'upload-mib': { type: 'string', default: '2' },
  },
});

const r = await killDuringRush({
  backend: backendFrom(values),
  proposals: Number(values.proposals),
  concurrency: Number(values.concurrency),
  killAfter: Number(values['kill-after']),
  uploaders: Number(values.uploaders),
  uploadBytes: Number(values['upload-mib']) * 1024 * 1024,
  log: (line) => process.stderr.write(`[kill] ${line}\n`),
});

const ok =
  intact(r.integrity) &&
  r.lostOfAcknowledgedBeforeKill === 0 &&
  r.proposalsWithoutExactlyOneVersion === 0 &&
  r.uncleanAnswers.length === 0 &&
  r.documentsWithoutBlob === 0 &&
  r.sweepAfterGrace.tempLeft === 0 &&
  r.unreferencedBlobs === 0 &&
  r.cutOffLeftNoRow;
printReport(
  [
    ...heading(
      `kill -9 during a submission rush (${r.backend})`,
      `${values.proposals} proposals, ${values.concurrency} concurrent submits over HTTP, ${values.uploaders} clients uploading ${values['upload-mib']} MiB PDFs and one upload cut off half-way; SIGKILL after ${values['kill-after']} acknowledgements.`,
    ),
    row(
      'answers before the kill',
      `${formatTally(r.statusesBeforeKill)} (${r.sent} requests)`,
      'only 201 or clean problem+json',
    ),
    row(
      'acknowledged before the kill',
      `${r.acknowledgedBeforeKill} submits, ${r.uploadsAcknowledged} uploads; killed ${(r.killAtMs / 1000).toFixed(1)} s into the rush`,
      '—',
    ),
    row('acknowledged submits lost after the restart', `**${r.lostOfAcknowledgedBeforeKill}**`, '0'),
    row('half-written rows', describeIntegrity(r.integrity), 'none; chains intact'),
    row(
      'restart (spawn → listening, migrations and seed included)',
      `${(r.restartMs / 1000).toFixed(2)} s`,
      '—',
    ),
    row(
      'client retries of unacknowledged submits (same Idempotency-Key)',
      `${formatTally(r.retries.statuses)}; ${r.retries.replayed} replayed (had committed unseen)`,
      'each 200 or 201',
    ),
    row(
      'rush proposals without exactly one version afterwards',
      String(r.proposalsWithoutExactlyOneVersion),
      '0',
    ),
    row(
      'cut-off upload',
      `temporary file in flight at the kill: ${yesNo(r.cutOffUploadInFlight)}; ${r.tempFilesAfterKill} temporary files after the kill; document row unchanged: ${yesNo(r.cutOffLeftNoRow)}`,
      'no row',
    ),
    row(
      'start-up sweep right after the crash',
      `removed ${r.sweepWithinGrace.removedTemp} temporary and ${r.sweepWithinGrace.removed} unreferenced files; ${r.sweepWithinGrace.tempLeft} temporary files left (younger than the 1 h grace)`,
      'spared (another instance may be writing them)',
    ),
    row(
      'start-up sweep after the grace period',
      `removed ${r.sweepAfterGrace.removedTemp} temporary and ${r.sweepAfterGrace.removed} unreferenced files; ${r.sweepAfterGrace.tempLeft} left`,
      'all collected',
    ),
    row(
      'blob store afterwards',
      `${r.documentsWithoutBlob} document rows without their file; ${r.unreferencedBlobs} files no row refers to`,
      '0 / 0',
    ),
    row(
      'outbox items still pending at the end',
      String(r.outboxPendingAtEnd),
      '— (drained in the background)',
    ),
  ],
  ok,
);
