import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { schema, type DbOrTx } from '@permed/db';
import type { Partner, ProposalStage } from '@permed/domain';
import { AppError } from '@permed/http';
import type { ProposalState } from '@permed/workflow';
import { draftDocument, storedHeader, type DraftDocument } from './draft-schema.ts';

const {
  proposals,
  proposalPartners,
  proposalDocuments,
  proposalVersions,
  proposalMembers,
  workflowInstances,
} = schema;

export type ProposalRow = typeof proposals.$inferSelect;
export type PartnerRow = typeof proposalPartners.$inferSelect;
export type DocumentRow = typeof proposalDocuments.$inferSelect;
export type VersionRow = typeof proposalVersions.$inferSelect;

export interface ProposalWithState {
  proposal: ProposalRow;
  state: ProposalState;
  lifecycleVersion: number;
}

export interface ProposalForUser extends ProposalWithState {
  /** The call's current published version, read in the same statement. */
  callVersion: number;
  member: { role: 'coordinator' | 'editor' | 'viewer'; partnerId: string | null } | null;
}

/** The proposal, its lifecycle state and the caller's membership, in one statement. */
export async function findProposalForUser(
  db: DbOrTx,
  proposalId: string,
  userId: string,
): Promise<ProposalForUser | null> {
  const [row] = await db
    .select({
      proposal: proposals,
      state: workflowInstances.state,
      lifecycleVersion: workflowInstances.lockVersion,
      role: proposalMembers.role,
      partnerId: proposalMembers.partnerId,
      callVersion: schema.calls.currentVersion,
    })
    .from(proposals)
    .innerJoin(schema.calls, eq(schema.calls.id, proposals.callId))
    .innerJoin(
      workflowInstances,
      and(
        eq(workflowInstances.kind, 'proposal'),
        eq(workflowInstances.subjectId, sql`${proposals.id}::text`),
      ),
    )
    .leftJoin(
      proposalMembers,
      and(eq(proposalMembers.proposalId, proposals.id), eq(proposalMembers.userId, userId)),
    )
    .where(eq(proposals.id, proposalId));
  if (!row || row.callVersion === null) return null;
  return {
    proposal: row.proposal,
    state: row.state as ProposalState,
    lifecycleVersion: row.lifecycleVersion,
    callVersion: row.callVersion,
    member: row.role ? { role: row.role, partnerId: row.partnerId } : null,
  };
}

/** Locks the proposal row for the rest of the transaction: writers of one proposal queue here. */
export async function lockProposal(tx: DbOrTx, proposalId: string): Promise<ProposalWithState> {
  const [row] = await tx
    .select({ proposal: proposals })
    .from(proposals)
    .where(eq(proposals.id, proposalId))
    .for('update');
  if (!row) throw new AppError('NOT_FOUND', 'No such proposal');
  const [inst] = await tx
    .select({ state: workflowInstances.state, lockVersion: workflowInstances.lockVersion })
    .from(workflowInstances)
    .where(and(eq(workflowInstances.kind, 'proposal'), eq(workflowInstances.subjectId, proposalId)));
  if (!inst) throw new AppError('NOT_FOUND', 'The proposal has no lifecycle');
  return { proposal: row.proposal, state: inst.state as ProposalState, lifecycleVersion: inst.lockVersion };
}

export async function listPartners(db: DbOrTx, proposalId: string): Promise<PartnerRow[]> {
  return db
    .select()
    .from(proposalPartners)
    .where(eq(proposalPartners.proposalId, proposalId))
    .orderBy(asc(proposalPartners.position), asc(proposalPartners.partnerId));
}

export async function findPartner(
  db: DbOrTx,
  proposalId: string,
  partnerId: string,
): Promise<PartnerRow | null> {
  const [row] = await db
    .select()
    .from(proposalPartners)
    .where(and(eq(proposalPartners.proposalId, proposalId), eq(proposalPartners.partnerId, partnerId)));
  return row ?? null;
}

/** The document of one kind in a stage (null: none uploaded). */
export async function findDocument(
  db: DbOrTx,
  proposalId: string,
  stage: ProposalStage,
  kind: DocumentRow['kind'],
): Promise<DocumentRow | null> {
  const [row] = await db
    .select()
    .from(proposalDocuments)
    .where(
      and(
        eq(proposalDocuments.proposalId, proposalId),
        eq(proposalDocuments.stage, stage),
        eq(proposalDocuments.kind, kind),
      ),
    );
  return row ?? null;
}

export async function listDocuments(
  db: DbOrTx,
  proposalId: string,
  stage: ProposalStage,
): Promise<DocumentRow[]> {
  return db
    .select()
    .from(proposalDocuments)
    .where(and(eq(proposalDocuments.proposalId, proposalId), eq(proposalDocuments.stage, stage)))
    .orderBy(asc(proposalDocuments.kind));
}

export async function listVersions(db: DbOrTx, proposalId: string): Promise<VersionRow[]> {
  return db
    .select()
    .from(proposalVersions)
    .where(eq(proposalVersions.proposalId, proposalId))
    .orderBy(asc(proposalVersions.seq));
}

export async function findVersion(db: DbOrTx, proposalId: string, seq: number): Promise<VersionRow | null> {
  const [row] = await db
    .select()
    .from(proposalVersions)
    .where(and(eq(proposalVersions.proposalId, proposalId), eq(proposalVersions.seq, seq)));
  return row ?? null;
}

export async function lastVersionOfStage(
  db: DbOrTx,
  proposalId: string,
  stage: ProposalStage,
): Promise<VersionRow | null> {
  const [row] = await db
    .select()
    .from(proposalVersions)
    .where(and(eq(proposalVersions.proposalId, proposalId), eq(proposalVersions.stage, stage)))
    .orderBy(desc(proposalVersions.seq))
    .limit(1);
  return row ?? null;
}

export const partnersOf = (rows: readonly PartnerRow[]): Partner[] =>
  rows.map((r) => r.section as unknown as Partner);

/** The whole draft (header + partner sections) as one ProposalDocument-shaped value. */
export function draftOf(proposal: ProposalRow, partners: readonly PartnerRow[]): DraftDocument {
  return draftDocument(storedHeader(proposal.draft), partnersOf(partners));
}
