import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { schema, type DbOrTx } from '@permed/db';

const { nationalDecisions } = schema;

export type DecisionRow = typeof nationalDecisions.$inferSelect;

/** Every decision of a call (all of it, or of some funders), oldest first. */
export async function decisionHistory(
  db: DbOrTx,
  callId: string,
  filter: { funderIds?: readonly string[]; proposalId?: string; partnerId?: string } = {},
): Promise<DecisionRow[]> {
  if (filter.funderIds && filter.funderIds.length === 0) return [];
  return db
    .select()
    .from(nationalDecisions)
    .where(
      and(
        eq(nationalDecisions.callId, callId),
        filter.funderIds ? inArray(nationalDecisions.funderId, [...filter.funderIds]) : undefined,
        filter.proposalId ? eq(nationalDecisions.proposalId, filter.proposalId) : undefined,
        filter.partnerId ? eq(nationalDecisions.partnerId, filter.partnerId) : undefined,
      ),
    )
    .orderBy(asc(nationalDecisions.proposalId), asc(nationalDecisions.partnerId), asc(nationalDecisions.seq));
}

/** The current decision per partner: the row with the highest seq. Key: `${proposalId}/${partnerId}`. */
export function currentDecisions(history: readonly DecisionRow[]): Map<string, DecisionRow> {
  const current = new Map<string, DecisionRow>();
  for (const row of history) {
    const key = decisionKey(row.proposalId, row.partnerId);
    const seen = current.get(key);
    if (!seen || seen.seq < row.seq) current.set(key, row);
  }
  return current;
}

export const decisionKey = (proposalId: string, partnerId: string): string => `${proposalId}/${partnerId}`;

export async function latestDecision(
  db: DbOrTx,
  proposalId: string,
  partnerId: string,
): Promise<DecisionRow | null> {
  const [row] = await db
    .select()
    .from(nationalDecisions)
    .where(and(eq(nationalDecisions.proposalId, proposalId), eq(nationalDecisions.partnerId, partnerId)))
    .orderBy(desc(nationalDecisions.seq))
    .limit(1);
  return row ?? null;
}
