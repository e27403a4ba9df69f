import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { calls } from './calls.ts';
import { users } from './identity.ts';
import { proposals } from './proposals.ts';

const at = () => timestamp({ withTimezone: true, mode: 'date' });
const evaluationStage = () => text({ enum: ['pre-proposal', 'full-proposal'] });

/** A person the reviewer listed as co-author or collaborator: conflict detection compares them with PIs. */
export interface ReviewerCollaborator {
  name: string;
  email?: string;
  orcid?: string;
}

/** One criterion's score of a review or a consensus, with the reviewer's (or panel's) comment. */
export interface StoredCriterionScore {
  criterionId: string;
  score: number;
  comment?: string;
}

/**
 * An expert in a call's reviewer pool. The call office lists them; the expert accepts or declines
 * the invitation; accepting links the row to a user (who then holds role reviewer on the call).
 * Identity never leaves the evaluation service: applicants only ever see "Reviewer 1, 2, …".
 */
export const reviewers = pgTable(
  'reviewers',
  {
    id: uuid().primaryKey().defaultRandom(),
    callId: uuid()
      .notNull()
      .references(() => calls.id),
    name: text().notNull(),
    /** Lower-cased. */
    email: text().notNull(),
    organisationName: text().notNull(),
    organisationRorId: text(),
    /** ISO 3166-1 alpha-2. */
    country: text().notNull(),
    expertise: jsonb().$type<string[]>().notNull(),
    orcid: text(),
    /** A funder of the call that employs the reviewer (e.g. a ministry's programme officer). */
    employedByFunderId: text(),
    collaborators: jsonb().$type<ReviewerCollaborator[]>().notNull(),
    /** A lower maximum load the reviewer agreed to; null = the call's. */
    maxLoad: integer(),
    status: text({ enum: ['listed', 'invited', 'accepted', 'declined'] }).notNull(),
    userId: uuid().references(() => users.id),
    respondedAt: at(),
    createdAt: at().notNull(),
    createdBy: uuid(),
    updatedAt: at().notNull(),
  },
  (t) => [
    uniqueIndex('reviewers_call_email_key').on(t.callId, t.email),
    index('reviewers_user_idx').on(t.userId),
  ],
);

/**
 * A single-use invitation link. Only the SHA-256 of the token is stored, so a leaked table lets
 * nobody accept in the expert's name; a new invitation revokes the earlier unused ones.
 */
export const reviewerInvitations = pgTable(
  'reviewer_invitations',
  {
    id: uuid().primaryKey().defaultRandom(),
    reviewerId: uuid()
      .notNull()
      .references(() => reviewers.id),
    callId: uuid().notNull(),
    tokenHash: text().notNull(),
    sentAt: at().notNull(),
    sentBy: uuid(),
    expiresAt: at().notNull(),
    usedAt: at(),
    outcome: text({ enum: ['accepted', 'declined'] }),
    revokedAt: at(),
  },
  (t) => [
    uniqueIndex('reviewer_invitations_token_hash_key').on(t.tokenHash),
    index('reviewer_invitations_reviewer_idx').on(t.reviewerId),
  ],
);

/** The confidentiality undertaking, accepted before any proposal is shown; names the wording accepted. */
export const confidentialityAcceptances = pgTable(
  'confidentiality_acceptances',
  {
    id: uuid().primaryKey().defaultRandom(),
    reviewerId: uuid()
      .notNull()
      .references(() => reviewers.id),
    callId: uuid().notNull(),
    userId: uuid().notNull(),
    statementVersion: text().notNull(),
    /** SHA-256 of the statement text the reviewer was shown. */
    statementHash: text().notNull(),
    acceptedAt: at().notNull(),
  },
  (t) => [uniqueIndex('confidentiality_acceptances_reviewer_key').on(t.reviewerId)],
);

/**
 * The reviewer's own declaration per proposal, made on the COI screen (acronym, title, partners
 * only). One current row per pair; every change is in the audit log with before and after.
 */
export const coiDeclarations = pgTable(
  'coi_declarations',
  {
    id: uuid().primaryKey().defaultRandom(),
    callId: uuid().notNull(),
    reviewerId: uuid()
      .notNull()
      .references(() => reviewers.id),
    proposalId: uuid()
      .notNull()
      .references(() => proposals.id),
    conflict: boolean().notNull(),
    note: text().notNull(),
    revision: integer().notNull().default(1),
    declaredAt: at().notNull(),
    declaredBy: uuid(),
  },
  (t) => [
    uniqueIndex('coi_declarations_pair_key').on(t.reviewerId, t.proposalId),
    index('coi_declarations_call_idx').on(t.callId),
  ],
);

/**
 * Conflicts found automatically (same organisation, country, funder employee, collaborator,
 * applicant in the call), as of the last detection run of the call: replaced as a whole each run.
 */
