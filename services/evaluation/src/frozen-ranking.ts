import { and, eq } from 'drizzle-orm';
import { rankingListHash, schema, type DbOrTx } from '@permed/db';
import type { RankingEntry } from '@permed/db/schema';
import { type CategoryCutoffs, type RankedProposal, type Ranking } from '@permed/evaluation';
import { parseTieBreakName, type EvaluationStage } from './evaluation-context.ts';

export type RankingListRow = typeof schema.rankingLists.$inferSelect;

/**
 * What is stored per entry: the ranking_lists contract funding reads (acronym, position, category,
 * total, perCriterion, passedThreshold) plus everything rankProposals produced, so the stored
 * entries alone reproduce the hash.
 */
export type FrozenEntry = RankingEntry & RankedProposal;

export function toFrozenEntry(entry: RankedProposal, acronym: string): FrozenEntry {
  return {
    ...entry,
    acronym,
    perCriterion: Object.fromEntries(entry.criteria.map((c) => [c.criterionId, c.score])),
    passedThreshold: entry.passesThresholds,
  };
}

/**
 * The ranking document a frozen list's hash covers: stage, tie-break, category cut-offs and the
 * stored entries, exactly as rankProposals shapes a Ranking. Anyone holding the row and the cut-offs
 * (derived from the call version it names) can rebuild it; the stored hash is rankingListHash(row).
 */
export function frozenRanking(
  stage: string,
  tieBreak: readonly string[],
  cutoffs: CategoryCutoffs,
  entries: readonly FrozenEntry[],
): Ranking {
  return { stage, tieBreak: tieBreak.map(parseTieBreakName), cutoffs, entries: [...entries] };
}

/** The stored hash of a frozen list, recomputed from the row alone (see rankingListHash). */
export function hashOfFrozen(row: Pick<RankingListRow, 'stage' | 'tieBreak' | 'entries'>): string {
  return rankingListHash(row);
}

export async function findFrozenList(
  db: DbOrTx,
  callId: string,
  stage: EvaluationStage,
): Promise<RankingListRow | null> {
  const [row] = await db
    .select()
    .from(schema.rankingLists)
    .where(and(eq(schema.rankingLists.callId, callId), eq(schema.rankingLists.stage, stage)));
  return row ?? null;
}
