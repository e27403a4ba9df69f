import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { calls } from './calls.ts';
import { funders } from './funders.ts';
import { proposals } from './proposals.ts';

const stageEnum = ['pre-proposal', 'full-proposal'] as const;

/**
 * A funder's official national verdict on one of its partners. Append-only: a change is a new row,
 * the latest row per (proposal, stage, partner) counts, and the earlier ones are the history. Each row
 * names the call version and the proposal version (seq) it was given on.
 */
export const officialVerdicts = pgTable(
  'official_verdicts',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    callId: uuid()
      .notNull()
      .references(() => calls.id),
    proposalId: uuid()
      .notNull()
      .references(() => proposals.id),
    stage: text({ enum: stageEnum }).notNull(),
    partnerId: text().notNull(),
    funderId: text()
      .notNull()
      .references(() => funders.id),
    verdict: text({ enum: ['eligible', 'not-eligible'] }).notNull(),
    /** A closed set (ORGANISATION_TYPE, BUDGET_CAP, ...), required for 'not-eligible'. */
    reasonCode: text(),
    note: text(),
    callVersion: integer().notNull(),
    proposalSeq: integer().notNull(),
    recordedAt: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
    recordedBy: uuid(),
    recordedByLabel: text().notNull(),
  },
  (t) => [
    index('official_verdicts_call_funder_idx').on(t.callId, t.stage, t.funderId),
    index('official_verdicts_partner_idx').on(t.proposalId, t.stage, t.partnerId, t.id),
  ],
);

/** A funder declared its national check of one stage of a call finished. One row per funder and stage. */
export const funderCheckCompletions = pgTable(
  'funder_check_completions',
  {
    callId: uuid()
      .notNull()
      .references(() => calls.id),
    stage: text({ enum: stageEnum }).notNull(),
    funderId: text()
      .notNull()
      .references(() => funders.id),
    callVersion: integer().notNull(),
    doneAt: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
    doneBy: uuid(),
    doneByLabel: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.callId, t.stage, t.funderId] })],
);

/**
 * The automatic check of one submitted proposal version under one call version, stored so that
 * funders' lists do not re-evaluate every proposal on each read. Both inputs are immutable, so a
 * row never goes stale; a new call version simply gets rows of its own.
 */
export const automaticChecks = pgTable(
  'automatic_checks',
  {
    proposalId: uuid()
      .notNull()
      .references(() => proposals.id),
    proposalSeq: integer().notNull(),
    callVersion: integer().notNull(),
    callId: uuid()
      .notNull()
      .references(() => calls.id),
    stage: text({ enum: stageEnum }).notNull(),
    eligible: boolean().notNull(),
    errorCount: integer().notNull(),
    warningCount: integer().notNull(),
    /** The evaluator's findings (rule id, level, funder, partners, facts, message, source). */
    findings: jsonb().$type<Array<Record<string, unknown>>>().notNull(),
    computedAt: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.proposalId, t.proposalSeq, t.callVersion] }),
    index('automatic_checks_call_idx').on(t.callId, t.stage, t.callVersion),
  ],
);

/**
 * The call office's formal check of a proposal version (completeness: document, abstract length,
 * pages). Append-only like verdicts; the latest row per (proposal, stage) counts.
 */
export const formalChecks = pgTable(
  'formal_checks',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    callId: uuid()
      .notNull()
      .references(() => calls.id),
    proposalId: uuid()
      .notNull()
      .references(() => proposals.id),
    stage: text({ enum: stageEnum }).notNull(),
    proposalSeq: integer().notNull(),
    callVersion: integer().notNull(),
    result: text({ enum: ['passed', 'failed'] }).notNull(),
    /** The computed completeness items at the time of recording: [{ id, ok, message, facts }]. */
    items: jsonb().$type<Array<Record<string, unknown>>>().notNull(),
    note: text(),
    recordedAt: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
    recordedBy: uuid(),
    recordedByLabel: text().notNull(),
  },
  (t) => [
    index('formal_checks_call_idx').on(t.callId, t.stage),
    index('formal_checks_proposal_idx').on(t.proposalId, t.stage, t.id),
  ],
);
