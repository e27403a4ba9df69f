import path from 'node:path';
import { sql } from 'drizzle-orm';
import { createBlobStore } from '@permed/blobs';
import { validPdf } from '@permed/documents/testing';
import { createScenarioDatabase, type Backend } from '../support/database.ts';
import { prepareProposals, publishCallClosingAt, type PreparedProposal } from '../support/fixtures.ts';
import {
  acknowledged,
  clientAgent,
  isCleanProblem,
  submitOverHttp,
  tally,
  waitUntilReady,
  type SubmitOutcome,
} from '../support/http.ts';
import { checkSubmissions, rows, type Acknowledgement, type IntegrityReport } from '../support/integrity.ts';
import { startPlatform, type PlatformProcess } from '../support/platform.ts';
import { ageBlobStore, blobFiles, heavyPdf, startCutOffUpload, uploadOverHttp } from '../support/uploads.ts';

export interface KillDuringRushOptions {
  backend: Backend;
  /** Proposals submitted in the rush, one submit each. */
  proposals: number;
  /** Concurrent submit requests. */
  concurrency: number;
  /** SIGKILL the platform once this many submits have been acknowledged. */
  killAfter: number;
  /** Clients uploading complete PDFs in a loop during the rush (besides the one cut-off upload). */
  uploaders: number;
  uploadBytes: number;
  log?: (line: string) => void;
}

export interface OrphanSweep {
  /** The start-up collection's report from the platform's log. */
  removedTemp: number;
  removed: number;
  examined: number;
  /** Temporary files left in the blob store once the collection ran. */
  tempLeft: number;
}

export interface KillDuringRushResult {
  backend: Backend['kind'];
  sent: number;
  statusesBeforeKill: Record<string, number>;
  acknowledgedBeforeKill: number;
  /** Answers that were neither 2xx nor a clean problem+json (should be none). */
  uncleanAnswers: SubmitOutcome[];
  killAtMs: number;
  uploadsAcknowledged: number;
  /** A temporary file of the cut-off upload existed when the platform was killed. */
  cutOffUploadInFlight: boolean;
  tempFilesAfterKill: number;
  restartMs: number;
  /** Restart within the grace period: what the start-up collection did. */
  sweepWithinGrace: OrphanSweep;
  /** Restart after the grace period (files aged): what the start-up collection did. */
  sweepAfterGrace: OrphanSweep;
  /** Client retries of the unacknowledged submits after the restart, same Idempotency-Key. */
  retries: { sent: number; statuses: Record<string, number>; replayed: number };
  /** Over every acknowledgement: before the kill and of the retries after it. */
  integrity: IntegrityReport;
  /** Submissions acknowledged before the kill whose version is not there after the restart. */
  lostOfAcknowledgedBeforeKill: number;
  /** Rush proposals with other than exactly one version after the retries. */
  proposalsWithoutExactlyOneVersion: number;
  /** Document rows whose blob file is missing, and blob files no row refers to, at the end. */
  documentsWithoutBlob: number;
  unreferencedBlobs: number;
  /** The cut-off upload changed nothing: its proposal still has its original document. */
  cutOffLeftNoRow: boolean;
  outboxPendingAtEnd: number;
}

const GRACE_MS = 60 * 60 * 1000;

/**
 * Scenario 1: kill -9 during a submission rush. The platform runs as a child process on a fresh
 * database; `concurrency` clients submit complete proposals over HTTP while others upload PDFs and
 * one upload is cut off half-way; after `killAfter` acknowledgements the platform gets SIGKILL.
 * It is restarted twice on the same data: once at once (the start-up orphan collection must spare
 * files younger than its grace period, as another instance could be writing them), and once with
 * the blob store aged past the grace period (the collection must remove what the kill left). Then
 * every acknowledged submission must have exactly its version, nothing may be half written, every
 * hash chain must verify, and a client retrying its unacknowledged submits with the same
 * Idempotency-Key must end with exactly one version per proposal.
 */
