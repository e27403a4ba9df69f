import {
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * A call. While it is a draft its definition lives in `draft` and changes in place under an
 * optimistic version (`draftRevision`, the ETag). Publishing freezes it as version 1 in
 * call_versions; every later change is a new version there. Published versions are never updated.
 */
export const calls = pgTable(
  'calls',
  {
    id: uuid().primaryKey().defaultRandom(),
    slug: text().notNull(),
    draft: jsonb().$type<Record<string, unknown>>().notNull(),
    draftRevision: integer().notNull().default(1),
    currentVersion: integer(),
    createdAt: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
    createdBy: uuid(),
    demo: text(),
  },
  (t) => [uniqueIndex('calls_slug_key').on(t.slug)],
);

export interface StructuredChange {
  path: string;
  op: 'add' | 'remove' | 'replace';
  before?: unknown;
  after?: unknown;
}

export const callVersions = pgTable(
  'call_versions',
  {
    callId: uuid()
      .notNull()
      .references(() => calls.id),
    version: integer().notNull(),
    definition: jsonb().$type<Record<string, unknown>>().notNull(),
    /** SHA-256 of the canonical (RFC 8785) definition. */
    definitionHash: text().notNull(),
    publishedAt: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
    publishedBy: uuid(),
    publishedByLabel: text().notNull(),
    reason: text().notNull(),
    changes: jsonb().$type<StructuredChange[]>().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.callId, t.version] }),
    index('call_versions_published_idx').on(t.publishedAt),
  ],
);
