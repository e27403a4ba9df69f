import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { deflateBombPdf, heapBombPdf, minimalPdf, nameTablePdf, validPdf } from '../testing/index.ts';
import { inspectPdf } from './inspect-pdf.ts';
import { inspectionWorkerStats } from './inspection-pool.ts';

// Workers are shared per heap limit; each test uses its own limit, so its own pool, and counts the
// distinct worker threads that answered (a process-wide figure) before and after.
const SLOW = 30_000;

describe('the inspection worker pool', () => {
  it('reuses its workers: a run of files needs no worker per file', { timeout: SLOW }, async () => {
    const limits = { maxHeapMb: 200 };
    const before = inspectionWorkerStats();
    for (let index = 0; index < 8; index += 1) {
      expect(await inspectPdf(await validPdf({ pages: 2 }), limits)).toMatchObject({
        ok: true,
        pageCount: 2,
      });
    }
    const parallel = await Promise.all(Array.from({ length: 8 }, () => inspectPdf(minimalPdf(), limits)));
    expect(parallel.every((result) => result.ok)).toBe(true);
    const after = inspectionWorkerStats();
    expect(after.tasks - before.tasks).toBe(16);
    // One after another they share one worker; at once, at most one per core.
    expect(after.threads - before.threads).toBeGreaterThanOrEqual(1);
    expect(after.threads - before.threads).toBeLessThanOrEqual(availableParallelism());
  });

  it(
    'recycles a worker that a file left with a large heap before it reads the next file',
    { timeout: SLOW },
    async () => {
      const limits = { maxHeapMb: 224 };
      expect(await inspectPdf(minimalPdf(), limits)).toMatchObject({ ok: true });
      const first = inspectionWorkerStats().threads;
      // 400,000 distinct names stay in pdf-lib's name table: over 100 MB on this worker's heap.
      expect(await inspectPdf(nameTablePdf(400_000), limits)).toMatchObject({ ok: true });
      expect(inspectionWorkerStats().threads).toBe(first);
      expect(await inspectPdf(minimalPdf(), limits)).toMatchObject({ ok: true });
      expect(inspectionWorkerStats().threads).toBe(first + 1);
      // An ordinary file does not cost a new worker.
      expect(await inspectPdf(minimalPdf(), limits)).toMatchObject({ ok: true });
      expect(inspectionWorkerStats().threads).toBe(first + 1);
    },
  );

  it(
    'replaces a worker terminated at the time limit and inspects the next file at once',
    { timeout: SLOW },
    async () => {
      const limits = { maxHeapMb: 240 };
      expect(await inspectPdf(minimalPdf(), limits)).toMatchObject({ ok: true });
      const stuck = deflateBombPdf({ location: 'content-stream', inflatedBytes: 8 * 1024 ** 3 });
      expect(
        await inspectPdf(stuck, { ...limits, timeoutMs: 800, maxDecodedBytes: Number.MAX_SAFE_INTEGER }),
      ).toMatchObject({ ok: false, reason: 'PARSE_TIMEOUT' });
      const next = await Promise.all([inspectPdf(minimalPdf(), limits), inspectPdf(minimalPdf(), limits)]);
      expect(next).toEqual([expect.objectContaining({ ok: true }), expect.objectContaining({ ok: true })]);
    },
  );

  it(
    'replaces a worker that ran out of heap; the file is refused, the next one is read',
    { timeout: SLOW },
    async () => {
      const limits = { maxHeapMb: 64, timeoutMs: 25_000 };
      expect(await inspectPdf(heapBombPdf(10_000_000), limits)).toMatchObject({
        ok: false,
        reason: 'PARSE_RESOURCE_LIMIT',
      });
      expect(await inspectPdf(minimalPdf(), limits)).toMatchObject({ ok: true, pageCount: 1 });
    },
  );
});
