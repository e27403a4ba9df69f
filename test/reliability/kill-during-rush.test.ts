import { describe, expect, it } from 'vitest';
import { killDuringRush } from '../../scripts/reliability/scenarios/kill-during-rush.ts';
import { intact } from '../../scripts/reliability/support/integrity.ts';
import { report, testBackend } from './backend.ts';

const backend = testBackend();

// The platform is a child process on its own database (PostgreSQL when the run has a server,
// otherwise the embedded PGlite in its data directory): the same code path as the script, small.
describe(`kill -9 during a submission rush (${backend.kind})`, () => {
  it('keeps every acknowledged submission, leaves nothing half written, and collects the cut-off upload', async () => {
    const r = await killDuringRush({
      backend,
      proposals: 40,
      concurrency: 8,
      killAfter: 12,
      uploaders: 1,
      uploadBytes: 1024 * 1024,
    });
    report('kill-during-rush', {
      statuses: r.statusesBeforeKill,
      acknowledged: r.acknowledgedBeforeKill,
      retries: r.retries.statuses,
      sweeps: [r.sweepWithinGrace, r.sweepAfterGrace],
    });
    // The kill came mid-rush, with submits and an upload in flight.
    expect(r.acknowledgedBeforeKill).toBeGreaterThanOrEqual(12);
    expect(r.cutOffUploadInFlight).toBe(true);
    expect(r.tempFilesAfterKill).toBeGreaterThanOrEqual(1);
    expect(r.uncleanAnswers).toEqual([]);
    // After the restart: every acknowledged submission has exactly its version; nothing half written.
    expect(r.lostOfAcknowledgedBeforeKill).toBe(0);
    expect(r.integrity.lost).toEqual([]);
    expect(r.integrity.versionsWithoutTransition + r.integrity.versionsWithoutAudit).toBe(0);
    expect(r.integrity.versionsWithoutOutbox).toBe(0);
    expect(r.integrity.transitionsWithoutVersion + r.integrity.auditsWithoutVersion).toBe(0);
    expect(r.integrity.chains.firstBreak).toBeNull();
    expect(intact(r.integrity)).toBe(true);
    // Clients retrying their unanswered submits with the same key end with one version each.
    expect(Object.keys(r.retries.statuses).every((s) => s === '200' || s === '201')).toBe(true);
    expect(r.retries.sent).toBe(40 - r.acknowledgedBeforeKill);
    expect(r.proposalsWithoutExactlyOneVersion).toBe(0);
    // The cut-off upload: no row; its temporary file is spared within the grace period and
    // collected at the first start after it.
    expect(r.cutOffLeftNoRow).toBe(true);
    expect(r.sweepWithinGrace.tempLeft).toBeGreaterThanOrEqual(1);
    expect(r.sweepAfterGrace.removedTemp).toBeGreaterThanOrEqual(1);
    expect(r.sweepAfterGrace.tempLeft).toBe(0);
    expect(r.documentsWithoutBlob).toBe(0);
    expect(r.unreferencedBlobs).toBe(0);
  }, 300_000);
});
