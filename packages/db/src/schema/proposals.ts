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
import { calls } from './calls.ts';

/**
 * A proposal in a call. Its lifecycle state lives in workflow_instances (kind 'proposal',
 * subjectId = id). The editable draft is owned by the proposals service; what other services
 * read is the immutable submitted versions below.
 */
export const proposals = pgTable(
  'proposals',
  {
    id: uuid().primaryKey().defaultRandom(),
    callId: uuid()
      .notNull()
      .references(() => calls.id),
    /** 'pre-proposal' or 'full-proposal': the stage the draft is being prepared for. */
    stage: text({ enum: ['pre-proposal', 'full-proposal'] }).notNull(),
    acronym: text().notNull(),
    coordinatorUserId: uuid().notNull(),
    /** The editable ProposalDocument (see @permed/domain proposalDocument). */
    draft: jsonb().$type<Record<string, unknown>>().notNull(),
    /** Optimistic version of the draft as a whole; sections may carry their own. */
    draftVersion: integer().notNull().default(1),
    createdAt: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('proposals_call_idx').on(t.callId)],
);

/** Who works on a proposal, in which role; an editor may be tied to its own partner section. */
export const proposalMembers = pgTable(
  'proposal_members',
  {
    proposalId: uuid()
      .notNull()
      .references(() => proposals.id),
    userId: uuid().notNull(),
    role: text({ enum: ['coordinator', 'editor', 'viewer'] }).notNull(),
    partnerId: text(),
    addedAt: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.proposalId, t.userId] }), index('proposal_members_user_idx').on(t.userId)],
);

/**
 * An immutable submitted version: the canonical JSON of the ProposalDocument at submission, the
 * hashes of its documents and of the whole. The last version of a stage submitted before the
 * deadline is the one that counts; eligibility, evaluation and funding read only these.
 */
export const proposalVersions = pgTable(
  'proposal_versions',
  {
    proposalId: uuid()
      .notNull()
      .references(() => proposals.id),
    seq: integer().notNull(),
    callId: uuid().notNull(),
    stage: text({ enum: ['pre-proposal', 'full-proposal'] }).notNull(),
    callVersion: integer().notNull(),
    document: jsonb().$type<Record<string, unknown>>().notNull(),
    /** [{ kind, name, sha256, bytes, pages }] */
    documents: jsonb().$type<Array<Record<string, unknown>>>().notNull(),
    /** SHA-256 of the canonical (RFC 8785) {document, documents}. */
    contentHash: text().notNull(),
    submittedAt: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
    submittedBy: uuid().notNull(),
    idempotencyKey: text(),
  },
  (t) => [
    primaryKey({ columns: [t.proposalId, t.seq] }),
    index('proposal_versions_call_stage_idx').on(t.callId, t.stage),
    uniqueIndex('proposal_versions_idempotency_key').on(t.proposalId, t.idempotencyKey),
  ],
);
