import { boolean, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Funding organisations exist independently of calls; a call references them by id. */
export const funders = pgTable('funders', {
  id: text().primaryKey(),
  acronym: text(),
  name: text().notNull(),
  country: text().notNull(),
  region: text(),
  coveredRegions: jsonb().$type<string[]>(),
  currency: text().notNull(),
  website: text(),
  nameConfirmed: boolean().notNull(),
  note: text(),
  createdAt: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});
