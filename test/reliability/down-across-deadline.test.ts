import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { callJobHandlers, seedFunderRegistry } from '@permed/calls-service';
import { runDueJobs } from '@permed/db';
import { ManualClock } from '@permed/domain';
import { buildPlatform } from '@permed/platform';
import { makeDeps } from '@permed/service-kit';
import { createTestContext } from '@permed/testing';
import { downAcrossDeadline } from '../../scripts/reliability/scenarios/down-across-deadline.ts';
import {
  prepareProposals,
  publishCallClosingAt,
  type PreparedProposal,
} from '../../scripts/reliability/support/fixtures.ts';
import { checkSubmissions, intact, rows } from '../../scripts/reliability/support/integrity.ts';
import { report, testBackend } from './backend.ts';

const backend = testBackend();

describe(`the platform down across a deadline (${backend.kind})`, () => {
  if (backend.kind === 'postgres') {
    const serverUrl = backend.serverUrl;
    it('accepts nothing late when two instances come back, and closes the stage exactly once', async () => {
      const r = await downAcrossDeadline({
        serverUrl,
        before: 20,
        after: 20,
        leadMs: 15_000,
        downPastDeadlineMs: 2000,
      });
      report('down-across-deadline', {
        before: r.beforeStatuses,
        after: r.afterStatuses,
        closeJobs: r.closeJobs,
        catchUpMs: r.catchUpMs,
      });
      expect(r.beforeStatuses).toEqual({ '201': 20 });
      expect(r.stoppedBeforeDeadlineMs).toBeGreaterThan(0);
      expect(r.bothInstancesAlive).toBe(true);
      expect(r.lateAccepted).toBe(0);
      expect(r.lateRefused).toBe(21);
      expect(r.closeTransitions).toBe(1);
      expect(r.closeJobs).toHaveLength(1);
      expect(r.closeJobs[0]).toMatchObject({ done: true, attempts: 1 });
      expect(r.closeJobs[0]!.doneAfterDeadlineMs).toBeGreaterThanOrEqual(0);
      expect(r.proposalsMovedToEligibility).toBe(20);
      expect(r.proposalsMovedTwice).toBe(0);
      expect(r.integrity.atOrAfterDeadline).toBe(0);
      expect(intact(r.integrity)).toBe(true);
    }, 300_000);
  } else {
    // Two platform processes cannot share an embedded PGlite. The variant: two platform apps on
    // one database in this process, a clock standing past the deadline, and both schedulers
    // catching up at the same moment as the coordinators submit.
    it('accepts nothing late when two instances come back, and closes the stage exactly once (in process)', async () => {
      const dataDir = await mkdtemp(path.join(tmpdir(), 'permed-deadline-'));
      const ctx = await createTestContext({ config: { DATA_DIR: dataDir } });
      try {
        const db = ctx.db.db;
        await seedFunderRegistry(db);
        const deadline = new Date(Date.now() + 10 * 60_000);
        const callId = await publishCallClosingAt(db, 'down-deadline', deadline);
        const proposals = await prepareProposals(db, ctx.config, {
          callSlug: 'down-deadline',
          count: 16,
          label: 'deadline',
          pdf: { sha256: 'b'.repeat(64), bytes: 1000 },
        });
        const early = proposals.slice(0, 8);
        const late = proposals.slice(8);
        const submit = (app: Awaited<ReturnType<typeof buildPlatform>>, p: PreparedProposal, key: string) =>
          app.inject({
            method: 'POST',
            url: `/api/proposals/${p.id}/submit`,
            headers: { authorization: `Bearer ${p.token}`, 'idempotency-key': key },
          });

        // Up before the deadline; its scheduler opens the stage.
        ctx.clock.set(new Date());
        const first = await buildPlatform(ctx.config, makeDeps(ctx.config, db, ctx.clock));
        await runDueJobs(db, () => ctx.clock.now(), callJobHandlers);
        for (const p of early) expect((await submit(first, p, `early-${p.id}`)).statusCode).toBe(201);
        await first.close();

        // Down across the deadline; back with two instances, each with its own clock reading.
        const clocks = [new ManualClock(deadline), new ManualClock(deadline)];
        for (const c of clocks) c.set(new Date(deadline.getTime() + 3000));
        const apps = await Promise.all(
          clocks.map((c) => buildPlatform(ctx.config, makeDeps(ctx.config, db, c))),
        );
        const [catchUps, answers] = await Promise.all([
          Promise.all(clocks.map((c) => runDueJobs(db, () => c.now(), callJobHandlers))),
          Promise.all([...late, early[0]!].map((p, i) => submit(apps[i % 2]!, p, `late-${p.id}`))),
        ]);
        // Every late submit is refused by the deadline: drafts, and the resubmit of a submitted
        // proposal whether or not the stage-closing job already moved it to the eligibility check.
        for (const res of answers) {
          expect(res.statusCode).toBe(409);
          expect(res.json()).toMatchObject({ code: 'DEADLINE_PASSED' });
        }
        expect(catchUps.reduce((n, r) => n + r.ran, 0)).toBe(1);
        expect(catchUps.reduce((n, r) => n + r.failed, 0)).toBe(0);
        // Both schedulers again: nothing left to run.
        for (const c of clocks) expect((await runDueJobs(db, () => c.now(), callJobHandlers)).ran).toBe(0);

        const [close] = await rows<{ n: number }>(
          db,
          sql`select count(*)::int as n from workflow_transitions t join workflow_instances wi on wi.id = t.instance_id
              where wi.kind = 'call' and wi.subject_id = ${callId} and t.event = 'CLOSE_PRE_PROPOSALS'`,
        );
        expect(close!.n).toBe(1);
        const jobs = await rows<{ done: boolean; attempts: number }>(
          db,
          sql`select done_at is not null as done, attempts from scheduled_jobs
              where subject_id = ${callId} and payload->>'event' = 'CLOSE_PRE_PROPOSALS'`,
        );
        expect(jobs).toEqual([{ done: true, attempts: 1 }]);
        const moved = await rows<{ n: number }>(
          db,
          sql`select count(*)::int as n from workflow_transitions t join workflow_instances wi on wi.id = t.instance_id
              where wi.kind = 'proposal' and wi.call_id = ${callId} and t.event = 'START_ELIGIBILITY_CHECK' group by wi.id`,
        );
        expect(moved.map((m) => m.n)).toEqual(early.map(() => 1));
        const integrity = await checkSubmissions(
          db,
          callId,
          early.map((p) => ({ proposalId: p.id, idempotencyKey: `early-${p.id}`, version: 1 })),
          { deadline },
        );
        expect(integrity.versions).toBe(8);
        expect(intact(integrity)).toBe(true);
        report('down-across-deadline (pglite variant)', { late: answers.length, catchUps });
        await Promise.all(apps.map((a) => a.close()));
      } finally {
        await ctx.close();
        await rm(dataDir, { recursive: true, force: true });
      }
    }, 120_000);
  }
});
