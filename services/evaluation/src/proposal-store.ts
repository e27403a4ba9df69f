import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { schema, type DbOrTx } from '@permed/db';
import type { ProposalDocument } from '@permed/domain';
import type { EvaluationStage } from './evaluation-context.ts';

const { proposalVersions, workflowInstances, proposals } = schema;

/**
 * Lifecycle states in which a proposal is evaluated at each stage: pre-proposals once found
 * eligible (two-stage calls), full proposals from START_REVIEW until the ranking is frozen.
 */
export const evaluatedStates: Record<EvaluationStage, readonly string[]> = {
  'pre-proposal': ['eligible'],
  'full-proposal': ['under-review', 'rebuttal'],
};

/** A proposal as evaluation reads it: the submitted version of one stage, never the editable draft. */
export interface StageProposal {
  id: string;
  callId: string;
  state: string;
  stage: EvaluationStage;
  seq: number;
  document: ProposalDocument;
}

/**
 * The last submitted version of each proposal of a call at a stage, with its lifecycle state,
 * optionally only in the given states. The proposals service refuses submissions after the
 * deadline, so the last version is the one that counts.
 */
export async function listStageProposals(
  db: DbOrTx,
  callId: string,
  stage: EvaluationStage,
  states?: readonly string[],
): Promise<StageProposal[]> {
  const rows = await db
    .selectDistinctOn([proposalVersions.proposalId], {
      id: proposalVersions.proposalId,
      callId: proposalVersions.callId,
      seq: proposalVersions.seq,
      document: proposalVersions.document,
      state: workflowInstances.state,
    })
    .from(proposalVersions)
    .innerJoin(
      workflowInstances,
      and(
        eq(workflowInstances.kind, 'proposal'),
        eq(workflowInstances.subjectId, sql`${proposalVersions.proposalId}::text`),
      ),
    )
    .where(and(eq(proposalVersions.callId, callId), eq(proposalVersions.stage, stage)))
    .orderBy(asc(proposalVersions.proposalId), desc(proposalVersions.seq));
  return rows
    .filter((r) => states === undefined || states.includes(r.state))
    .map((r) => ({ ...r, stage, document: r.document as unknown as ProposalDocument }));
}

/** One proposal of the call at a stage, or null (another call's proposal is as good as unknown). */
export async function findStageProposal(
  db: DbOrTx,
  callId: string,
  proposalId: string,
  stage: EvaluationStage,
): Promise<StageProposal | null> {
  const [row] = await db
    .select({
      id: proposalVersions.proposalId,
      callId: proposalVersions.callId,
      seq: proposalVersions.seq,
      document: proposalVersions.document,
      state: workflowInstances.state,
    })
    .from(proposalVersions)
    .innerJoin(
      workflowInstances,
      and(
        eq(workflowInstances.kind, 'proposal'),
        eq(workflowInstances.subjectId, sql`${proposalVersions.proposalId}::text`),
      ),
    )
    .where(
      and(
        eq(proposalVersions.callId, callId),
        eq(proposalVersions.proposalId, proposalId),
        eq(proposalVersions.stage, stage),
      ),
    )
    .orderBy(desc(proposalVersions.seq))
    .limit(1);
  return row ? { ...row, stage, document: row.document as unknown as ProposalDocument } : null;
}

/** The call a proposal belongs to, or null. */
export async function callOfProposal(db: DbOrTx, proposalId: string): Promise<string | null> {
  const [row] = await db
    .select({ callId: proposals.callId })
    .from(proposals)
    .where(eq(proposals.id, proposalId));
  return row?.callId ?? null;
}

/**
 * The latest submitted consortium of every proposal of the call, whatever its stage or state:
 * "applicant anywhere in the call" must also see withdrawn and not-invited proposals.
 */
export async function latestDocuments(
  db: DbOrTx,
  callId: string,
): Promise<{ id: string; document: ProposalDocument }[]> {
  const rows = await db
    .selectDistinctOn([proposalVersions.proposalId], {
      id: proposalVersions.proposalId,
      document: proposalVersions.document,
    })
    .from(proposalVersions)
    .where(eq(proposalVersions.callId, callId))
    .orderBy(asc(proposalVersions.proposalId), desc(proposalVersions.seq));
  return rows.map((r) => ({ id: r.id, document: r.document as unknown as ProposalDocument }));
}

/** Acronyms of proposals by id, from their latest submitted version. */
export async function acronymsOf(db: DbOrTx, proposalIds: readonly string[]): Promise<Map<string, string>> {
  if (proposalIds.length === 0) return new Map();
  const rows = await db
    .selectDistinctOn([proposalVersions.proposalId], {
      id: proposalVersions.proposalId,
      acronym: sql<string>`${proposalVersions.document}->>'acronym'`,
    })
    .from(proposalVersions)
    .where(inArray(proposalVersions.proposalId, [...proposalIds]))
    .orderBy(asc(proposalVersions.proposalId), desc(proposalVersions.seq));
  return new Map(rows.map((r) => [r.id, r.acronym]));
}
