import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { schema, type DbOrTx } from '@permed/db';

const { fundingLetterBatches, fundingLetters } = schema;

export type LetterBatchRow = typeof fundingLetterBatches.$inferSelect;
export type LetterRow = typeof fundingLetters.$inferSelect;
export type LetterKind = LetterRow['kind'];

export async function latestBatch(
  db: DbOrTx,
  callId: string,
  kind: LetterKind,
): Promise<LetterBatchRow | null> {
  const [row] = await db
    .select()
    .from(fundingLetterBatches)
    .where(and(eq(fundingLetterBatches.callId, callId), eq(fundingLetterBatches.kind, kind)))
    .orderBy(desc(fundingLetterBatches.generatedAt), desc(fundingLetterBatches.id))
    .limit(1);
  return row ?? null;
}

export async function lettersOfBatch(db: DbOrTx, batchId: string): Promise<LetterRow[]> {
  return db
    .select()
    .from(fundingLetters)
    .where(eq(fundingLetters.batchId, batchId))
    .orderBy(asc(fundingLetters.fileName));
}

/** The newest letter of each proposal (outcome) or partner (funding), optionally for some funders only. */
export async function latestLetters(
  db: DbOrTx,
  callId: string,
  kind: LetterKind,
  filter: { funderIds?: readonly string[]; proposalId?: string; partnerId?: string } = {},
): Promise<LetterRow[]> {
  if (filter.funderIds && filter.funderIds.length === 0) return [];
  const rows = await db
    .select()
    .from(fundingLetters)
    .where(
      and(
        eq(fundingLetters.callId, callId),
        eq(fundingLetters.kind, kind),
        filter.funderIds ? inArray(fundingLetters.funderId, [...filter.funderIds]) : undefined,
        filter.proposalId ? eq(fundingLetters.proposalId, filter.proposalId) : undefined,
        filter.partnerId ? eq(fundingLetters.partnerId, filter.partnerId) : undefined,
      ),
    )
    .orderBy(desc(fundingLetters.generatedAt), asc(fundingLetters.fileName));
  const seen = new Set<string>();
  return rows
    .filter((r) => {
      const key = `${r.proposalId}/${r.partnerId ?? ''}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0));
}
