import { and, asc, eq, isNull, lte, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from './client.ts';
import { outbox } from './schema/workflow.ts';

/** Queues a side effect in the caller's transaction: it exists only if the change committed. */
export async function enqueueOutbox(
  tx: DbOrTx,
  item: { kind: string; payload: Record<string, unknown>; at: Date; dedupeKey?: string },
): Promise<void> {
  await tx
    .insert(outbox)
    .values({
      kind: item.kind,
      payload: item.payload,
      createdAt: item.at,
      availableAt: item.at,
      dedupeKey: item.dedupeKey ?? null,
    })
    .onConflictDoNothing();
}

export type OutboxHandler = (
  payload: Record<string, unknown>,
  item: { id: number; kind: string },
) => Promise<void>;

/**
 * Delivers pending items at least once. An item is claimed (SKIP LOCKED) and leased in a short
 * transaction of its own: its `availableAt` moves `leaseMs` ahead. The handler then runs outside
 * any transaction, so that it may use the database itself: the embedded PGlite has one connection,
 * and a handler querying while the claiming transaction was still open waited for ever and froze
 * the whole platform (found by `scripts/reliability/kill-during-rush.ts --pglite`). No connection is
 * held while a PDF is built or an e-mail is sent either. If the process dies mid-handler, the lease
 * runs out and the item is delivered again, so a handler must be idempotent (mail carries its
 * outbox id as Message-ID; files are content-addressed).
 */
export async function drainOutbox(
  db: Db,
  now: () => Date,
  handlers: Record<string, OutboxHandler>,
  options: {
    limit?: number;
    leaseMs?: number;
    /**
     * Asked before every item after the first: true stops this round. Background work yields to
     * requests (a receipt PDF is CPU on the event loop that serves the submissions, and every item
     * is two commits), yet makes one item of progress per round whatever the load.
     */
    yieldTo?: () => boolean;
  } = {},
): Promise<{ processed: number; failed: number; yielded: boolean }> {
  let processed = 0;
  let failed = 0;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  for (let i = 0; i < (options.limit ?? 100); i++) {
    if (i > 0 && options.yieldTo?.()) return { processed, failed, yielded: true };
    const row = await db.transaction(async (tx) => {
      const at = now();
      const [due] = await tx
        .select()
        .from(outbox)
        .where(and(isNull(outbox.processedAt), lte(outbox.availableAt, at)))
        .orderBy(asc(outbox.id))
        .limit(1)
        .for('update', { skipLocked: true });
      if (!due) return null;
      await tx
        .update(outbox)
        .set({ attempts: due.attempts + 1, availableAt: new Date(at.getTime() + leaseMs) })
        .where(eq(outbox.id, due.id));
      return due;
    });
    if (!row) break;
    const handler = handlers[row.kind];
    try {
      if (handler) await handler(row.payload, { id: row.id, kind: row.kind });
      await db
        .update(outbox)
        .set({ processedAt: now(), lastError: handler ? null : `no handler for ${row.kind}` })
        .where(eq(outbox.id, row.id));
      processed += 1;
    } catch (error) {
      await db
        .update(outbox)
        .set({
          lastError: String(error instanceof Error ? error.message : error).slice(0, 2000),
          availableAt: sql`${now().toISOString()}::timestamptz + make_interval(secs => least(600, power(2, ${row.attempts})::int))`,
        })
        .where(eq(outbox.id, row.id));
      failed += 1;
    }
  }
  return { processed, failed, yielded: false };
}
