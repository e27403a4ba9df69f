import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { schema, type DbOrTx } from '@permed/db';
import type { ProposalStage } from '@permed/domain';

const {
  proposals,
  proposalVersions,
  workflowInstances,
  officialVerdicts,
  automaticChecks,
  formalChecks,
  funderCheckCompletions,
} = schema;

export interface LatestVersionRow {
  proposalId: string;
  seq: number;
  acronym: string;
  coordinatorUserId: string;
  callVersion: number;
  document: Record<string, unknown>;
  documents: Array<Record<string, unknown>>;
  submittedAt: Date;
  /** The proposal lifecycle state, null when the proposal has no lifecycle row. */
  state: string | null;
}

const proposalLifecycle = and(
  eq(workflowInstances.kind, 'proposal'),
  sql`${workflowInstances.subjectId} = ${proposalVersions.proposalId}::text`,
);

/**
 * The version that counts for each proposal of a call at one stage: its latest submitted version
 * (submissions after the deadline are refused upstream, so the latest one is the last one before it).
 * Withdrawn proposals are left out. `funderId` narrows to proposals with a partner asking that funder,
 * filtered in the database with jsonb containment.
 */
export async function latestVersions(
  db: DbOrTx,
  args: { callId: string; stage: ProposalStage; funderId?: string; proposalIds?: readonly string[] },
): Promise<LatestVersionRow[]> {
  const where: SQL[] = [eq(proposalVersions.callId, args.callId), eq(proposalVersions.stage, args.stage)];
  if (args.proposalIds) {
    if (args.proposalIds.length === 0) return [];
    where.push(inArray(proposalVersions.proposalId, [...args.proposalIds]));
  }
  if (args.funderId) {
    where.push(
      sql`${proposalVersions.document} -> 'partners' @> ${JSON.stringify([{ funderId: args.funderId }])}::jsonb`,
    );
  }
  const rows = await db
    .selectDistinctOn([proposalVersions.proposalId], {
      proposalId: proposalVersions.proposalId,
      seq: proposalVersions.seq,
      acronym: proposals.acronym,
      coordinatorUserId: proposals.coordinatorUserId,
      callVersion: proposalVersions.callVersion,
      document: proposalVersions.document,
      documents: proposalVersions.documents,
      submittedAt: proposalVersions.submittedAt,
      state: workflowInstances.state,
    })
    .from(proposalVersions)
    .innerJoin(proposals, eq(proposals.id, proposalVersions.proposalId))
    .leftJoin(workflowInstances, proposalLifecycle)
    .where(and(...where))
    .orderBy(proposalVersions.proposalId, desc(proposalVersions.seq));
  return rows.filter((r) => r.state !== 'withdrawn');
}

export interface VersionIndexRow {
  proposalId: string;
  seq: number;
  state: string | null;
  partnerIds: string[];
  funderIds: Array<string | null>;
}

/**
 * The counted versions and which partner asks which funder, without loading whole documents: what
 * the stage facts, the funders' progress and the "anything left to check?" test need.
 */
export async function versionIndex(
  db: DbOrTx,
  args: { callId: string; stage: ProposalStage },
): Promise<VersionIndexRow[]> {
  const rows = await db
    .selectDistinctOn([proposalVersions.proposalId], {
      proposalId: proposalVersions.proposalId,
      seq: proposalVersions.seq,
      state: workflowInstances.state,
      partnerIds: sql<string[]>`jsonb_path_query_array(${proposalVersions.document}, '$.partners[*].id')`,
      funderIds: sql<
        Array<string | null>
      >`jsonb_path_query_array(${proposalVersions.document}, '$.partners[*].funderId')`,
    })
    .from(proposalVersions)
    .leftJoin(workflowInstances, proposalLifecycle)
    .where(and(eq(proposalVersions.callId, args.callId), eq(proposalVersions.stage, args.stage)))
    .orderBy(proposalVersions.proposalId, desc(proposalVersions.seq));
  return rows.filter((r) => r.state !== 'withdrawn');
}

export type VerdictRow = typeof officialVerdicts.$inferSelect;

