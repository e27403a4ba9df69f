import { sql, type SQL } from 'drizzle-orm';
import { verifyWorkflowChains, type ChainBreak, type Db } from '@permed/db';

/** A submission the client saw acknowledged (200/201 with a receipt). */
export interface Acknowledgement {
  proposalId: string;
  idempotencyKey: string;
  version: number;
}

export interface IntegrityReport {
  /** Submitted versions of the call. */
  versions: number;
  acknowledged: number;
  /** Acknowledged submissions whose version (same key, same number) is missing after the fault. */
  lost: Acknowledgement[];
  /** Idempotency keys stored more than once (a retried request must replay, not add a version). */
  duplicatedKeys: number;
  /** Versions that committed although the client never saw the answer (allowed: a retry replays them). */
  storedWithoutAcknowledgement: number;
  /** Half-written submissions: a version without its lifecycle step, audit row or queued receipt/mail. */
  versionsWithoutTransition: number;
  versionsWithoutAudit: number;
  versionsWithoutOutbox: number;
  /** ...and the other way round: a SUBMIT step or audit row without its version. */
  transitionsWithoutVersion: number;
  auditsWithoutVersion: number;
  /** Proposals whose lifecycle disagrees with their versions: a draft with a version, or moved on without one. */
  stateMismatches: number;
  /** Versions submitted at or after `deadline`, when one is given. */
  atOrAfterDeadline: number;
  chains: { instances: number; transitions: number; firstBreak: ChainBreak | null };
}

/** Rows of a raw query on either driver (postgres.js returns an array, PGlite `{ rows }`). */
export async function rows<T>(db: Db, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  return Array.isArray(result) ? (result as T[]) : (result as { rows: T[] }).rows;
}

const count = async (db: Db, query: SQL): Promise<number> =>
  Number((await rows<{ n: number | string }>(db, query))[0]?.n ?? 0);

/**
 * Everything a crash or a database fault could have left half done for the submissions of one
 * call: every version must have its lifecycle step (SUBMIT with its seq), its audit row and its
 * two outbox items, written in the same transaction; nothing of a submission may exist without
 * its version; every hash chain must verify; every acknowledged submission must be there.
 */
