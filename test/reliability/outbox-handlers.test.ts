import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainOutbox, enqueueOutbox, schema } from '@permed/db';
import { createTestContext, type TestContext } from '@permed/testing';

// Regression: the outbox ran its handlers inside the transaction that claimed the item. On the
// embedded PGlite (one connection) a handler that queried the database waited for that
// transaction for ever, and the whole platform froze after its first submission (found by
// scripts/reliability/kill-during-rush.ts --pglite).
let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx.close();
});

const within = <T>(ms: number, p: Promise<T>): Promise<T> =>
  Promise.race([
    p,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms),
    ),
  ]);

describe('the outbox', () => {
  it('lets a handler use the database, and marks the item processed', async () => {
    const db = ctx.db.db;
    await enqueueOutbox(db, { kind: 'probe', payload: { n: 1 }, at: ctx.clock.now(), dedupeKey: 'probe-1' });
    const seen: number[] = [];
    const result = await within(
      10_000,
      drainOutbox(db, () => ctx.clock.now(), {
        probe: async (_payload, item) => {
          const [row] = await db.select().from(schema.outbox).where(eq(schema.outbox.id, item.id));
          seen.push(row!.attempts);
        },
      }),
    );
    expect(result).toEqual({ processed: 1, failed: 0, yielded: false });
    expect(seen).toEqual([1]);
    const [row] = await db.select().from(schema.outbox).where(eq(schema.outbox.dedupeKey, 'probe-1'));
    expect(row!.processedAt).not.toBeNull();
    expect(row!.attempts).toBe(1);
  });

  it('does not hand an item being delivered to a second worker (lease), and retries a failure later', async () => {
    const db = ctx.db.db;
    await enqueueOutbox(db, { kind: 'slow', payload: {}, at: ctx.clock.now(), dedupeKey: 'slow-1' });
    let nested: { processed: number; failed: number } | undefined;
    const result = await within(
      10_000,
      drainOutbox(db, () => ctx.clock.now(), {
        slow: async () => {
          // Another instance polling meanwhile finds nothing to do.
          nested = await drainOutbox(db, () => ctx.clock.now(), { slow: async () => {} });
          throw new Error('SMTP refused');
        },
      }),
    );
    expect(nested).toEqual({ processed: 0, failed: 0, yielded: false });
    expect(result).toEqual({ processed: 0, failed: 1, yielded: false });
    const [row] = await db.select().from(schema.outbox).where(eq(schema.outbox.dedupeKey, 'slow-1'));
    expect(row!.processedAt).toBeNull();
    expect(row!.lastError).toBe('SMTP refused');
    expect(row!.availableAt.getTime()).toBeGreaterThan(ctx.clock.now().getTime());
    // Due again after the back-off: delivered then.
    ctx.clock.advance(5000);
    expect(await drainOutbox(db, () => ctx.clock.now(), { slow: async () => {} })).toEqual({
      processed: 1,
      failed: 0,
      yielded: false,
    });
  });

  it('yields to requests between items, yet delivers one item per round under any load', async () => {
    const db = ctx.db.db;
    for (let n = 1; n <= 4; n += 1) {
      await enqueueOutbox(db, {
        kind: 'quick',
        payload: { n },
        at: ctx.clock.now(),
        dedupeKey: `quick-${n}`,
      });
    }
    const delivered: unknown[] = [];
    const handlers = { quick: async (payload: Record<string, unknown>) => void delivered.push(payload.n) };
    let busy = true;
    const asked: number[] = [];
    const yieldTo = () => (asked.push(delivered.length), busy);
    expect(await drainOutbox(db, () => ctx.clock.now(), handlers, { yieldTo })).toEqual({
      processed: 1,
      failed: 0,
      yielded: true,
    });
    expect(await drainOutbox(db, () => ctx.clock.now(), handlers, { yieldTo })).toMatchObject({
      processed: 1,
    });
    // Asked before each item after the first, never before the first.
    expect(asked).toEqual([1, 2]);
    busy = false;
    expect(await drainOutbox(db, () => ctx.clock.now(), handlers, { yieldTo })).toEqual({
      processed: 2,
      failed: 0,
      yielded: false,
    });
    expect(delivered).toEqual([1, 2, 3, 4]);
  });
});