/** The latest official verdict per (proposal, partner) at a stage: the one that counts. */
export async function latestVerdicts(
  db: DbOrTx,
  args: { callId: string; stage: ProposalStage; proposalIds?: readonly string[]; funderId?: string },
): Promise<VerdictRow[]> {
  const where: SQL[] = [eq(officialVerdicts.callId, args.callId), eq(officialVerdicts.stage, args.stage)];
  if (args.proposalIds) {
    if (args.proposalIds.length === 0) return [];
    where.push(inArray(officialVerdicts.proposalId, [...args.proposalIds]));
  }
  const rows = await db
    .selectDistinctOn([officialVerdicts.proposalId, officialVerdicts.partnerId])
    .from(officialVerdicts)
    .where(and(...where))
    .orderBy(officialVerdicts.proposalId, officialVerdicts.partnerId, desc(officialVerdicts.id));
  // Filtered after picking the latest row, so that a partner who moved to another funder does not
  // resurface with that other funder's older verdict.
  return args.funderId ? rows.filter((r) => r.funderId === args.funderId) : rows;
}

/** Every verdict ever recorded on one partner, oldest first. */
export async function verdictHistory(
  db: DbOrTx,
  args: { proposalId: string; stage: ProposalStage; partnerId: string },
): Promise<VerdictRow[]> {
  return db
    .select()
    .from(officialVerdicts)
    .where(
      and(
        eq(officialVerdicts.proposalId, args.proposalId),
        eq(officialVerdicts.stage, args.stage),
        eq(officialVerdicts.partnerId, args.partnerId),
      ),
    )
    .orderBy(asc(officialVerdicts.id));
}

export type AutomaticCheckRow = typeof automaticChecks.$inferSelect;

export async function storedAutomaticChecks(
  db: DbOrTx,
  args: { callId: string; stage: ProposalStage; callVersion: number; proposalIds?: readonly string[] },
): Promise<AutomaticCheckRow[]> {
  const where: SQL[] = [
    eq(automaticChecks.callId, args.callId),
    eq(automaticChecks.stage, args.stage),
    eq(automaticChecks.callVersion, args.callVersion),
  ];
  if (args.proposalIds) {
    if (args.proposalIds.length === 0) return [];
    where.push(inArray(automaticChecks.proposalId, [...args.proposalIds]));
  }
  return db
    .select()
    .from(automaticChecks)
    .where(and(...where));
}

/** Which proposal versions already have a stored check under this call version (no findings loaded). */
export async function storedCheckKeys(
  db: DbOrTx,
  args: { callId: string; stage: ProposalStage; callVersion: number },
): Promise<{ proposalId: string; proposalSeq: number }[]> {
  return db
    .select({ proposalId: automaticChecks.proposalId, proposalSeq: automaticChecks.proposalSeq })
    .from(automaticChecks)
    .where(
      and(
        eq(automaticChecks.callId, args.callId),
        eq(automaticChecks.stage, args.stage),
        eq(automaticChecks.callVersion, args.callVersion),
      ),
    );
}

export type FormalCheckRow = typeof formalChecks.$inferSelect;

export async function latestFormalChecks(
  db: DbOrTx,
  args: { callId: string; stage: ProposalStage },
): Promise<FormalCheckRow[]> {
  return db
    .selectDistinctOn([formalChecks.proposalId])
    .from(formalChecks)
    .where(and(eq(formalChecks.callId, args.callId), eq(formalChecks.stage, args.stage)))
    .orderBy(formalChecks.proposalId, desc(formalChecks.id));
}

export type CompletionRow = typeof funderCheckCompletions.$inferSelect;

export async function funderCompletions(
  db: DbOrTx,
  args: { callId: string; stage: ProposalStage },
): Promise<CompletionRow[]> {
  return db
    .select()
    .from(funderCheckCompletions)
    .where(and(eq(funderCheckCompletions.callId, args.callId), eq(funderCheckCompletions.stage, args.stage)));
}

/**
 * The call's lifecycle state read under FOR SHARE inside a transaction: a concurrent stage change
 * (CLOSE_ELIGIBILITY_CHECK updates this row) waits for the caller's commit, and the caller sees a
 * change that committed first. So no verdict slips in after the stage closed.
 */
export async function lockCallState(tx: DbOrTx, callId: string): Promise<string | null> {
  const [row] = await tx
    .select({ state: workflowInstances.state })
    .from(workflowInstances)
    .where(and(eq(workflowInstances.kind, 'call'), eq(workflowInstances.subjectId, callId)))
    .for('share');
  return row?.state ?? null;
}
