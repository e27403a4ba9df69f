import { integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { proposals } from './proposals.ts';

/**
 * The consortium's one answer to its reviews, written during the call's rebuttal window. Written
 * once by the proposals service; the evaluation service and the panel read it.
 */
export const rebuttals = pgTable('rebuttals', {
  proposalId: uuid()
    .primaryKey()
    .references(() => proposals.id),
  text: text().notNull(),
  /** Length in Unicode code points, the unit of the call's limit. */
  characters: integer().notNull(),
  callVersion: integer().notNull(),
  submittedAt: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
  submittedBy: uuid().notNull(),
});
