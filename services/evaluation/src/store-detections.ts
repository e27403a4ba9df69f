import { and, eq, inArray } from 'drizzle-orm';
import { schema, type DbOrTx } from '@permed/db';
import type { Conflict } from '@permed/evaluation';

/**
 * Replaces the stored detections of the given proposals with a fresh result. Declared conflicts
 * live in coi_declarations and are not copied here.
 */
export async function storeDetections(
  tx: DbOrTx,
  callId: string,
  proposalIds: readonly string[],
  conflicts: readonly Conflict[],
  now: Date,
): Promise<number> {
  if (proposalIds.length > 0) {
    await tx
      .delete(schema.coiDetections)
      .where(
        and(
          eq(schema.coiDetections.callId, callId),
          inArray(schema.coiDetections.proposalId, [...proposalIds]),
        ),
      );
  }
  const detected = conflicts.filter((c) => c.reason !== 'declared');
  // Chunks keep each statement under the bind-parameter limit on large calls.
  for (let i = 0; i < detected.length; i += 500) {
    await tx.insert(schema.coiDetections).values(
      detected.slice(i, i + 500).map((c) => ({
        callId,
        reviewerId: c.reviewerId,
        proposalId: c.proposalId,
        reason: c.reason,
        facts: c.facts,
        message: c.message,
        detectedAt: now,
      })),
    );
  }
  return detected.length;
}
