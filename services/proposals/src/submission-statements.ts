import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '@permed/db';
import type { Partner, ProposalStage } from '@permed/domain';
import { eventRights } from './proposal-actions.ts';
import type { ReceiptDocument } from './receipt.ts';

// The submit path is what a deadline rush hammers, so its two statements are written out as SQL,
// turned into text by drizzle once per process, and run as named prepared statements: no query
// building per request, and PostgreSQL parses and plans each statement once per connection
// (postgres.js keeps prepared statements per connection; PGlite simply runs the text).

const dialect = new PgDialect({ casing: 'snake_case' });
/** The membership roles that may submit, from the one table the routes and allowedEvents use. */
const submitterRoles = sql.join(
  eventRights.SUBMIT.map((role) => sql`${role}`),
  sql`, `,
);
const param = (name: string) => sql.placeholder(name);

/**
 * A statement built once and run as a prepared statement on the handle it is given: the pool or,
 * inside a transaction, the transaction's own connection (a query prepared by drizzle's
 * `.prepare()` is bound to the handle it was built on, which would leave the transaction).
 * Rows come back as the driver gives them: JSON parsed, timestamps as text.
 */
function preparedStatement<Values extends object, Row>(
  name: string,
  statement: SQL,
): (db: DbOrTx, values: Values) => Promise<Row[]> {
  const query = dialect.sqlToQuery(statement);
  return async (db, values) => {
    const result: unknown = await db._.session
      .prepareQuery(query, undefined, name, false)
      .execute(values as Record<string, unknown>);
    // postgres.js answers with the rows; PGlite with { rows }.
    return (Array.isArray(result) ? result : (result as { rows: Row[] }).rows) as Row[];
  };
}

export interface SubmissionRead {
  draft: Record<string, unknown>;
  stage: ProposalStage;
  callId: string;
  /** The call's current published version (null: not published). */
  callVersion: number | null;
  instanceId: string;
  state: string;
  snapshot: Record<string, unknown>;
  machineVersion: string;
  lockVersion: number;
  seq: number;
  headHash: string;
  partners: Partner[];
  documents: ReceiptDocument[];
  lastSeq: number;
  replaySeq: number | null;
  /** Full proposals only: the last pre-proposal version's document. */
  baseline: { partners: Partner[] } | null;
  /** Full proposals only: what the call office's approved change requests were given for. */
  approvals: { consortiumHash: string; budgetsHash: string | null }[] | null;
}

/**
 * Everything a submission must know, in ONE statement that also takes the proposal's row lock and
 * checks that the caller is its coordinator (no row otherwise, and no lock taken): the draft, its
 * partner sections and documents, the lifecycle instance (to step it), the call version, the last
 * seq, the version an Idempotency-Key already produced, and for a full proposal the pre-proposal
 * it is compared with. One snapshot, so the version cannot mix a section from before a concurrent
 * write with a header from after it. If the lock had to wait for another transaction on the same
 * proposal, the subqueries and the lifecycle row may predate it; the version's primary key, the
 * idempotency key's unique index and the lifecycle's lock version then refuse the write and the
 * submission is retried with a fresh read (see submit-proposal.ts).
 */
export const readForSubmission = preparedStatement<
  { proposalId: string; userId: string; idempotencyKey: string | null },
  SubmissionRead
>(
  'submit_read',
  sql`select p.draft, p.stage, p.call_id as "callId", c.current_version as "callVersion",
    wi.id as "instanceId", wi.state, wi.snapshot, wi.machine_version as "machineVersion",
    wi.lock_version as "lockVersion", wi.seq, wi.head_hash as "headHash",
    (select coalesce(json_agg(pp.section order by pp.position, pp.partner_id), '[]'::json)
       from proposal_partners pp where pp.proposal_id = p.id) as partners,
    (select coalesce(json_agg(json_build_object('kind', d.kind, 'name', d.file_name, 'sha256', d.sha256,
         'bytes', d.bytes, 'pages', d.pages) order by d.kind), '[]'::json)
       from proposal_documents d where d.proposal_id = p.id and d.stage = p.stage) as documents,
    (select coalesce(max(v.seq), 0)::int from proposal_versions v where v.proposal_id = p.id) as "lastSeq",
    (select v.seq from proposal_versions v
       where v.proposal_id = p.id and v.idempotency_key = ${param('idempotencyKey')}::text) as "replaySeq",
    (case when p.stage = 'full-proposal' then
       (select v.document from proposal_versions v where v.proposal_id = p.id and v.stage = 'pre-proposal'
         order by v.seq desc limit 1) end) as baseline,
    (case when p.stage = 'full-proposal' then
       (select json_agg(json_build_object('consortiumHash', r.consortium_hash, 'budgetsHash', r.budgets_hash))
         from proposal_change_requests r
         where r.proposal_id = p.id and r.status = 'approved') end) as approvals
  from proposals p
  join calls c on c.id = p.call_id
  join workflow_instances wi on wi.kind = 'proposal' and wi.subject_id = p.id::text
  where p.id = ${param('proposalId')}::uuid
    and exists (select 1 from proposal_members m where m.proposal_id = p.id
      and m.user_id = ${param('userId')}::uuid and m.role in (${submitterRoles}))
  for update of p`,
);

