import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { calls } from './calls.ts';

export interface RankingEntry {
  proposalId: string;
  acronym: string;
  position: number;
  category: 'A' | 'B' | 'C';
  total: number;
  perCriterion: Record<string, number>;
  passedThreshold: boolean;
}

/**
 * A frozen ranking list: written once when the panel closes, never updated. The evaluation
 * service produces it; the funding service walks it. `hash` is `rankingListHash(row)`: SHA-256 of
 * the canonical stage, tie-break and entries.
 */
export const rankingLists = pgTable(
  'ranking_lists',
  {
    id: uuid().primaryKey().defaultRandom(),
    callId: uuid()
      .notNull()
      .references(() => calls.id),
    stage: text({ enum: ['pre-proposal', 'full-proposal'] }).notNull(),
    callVersion: integer().notNull(),
    entries: jsonb().$type<RankingEntry[]>().notNull(),
    tieBreak: jsonb().$type<string[]>().notNull(),
    hash: text().notNull(),
    frozenAt: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
    frozenBy: uuid(),
    frozenByLabel: text().notNull(),
  },
  (t) => [
    uniqueIndex('ranking_lists_call_stage_key').on(t.callId, t.stage),
    index('ranking_lists_hash_idx').on(t.hash),
  ],
);
