import { index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { proposals } from './proposals.ts';

/**
 * The current document of each kind of a proposal at a stage ('proposal' is the required PDF). The
 * bytes live in the blob store under `sha256`; a new upload of the same kind replaces the row, and
 * submitted versions keep their own list of hashes, so the blob stays referenced as long as needed.
 * The file name is the sanitised client name, kept as metadata only.
 */
export const proposalDocuments = pgTable(
  'proposal_documents',
  {
    id: uuid().primaryKey().defaultRandom(),
    proposalId: uuid()
      .notNull()
      .references(() => proposals.id),
    stage: text({ enum: ['pre-proposal', 'full-proposal'] }).notNull(),
    kind: text({ enum: ['proposal', 'annex'] }).notNull(),
    fileName: text().notNull(),
    sha256: text().notNull(),
    bytes: integer().notNull(),
    pages: integer().notNull(),
    pdfVersion: text().notNull(),
    uploadedAt: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
    uploadedBy: uuid().notNull(),
  },
  (t) => [
    uniqueIndex('proposal_documents_slot_key').on(t.proposalId, t.stage, t.kind),
    index('proposal_documents_sha_idx').on(t.sha256),
  ],
);