/** A retry's lock, in a statement of its own so that the read after it sees what the winner committed. */
export const lockForSubmission = preparedStatement<{ proposalId: string }, { id: string }>(
  'submit_lock',
  sql`select id from proposals where id = ${param('proposalId')}::uuid for update`,
);

/** The values of one submission's write; timestamps as ISO text and JSON as text, as the driver sends them. */
export interface SubmissionWrite {
  proposalId: string;
  seq: number;
  callId: string;
  stage: ProposalStage;
  callVersion: number;
  document: string;
  documents: string;
  contentHash: string;
  at: string;
  userId: string;
  idempotencyKey: string | null;
  actorLabel: string;
  instanceId: string;
  lockVersion: number;
  toState: string;
  snapshot: string;
  nextSeq: number;
  /** The transition row exactly as planWorkflowStep hashed it. */
  transitionSeq: number;
  transitionActorUserId: string | null;
  transitionActorLabel: string;
  event: string;
  fromState: string;
  transitionAt: string;
  transitionPayload: string;
  transitionCallVersion: number | null;
  machineVersion: string;
  prevHash: string;
  hash: string;
  auditDetails: string;
  receiptPayload: string;
  receiptKey: string;
  mailPayload: string;
  mailKey: string;
}

/**
 * The whole submission in ONE statement: the version, the lifecycle step under its optimistic lock
 * with its hash-chained transition row (the chain is computed by @permed/db's planWorkflowStep),
 * the audit row and the two outbox items (PDF receipt, confirmation e-mail; deduplicated by key).
 * The same rows recordAudit, enqueueOutbox and stepWorkflow write, in one round trip instead of
 * six. Data-modifying CTEs always run to completion; `stepped` is 0 when the lifecycle moved since
 * it was read, and the caller then rolls the transaction back.
 */
export const writeSubmission = preparedStatement<SubmissionWrite, { stepped: number }>(
  'submit_write',
  sql`with version as (
    insert into proposal_versions (proposal_id, seq, call_id, stage, call_version, document, documents,
      content_hash, submitted_at, submitted_by, idempotency_key)
    values (${param('proposalId')}::uuid, ${param('seq')}::int, ${param('callId')}::uuid, ${param('stage')}::text,
      ${param('callVersion')}::int, ${param('document')}::jsonb, ${param('documents')}::jsonb, ${param('contentHash')}::text,
      ${param('at')}::timestamptz, ${param('userId')}::uuid, ${param('idempotencyKey')}::text)
  ), lifecycle as (
    update workflow_instances set state = ${param('toState')}::text, snapshot = ${param('snapshot')}::jsonb,
      lock_version = lock_version + 1, seq = ${param('nextSeq')}::int, head_hash = ${param('hash')}::text,
      updated_at = ${param('at')}::timestamptz
    where id = ${param('instanceId')}::uuid and lock_version = ${param('lockVersion')}::int
    returning id
  ), transition as (
    insert into workflow_transitions (instance_id, seq, actor_user_id, actor_label, event, from_state,
      to_state, at, payload, call_version, machine_version, prev_hash, hash)
    select id, ${param('transitionSeq')}::int, ${param('transitionActorUserId')}::uuid,
      ${param('transitionActorLabel')}::text, ${param('event')}::text, ${param('fromState')}::text,
      ${param('toState')}::text, ${param('transitionAt')}::timestamptz, ${param('transitionPayload')}::jsonb,
      ${param('transitionCallVersion')}::int, ${param('machineVersion')}::text, ${param('prevHash')}::text,
      ${param('hash')}::text
    from lifecycle
  ), audit as (
    insert into audit_events (occurred_at, actor_user_id, actor_label, action, target_type, target_id,
      request_id, details)
    values (${param('at')}::timestamptz, ${param('userId')}::uuid, ${param('actorLabel')}::text, 'proposal.submitted',
      'proposal', ${param('proposalId')}::text, null, ${param('auditDetails')}::jsonb)
  ), outbox_items as (
    insert into outbox (kind, payload, dedupe_key, created_at, available_at)
    values ('receipt-pdf', ${param('receiptPayload')}::jsonb, ${param('receiptKey')}::text, ${param('at')}::timestamptz,
        ${param('at')}::timestamptz),
      ('mail', ${param('mailPayload')}::jsonb, ${param('mailKey')}::text, ${param('at')}::timestamptz, ${param('at')}::timestamptz)
    on conflict do nothing
  )
  select (select count(*) from lifecycle)::int as stepped`,
);
