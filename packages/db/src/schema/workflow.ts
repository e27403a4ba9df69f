import {
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * One lifecycle instance (a call or a proposal): its persisted XState snapshot, its state for
 * queries, the machine version that produced it and an optimistic lock. No actor lives in memory;
 * every step loads, transitions, and stores in one transaction.
 */
export const workflowInstances = pgTable(
  'workflow_instances',
  {
    id: uuid().primaryKey().defaultRandom(),
    kind: text({ enum: ['call', 'proposal'] }).notNull(),
    subjectId: text().notNull(),
    callId: uuid(),
    state: text().notNull(),
    snapshot: jsonb().$type<Record<string, unknown>>().notNull(),
    machineVersion: text().notNull(),
    lockVersion: integer().notNull().default(1),
    /** Number of transitions so far; the next row's seq. */
    seq: integer().notNull().default(0),
    /** Hash of the last transition row, the head of this instance's chain. */
    headHash: text().notNull(),
    updatedAt: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    uniqueIndex('workflow_instances_subject_key').on(t.kind, t.subjectId),
    index('workflow_instances_call_idx').on(t.callId, t.state),
  ],
);

/**
 * Append-only, hash-chained: each row stores the SHA-256 of the previous row of its instance and
 * its own hash over that plus its canonical content, so an edited or deleted row is detectable
 * (`pnpm cli audit verify`).
 */
export const workflowTransitions = pgTable(
  'workflow_transitions',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    instanceId: uuid()
      .notNull()
      .references(() => workflowInstances.id),
    seq: integer().notNull(),
    actorUserId: uuid(),
    actorLabel: text().notNull(),
    event: text().notNull(),
    fromState: text().notNull(),
    toState: text().notNull(),
    at: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    callVersion: integer(),
    machineVersion: text().notNull(),
    prevHash: text().notNull(),
    hash: text().notNull(),
  },
  (t) => [uniqueIndex('workflow_transitions_instance_seq_key').on(t.instanceId, t.seq)],
);

/** Side effects (mail, PDFs) written in the same transaction as the change, run after commit. */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    kind: text().notNull(),
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    dedupeKey: text(),
    createdAt: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
    availableAt: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
    attempts: integer().notNull().default(0),
    processedAt: timestamp({ withTimezone: true, mode: 'date' }),
    lastError: text(),
  },
  (t) => [
    uniqueIndex('outbox_dedupe_key').on(t.dedupeKey),
    index('outbox_pending_idx').on(t.processedAt, t.availableAt),
  ],
);

/**
 * Durable scheduler: a job fires at `runAt`. Workers claim due jobs with FOR UPDATE SKIP LOCKED
 * inside the transaction that runs them, so a job runs once even with several instances, and
 * jobs whose time passed while the platform was down run when it comes back.
 */
export const scheduledJobs = pgTable(
  'scheduled_jobs',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    kind: text().notNull(),
    subjectId: text().notNull(),
    runAt: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    dedupeKey: text().notNull(),
    doneAt: timestamp({ withTimezone: true, mode: 'date' }),
    attempts: integer().notNull().default(0),
    lastError: text(),
    result: jsonb().$type<Record<string, unknown>>(),
  },
  (t) => [
    uniqueIndex('scheduled_jobs_dedupe_key').on(t.dedupeKey),
    index('scheduled_jobs_due_idx').on(t.doneAt, t.runAt),
  ],
);
