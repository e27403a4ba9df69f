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
 * read is the immutable submitted versions below. The draft is split into independently versioned
 * sections so that partners editing their own section never overwrite each other: `draft` holds
 * the header (acronym, title, abstract, keywords, modules, duration) under `draftVersion`, and each
 * partner lives in proposal_partners under its own version.
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
    /** The editable header of the ProposalDocument (everything but `partners`); may be incomplete. */
    draft: jsonb().$type<Record<string, unknown>>().notNull(),
    /** Optimistic version (ETag) of the header; each partner section carries its own. */
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

/**
 * One partner section of a draft: a complete `partner` of @permed/domain, edited under its own
 * optimistic version (ETag) so that the coordinator and each partner's editor can write at once.
 */
export const proposalPartners = pgTable(
  'proposal_partners',
  {
    proposalId: uuid()
      .notNull()
      .references(() => proposals.id),
    partnerId: text().notNull(),
    /** Display order within the proposal (the coordinator's order). */
    position: integer().notNull(),
    section: jsonb().$type<Record<string, unknown>>().notNull(),
    version: integer().notNull().default(1),
    updatedAt: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
    updatedBy: uuid(),
  },
  (t) => [primaryKey({ columns: [t.proposalId, t.partnerId] })],
);

/**
 * The PDF receipt of a submitted version, built after commit (outbox kind 'receipt-pdf') and kept
 * in the blob store under its SHA-256. Written once; the version row itself never changes.
 */
export const submissionReceipts = pgTable(
  'submission_receipts',
  {
    proposalId: uuid()
      .notNull()
      .references(() => proposals.id),
    seq: integer().notNull(),
    sha256: text().notNull(),
    bytes: integer().notNull(),
    createdAt: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.proposalId, t.seq] })],
);
