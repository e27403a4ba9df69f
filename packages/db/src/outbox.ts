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
 * Delivers pending items at least once: claim (SKIP LOCKED), run, mark processed. A handler must
 * be idempotent (mail carries its outbox id as Message-ID; files are content-addressed).
 */
export async function drainOutbox(
  db: Db,
  now: () => Date,
  handlers: Record<string, OutboxHandler>,
  options: { limit?: number } = {},
): Promise<{ processed: number; failed: number }> {
  let processed = 0;
  let failed = 0;
  for (let i = 0; i < (options.limit ?? 100); i++) {
    const item = await db.transaction(async (tx) => {
      const [row] = await tx
        .select()
        .from(outbox)
        .where(and(isNull(outbox.processedAt), lte(outbox.availableAt, now())))
        .orderBy(asc(outbox.id))
        .limit(1)
        .for('update', { skipLocked: true });
      if (!row) return null;
      const handler = handlers[row.kind];
      try {
        if (handler) await handler(row.payload, { id: row.id, kind: row.kind });
        await tx
          .update(outbox)
          .set({
            processedAt: now(),
            attempts: row.attempts + 1,
            lastError: handler ? null : `no handler for ${row.kind}`,
          })
          .where(eq(outbox.id, row.id));
        return { ok: true };
      } catch (error) {
        await tx
          .update(outbox)
          .set({
            attempts: row.attempts + 1,
            lastError: String(error instanceof Error ? error.message : error).slice(0, 2000),
            availableAt: sql`${now().toISOString()}::timestamptz + make_interval(secs => least(600, power(2, ${row.attempts})::int))`,
          })
          .where(eq(outbox.id, row.id));
        return { ok: false };
      }
    });
    if (!item) break;
    if (item.ok) processed += 1;
    else failed += 1;
  }
  return { processed, failed };
}