export async function killDuringRush(options: KillDuringRushOptions): Promise<KillDuringRushResult> {
  const log = options.log ?? (() => {});
  const db = await createScenarioDatabase(options.backend, 'kill');
  const platforms: PlatformProcess[] = [];
  try {
    // ------------------------------------------------------------ preparation
    const handle = await db.open();
    let callId: string;
    let rush: PreparedProposal[];
    let uploaders: PreparedProposal[];
    let originalPdf: { sha256: string; bytes: number };
    try {
      callId = await publishCallClosingAt(handle.db, 'kill-rush', new Date(Date.now() + 30 * 24 * 3600_000));
      originalPdf = await createBlobStore(path.join(db.dataDir, 'blobs')).put(await validPdf({ pages: 1 }));
      const t0 = performance.now();
      rush = await prepareProposals(handle.db, db.config, {
        callSlug: 'kill-rush',
        count: options.proposals,
        label: 'kill',
        pdf: originalPdf,
      });
      uploaders = await prepareProposals(handle.db, db.config, {
        callSlug: 'kill-rush',
        count: options.uploaders + 1,
        label: 'upload',
        pdf: originalPdf,
      });
      log(
        `prepared ${rush.length + uploaders.length} proposals in ${(performance.now() - t0).toFixed(0)} ms`,
      );
    } finally {
      await handle.close();
    }
    const [cutOff, ...loopers] = uploaders;

    // ------------------------------------------------------------ the rush and the kill
    // The cut-off upload holds its connection without sending on purpose, so that the kill finds
    // it mid-stream: the minimum body rate must not cut it first (docs/reliability.md, section 5).
    const first = await startPlatform(db.platformEnv({ BODY_GRACE_SECONDS: '600' }));
    platforms.push(first);
    await waitUntilReady(first.url);
    log(`platform up in ${first.startMs.toFixed(0)} ms (pid ${first.pid})`);
    const cut = await startCutOffUpload(
      first.url,
      cutOff!,
      heavyPdf(4 * 1024 * 1024),
      originalPdf.sha256,
      db.dataDir,
    );
    log(`cut-off upload streaming: temporary file seen ${cut.tempFileSeen}`);

    const agent = clientAgent(options.concurrency);
    const outcomes: SubmitOutcome[] = [];
    let killStarted = false;
    let killAtMs = 0;
    let killDone: Promise<void> = Promise.resolve();
    let tempFilesAtKill = 0;
    const rushStarted = performance.now();
    const triggerKill = () => {
      if (killStarted) return;
      killStarted = true;
      killAtMs = performance.now() - rushStarted;
      killDone = first.kill().then(async () => {
        tempFilesAtKill = (await blobFiles(db.dataDir)).temp.length;
      });
    };
    let next = 0;
    const submitter = async () => {
      while (!killStarted && next < rush.length) {
        const p = rush[next++]!;
        const o = await submitOverHttp(first.url, p, `rush-${p.id}`, { agent, timeoutMs: 30_000 });
        outcomes.push(o);
        if (outcomes.filter(acknowledged).length >= options.killAfter) triggerKill();
      }
    };
    const uploads: { proposalId: string; status: number | null; sha256?: string }[] = [];
    const uploader = async (p: PreparedProposal) => {
      // Each upload replaces the one before it (If-Match of the last stored hash).
      let current = originalPdf.sha256;
      while (!killStarted) {
        const r = await uploadOverHttp(first.url, p, heavyPdf(options.uploadBytes), current);
        uploads.push({ proposalId: p.id, ...r });
        if (r.sha256) current = r.sha256;
      }
    };
    await Promise.all([
      ...Array.from({ length: options.concurrency }, submitter),
      ...loopers.map((p) => uploader(p)),
      // Should the rush end before `killAfter`, the kill still comes, after the last answer.
    ]);
    triggerKill();
    await killDone;
    cut.abort();
    agent.destroy();
    const acks: Acknowledgement[] = outcomes
      .filter(acknowledged)
      .map((o) => ({ proposalId: o.proposalId, idempotencyKey: o.idempotencyKey, version: o.version! }));
    log(
      `killed after ${killAtMs.toFixed(0)} ms: ${outcomes.length} answers/errors (${JSON.stringify(tally(outcomes))}), ${acks.length} acknowledged, ${tempFilesAtKill} temporary files`,
    );

    // ------------------------------------------------------------ restart within the grace period
    const second = await startPlatform(db.platformEnv({ LOG_LEVEL: 'info' }));
    platforms.push(second);
    await waitUntilReady(second.url);
    const restartMs = second.startMs;
    const sweep = async (p: PlatformProcess): Promise<OrphanSweep> => {
      const line = await p.waitForLog(/^orphan blobs collected/, 30_000);
      const r = (line.proposals ?? {}) as { removedTemp?: number; removed?: string[]; examined?: number };
      return {
        removedTemp: r.removedTemp ?? 0,
        removed: r.removed?.length ?? 0,
        examined: r.examined ?? 0,
        tempLeft: (await blobFiles(db.dataDir)).temp.length,
      };
    };
    const sweepWithinGrace = await sweep(second);
    log(`restarted in ${restartMs.toFixed(0)} ms; start-up sweep: ${JSON.stringify(sweepWithinGrace)}`);

    // A client that saw no answer retries with the same key: a replay (200) if it had committed.
    const ackedIds = new Set(acks.map((a) => a.proposalId));
    const retryAgent = clientAgent(options.concurrency);
    const retryOutcomes: SubmitOutcome[] = [];
    const pending = rush.filter((p) => !ackedIds.has(p.id));
    let r = 0;
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (r < pending.length) {
          const p = pending[r++]!;
          retryOutcomes.push(
            await submitOverHttp(second.url, p, `rush-${p.id}`, { agent: retryAgent, timeoutMs: 30_000 }),
          );
        }
      }),
    );
    retryAgent.destroy();
    await second.stop();

    // ------------------------------------------------------------ restart after the grace period
    const aged = await ageBlobStore(db.dataDir, GRACE_MS + 60_000);
    const third = await startPlatform(db.platformEnv({ LOG_LEVEL: 'info' }));
    platforms.push(third);
    const sweepAfterGrace = await sweep(third);
    log(`aged ${aged} files; start-up sweep after the grace period: ${JSON.stringify(sweepAfterGrace)}`);
    await third.stop();

    // ------------------------------------------------------------ verification
    const check = await db.open();
    try {
      const integrity = await checkSubmissions(check.db, callId, [
        ...acks,
        ...retryOutcomes
          .filter(acknowledged)
          .map((o) => ({ proposalId: o.proposalId, idempotencyKey: o.idempotencyKey, version: o.version! })),
      ]);
      const killKeys = new Set(acks.map((a) => a.idempotencyKey));
      const rushIds = new Set(rush.map((p) => p.id));
      const perProposal = await rows<{ proposal_id: string; n: number }>(
        check.db,
        sql`select p.id as proposal_id, (select count(*) from proposal_versions v where v.proposal_id = p.id)::int as n
            from proposals p where p.call_id = ${callId}`,
      );
      const documents = await rows<{ proposal_id: string; sha256: string }>(
        check.db,
        sql`select proposal_id, sha256 from proposal_documents`,
      );
      const referenced = new Set(
        (
          await rows<{ sha: string }>(
            check.db,
            sql`select sha256 as sha from proposal_documents
                union select sha256 from submission_receipts
                union select d->>'sha256' from proposal_versions, jsonb_array_elements(documents) as d`,
          )
        ).map((x) => x.sha),
      );
      const files = await blobFiles(db.dataDir);
      const present = new Set(files.blobs);
      const [pendingOutbox] = await rows<{ n: number }>(
        check.db,
        sql`select count(*)::int as n from outbox where processed_at is null`,
      );
      return {
        backend: db.backend,
        sent: outcomes.length,
        statusesBeforeKill: tally(outcomes),
        acknowledgedBeforeKill: acks.length,
        uncleanAnswers: outcomes.filter((o) => o.status !== null && !acknowledged(o) && !isCleanProblem(o)),
        killAtMs,
        uploadsAcknowledged: uploads.filter((u) => u.status === 200).length,
        cutOffUploadInFlight: cut.tempFileSeen,
        tempFilesAfterKill: tempFilesAtKill,
        restartMs,
        sweepWithinGrace,
        sweepAfterGrace,
        retries: {
          sent: retryOutcomes.length,
          statuses: tally(retryOutcomes),
          replayed: retryOutcomes.filter((o) => o.status === 200).length,
        },
        integrity,
        lostOfAcknowledgedBeforeKill: integrity.lost.filter((a) => killKeys.has(a.idempotencyKey)).length,
        proposalsWithoutExactlyOneVersion: perProposal.filter((p) => rushIds.has(p.proposal_id) && p.n !== 1)
          .length,
        documentsWithoutBlob: documents.filter((d) => !present.has(d.sha256)).length,
        unreferencedBlobs: files.blobs.filter((b) => !referenced.has(b)).length,
        cutOffLeftNoRow: documents.some(
          (d) => d.proposal_id === cutOff!.id && d.sha256 === originalPdf.sha256,
        ),
        outboxPendingAtEnd: pendingOutbox?.n ?? 0,
      };
    } finally {
      await check.close();
    }
  } finally {
    for (const p of platforms) await p.kill();
    await db.destroy();
  }
}