export const coiDetections = pgTable(
  'coi_detections',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    callId: uuid().notNull(),
    reviewerId: uuid()
      .notNull()
      .references(() => reviewers.id),
    proposalId: uuid()
      .notNull()
      .references(() => proposals.id),
    reason: text().notNull(),
    facts: jsonb().$type<Record<string, unknown>>().notNull(),
    message: text().notNull(),
    detectedAt: at().notNull(),
  },
  (t) => [
    uniqueIndex('coi_detections_pair_reason_key').on(t.reviewerId, t.proposalId, t.reason),
    index('coi_detections_call_idx').on(t.callId),
  ],
);

/** One optimiser run: what went in (hash, parameters), what came out (objective or diagnosis). */
export const assignmentRuns = pgTable(
  'assignment_runs',
  {
    id: uuid().primaryKey().defaultRandom(),
    callId: uuid()
      .notNull()
      .references(() => calls.id),
    stage: evaluationStage().notNull(),
    callVersion: integer().notNull(),
    status: text({ enum: ['optimal', 'infeasible'] }).notNull(),
    /** SHA-256 of the canonical solver input (collections sorted by id). */
    inputHash: text().notNull(),
    parameters: jsonb().$type<Record<string, unknown>>().notNull(),
    solver: jsonb().$type<Record<string, unknown>>().notNull(),
    objective: jsonb().$type<Record<string, unknown>>(),
    /** Short proposals, short reviewers and binding constraints of an infeasible run. */
    diagnosis: jsonb().$type<Record<string, unknown>>(),
    proposalCount: integer().notNull(),
    reviewerCount: integer().notNull(),
    applied: boolean().notNull(),
    createdAt: at().notNull(),
    createdBy: uuid(),
    createdByLabel: text().notNull(),
  },
  (t) => [index('assignment_runs_call_idx').on(t.callId, t.stage)],
);

/**
 * A reviewer on a proposal at one stage. One row per pair, whatever happens to it: a declined pair
 * never comes back, a removed one may be added again by the call office.
 */
export const assignments = pgTable(
  'assignments',
  {
    id: uuid().primaryKey().defaultRandom(),
    callId: uuid()
      .notNull()
      .references(() => calls.id),
    stage: evaluationStage().notNull(),
    proposalId: uuid()
      .notNull()
      .references(() => proposals.id),
    reviewerId: uuid()
      .notNull()
      .references(() => reviewers.id),
    status: text({ enum: ['active', 'declined', 'removed'] }).notNull(),
    source: text({ enum: ['optimiser', 'override', 'replacement'] }).notNull(),
    runId: uuid().references(() => assignmentRuns.id),
    affinity: integer(),
    /** Why it was declined or removed. */
    reason: text(),
    createdAt: at().notNull(),
    createdBy: uuid(),
    changedAt: at().notNull(),
    changedBy: uuid(),
  },
  (t) => [
    uniqueIndex('assignments_pair_key').on(t.stage, t.proposalId, t.reviewerId),
    index('assignments_call_idx').on(t.callId, t.stage, t.status),
    index('assignments_reviewer_idx').on(t.reviewerId),
  ],
);

/** A reviewer's scores and comments on one proposal at one stage: a draft, then submitted (final). */
export const reviews = pgTable(
  'reviews',
  {
    id: uuid().primaryKey().defaultRandom(),
    callId: uuid()
      .notNull()
      .references(() => calls.id),
    stage: evaluationStage().notNull(),
    proposalId: uuid()
      .notNull()
      .references(() => proposals.id),
    reviewerId: uuid()
      .notNull()
      .references(() => reviewers.id),
    assignmentId: uuid()
      .notNull()
      .references(() => assignments.id),
    status: text({ enum: ['draft', 'submitted'] }).notNull(),
    scores: jsonb().$type<StoredCriterionScore[]>().notNull(),
    revision: integer().notNull().default(1),
    createdAt: at().notNull(),
    updatedAt: at().notNull(),
    submittedAt: at(),
  },
  (t) => [
    uniqueIndex('reviews_pair_key').on(t.stage, t.proposalId, t.reviewerId),
    index('reviews_call_idx').on(t.callId, t.stage),
  ],
);

/** The panel's consensus score for a proposal, replacing the mean of its reviews, with a justification. */
export const consensusScores = pgTable(
  'consensus_scores',
  {
    id: uuid().primaryKey().defaultRandom(),
    callId: uuid()
      .notNull()
      .references(() => calls.id),
    stage: evaluationStage().notNull(),
    proposalId: uuid()
      .notNull()
      .references(() => proposals.id),
    scores: jsonb().$type<StoredCriterionScore[]>().notNull(),
    justification: text().notNull(),
    revision: integer().notNull().default(1),
    decidedAt: at().notNull(),
    decidedBy: uuid(),
    decidedByLabel: text().notNull(),
  },
  (t) => [
    uniqueIndex('consensus_scores_pair_key').on(t.stage, t.proposalId),
    index('consensus_scores_call_idx').on(t.callId, t.stage),
  ],
);