export async function checkSubmissions(
  db: Db,
  callId: string,
  acks: readonly Acknowledgement[],
  options: { deadline?: Date } = {},
): Promise<IntegrityReport> {
  const versions = await rows<{
    proposal_id: string;
    seq: number;
    idempotency_key: string | null;
    has_transition: boolean;
    has_audit: boolean;
    has_outbox: boolean;
    late: boolean;
  }>(
    db,
    sql`select v.proposal_id, v.seq, v.idempotency_key,
      exists (select 1 from workflow_instances wi join workflow_transitions t on t.instance_id = wi.id
              where wi.kind = 'proposal' and wi.subject_id = v.proposal_id::text
                and t.event in ('SUBMIT', 'SUBMIT_FULL') and (t.payload->>'seq')::int = v.seq) as has_transition,
      exists (select 1 from audit_events a
              where a.action = 'proposal.submitted' and a.target_type = 'proposal'
                and a.target_id = v.proposal_id::text and (a.details->>'seq')::int = v.seq) as has_audit,
      (select count(*) from outbox o
        where o.dedupe_key in ('receipt-pdf:' || v.proposal_id || ':' || v.seq,
                               'submitted-mail:' || v.proposal_id || ':' || v.seq)) = 2 as has_outbox,
      ${options.deadline ? sql`v.submitted_at >= ${options.deadline.toISOString()}::timestamptz` : sql`false`} as late
    from proposal_versions v where v.call_id = ${callId}`,
  );
  const proposalsOfCall = sql`(select id::text from proposals where call_id = ${callId})`;
  const transitionsWithoutVersion = await count(
    db,
    sql`select count(*) as n from workflow_transitions t join workflow_instances wi on wi.id = t.instance_id
      where wi.kind = 'proposal' and wi.subject_id in ${proposalsOfCall}
        and t.event in ('SUBMIT', 'SUBMIT_FULL')
        and not exists (select 1 from proposal_versions v
                        where v.proposal_id::text = wi.subject_id and v.seq = (t.payload->>'seq')::int)`,
  );
  const auditsWithoutVersion = await count(
    db,
    sql`select count(*) as n from audit_events a
      where a.action = 'proposal.submitted' and a.target_type = 'proposal' and a.target_id in ${proposalsOfCall}
        and not exists (select 1 from proposal_versions v
                        where v.proposal_id::text = a.target_id and v.seq = (a.details->>'seq')::int)`,
  );
  const stateMismatches = await count(
    db,
    sql`select count(*) as n from workflow_instances wi
      where wi.kind = 'proposal' and wi.subject_id in ${proposalsOfCall}
        and (wi.state <> 'draft') <> exists (select 1 from proposal_versions v where v.proposal_id::text = wi.subject_id)`,
  );
  const byKey = new Map<string, { proposalId: string; seq: number }[]>();
  for (const v of versions) {
    if (v.idempotency_key === null) continue;
    const list = byKey.get(v.idempotency_key) ?? [];
    list.push({ proposalId: v.proposal_id, seq: Number(v.seq) });
    byKey.set(v.idempotency_key, list);
  }
  const ackedKeys = new Set(acks.map((a) => a.idempotencyKey));
  const lost = acks.filter((a) => {
    const stored = byKey.get(a.idempotencyKey) ?? [];
    return !(stored.length === 1 && stored[0]!.proposalId === a.proposalId && stored[0]!.seq === a.version);
  });
  return {
    versions: versions.length,
    acknowledged: acks.length,
    lost,
    duplicatedKeys: [...byKey.values()].filter((l) => l.length > 1).length,
    storedWithoutAcknowledgement: versions.filter(
      (v) => v.idempotency_key === null || !ackedKeys.has(v.idempotency_key),
    ).length,
    versionsWithoutTransition: versions.filter((v) => !v.has_transition).length,
    versionsWithoutAudit: versions.filter((v) => !v.has_audit).length,
    versionsWithoutOutbox: versions.filter((v) => !v.has_outbox).length,
    transitionsWithoutVersion,
    auditsWithoutVersion,
    stateMismatches,
    atOrAfterDeadline: versions.filter((v) => v.late).length,
    chains: await verifyWorkflowChains(db),
  };
}

/** True when nothing is lost, duplicated or half written (unacknowledged commits are allowed). */
export function intact(r: IntegrityReport): boolean {
  return (
    r.lost.length === 0 &&
    r.duplicatedKeys === 0 &&
    r.versionsWithoutTransition === 0 &&
    r.versionsWithoutAudit === 0 &&
    r.versionsWithoutOutbox === 0 &&
    r.transitionsWithoutVersion === 0 &&
    r.auditsWithoutVersion === 0 &&
    r.stateMismatches === 0 &&
    r.atOrAfterDeadline === 0 &&
    r.chains.firstBreak === null
  );
}

export function describeIntegrity(r: IntegrityReport): string {
  return [
    `${r.acknowledged} acknowledged, ${r.lost.length} lost, ${r.duplicatedKeys} duplicated`,
    `${r.versions} versions (${r.storedWithoutAcknowledgement} committed without the client seeing it)`,
    `half-written: ${r.versionsWithoutTransition + r.versionsWithoutAudit + r.versionsWithoutOutbox + r.transitionsWithoutVersion + r.auditsWithoutVersion}`,
    `state mismatches ${r.stateMismatches}`,
    `chains ${r.chains.firstBreak ? `BROKEN at ${JSON.stringify(r.chains.firstBreak)}` : `intact (${r.chains.instances} instances, ${r.chains.transitions} transitions)`}`,
  ].join('; ');
}
