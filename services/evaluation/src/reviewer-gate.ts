import { and, eq } from 'drizzle-orm';
import { schema, type DbOrTx } from '@permed/db';
import type { Conflict } from '@permed/evaluation';
import { AppError, requireScope, type Principal } from '@permed/http';
import type { CallContext, EvaluationStage } from './evaluation-context.ts';
import { pairConflicts, type ReviewerRow } from './conflict-inputs.ts';
import { callOfProposal, findStageProposal, type StageProposal } from './proposal-store.ts';

export type AssignmentRow = typeof schema.assignments.$inferSelect;
export type DeclarationRow = typeof schema.coiDeclarations.$inferSelect;

/**
 * The signed-in user as an accepted reviewer of this call. The role grant alone is not enough: the
 * pool row links the user to the call, and a reviewer removed from the pool stops here.
 */
export async function requireReviewer(
  db: DbOrTx,
  principal: Principal,
  callId: string,
): Promise<ReviewerRow> {
  requireScope(principal, 'reviewer', 'call', callId);
  const [row] = await db
    .select()
    .from(schema.reviewers)
    .where(
      and(
        eq(schema.reviewers.callId, callId),
        eq(schema.reviewers.userId, principal.userId),
        eq(schema.reviewers.status, 'accepted'),
      ),
    );
  if (!row) throw new AppError('FORBIDDEN', 'You are not a reviewer of this call');
  return row;
}

export async function confidentialityOf(db: DbOrTx, reviewerId: string) {
  const [row] = await db
    .select()
    .from(schema.confidentialityAcceptances)
    .where(eq(schema.confidentialityAcceptances.reviewerId, reviewerId));
  return row ?? null;
}

/** Nothing about any proposal is shown before the reviewer accepted the confidentiality undertaking. */
export async function requireConfidentiality(
  db: DbOrTx,
  reviewer: ReviewerRow,
  callId: string,
): Promise<void> {
  if (!(await confidentialityOf(db, reviewer.id))) {
    throw new AppError('CONFIDENTIALITY_NOT_ACCEPTED', 'Accept the confidentiality undertaking first', {
      extensions: { confidentiality: `/api/evaluation/calls/${callId}/confidentiality` },
    });
  }
}

/** The reviewer's active assignment to a proposal: at the given stage, else the full stage before the pre-proposal one. */
export async function findActiveAssignment(
  db: DbOrTx,
  reviewerId: string,
  proposalId: string,
  stage?: EvaluationStage,
): Promise<AssignmentRow | null> {
  const rows = await db
    .select()
    .from(schema.assignments)
    .where(
      and(
        eq(schema.assignments.reviewerId, reviewerId),
        eq(schema.assignments.proposalId, proposalId),
        eq(schema.assignments.status, 'active'),
        ...(stage ? [eq(schema.assignments.stage, stage)] : []),
      ),
    );
  return rows.find((r) => r.stage === 'full-proposal') ?? rows[0] ?? null;
}

export async function declarationOf(
  db: DbOrTx,
  reviewerId: string,
  proposalId: string,
): Promise<DeclarationRow | null> {
  const [row] = await db
    .select()
    .from(schema.coiDeclarations)
    .where(
      and(
        eq(schema.coiDeclarations.reviewerId, reviewerId),
        eq(schema.coiDeclarations.proposalId, proposalId),
      ),
    );
  return row ?? null;
}

/**
 * The proposal as far as the COI screen goes: it must be of this call (else 404, as if unknown)
 * and assigned to the reviewer (else 403). Nothing beyond acronym, title and partners may be
 * shown on this basis alone.
 */
export async function requireAssignedProposal(
  db: DbOrTx,
  ctx: CallContext,
  reviewer: ReviewerRow,
  proposalId: string,
  stage?: EvaluationStage,
): Promise<{ assignment: AssignmentRow; proposal: StageProposal }> {
  if ((await callOfProposal(db, proposalId)) !== ctx.callId) {
    throw new AppError('NOT_FOUND', `No proposal ${proposalId} in this call`);
  }
  const assignment = await findActiveAssignment(db, reviewer.id, proposalId, stage);
  if (!assignment) throw new AppError('NOT_ASSIGNED', 'This proposal is not assigned to you');
  const proposal = await findStageProposal(db, ctx.callId, proposalId, assignment.stage);
  if (!proposal) throw new AppError('NOT_FOUND', `No ${assignment.stage} version of ${proposalId}`);
  return { assignment, proposal };
}

export function coiScreenPath(callId: string, proposalId: string): string {
  return `/api/evaluation/calls/${callId}/proposals/${proposalId}/coi-screen`;
}

/**
 * The gate in front of the full proposal, the review and the other reviews: assigned, no conflict
 * detected now (computed afresh, not from a stored run), and the reviewer's own declaration of no
 * conflict. Conflicted or undeclared reviewers get only the COI screen.
 */
export async function requireClearedProposal(
  db: DbOrTx,
  ctx: CallContext,
  reviewer: ReviewerRow,
  proposalId: string,
  stage?: EvaluationStage,
): Promise<{ assignment: AssignmentRow; proposal: StageProposal; conflicts: Conflict[] }> {
  const { assignment, proposal } = await requireAssignedProposal(db, ctx, reviewer, proposalId, stage);
  const conflicts = await pairConflicts(db, ctx, reviewer, proposal);
  if (conflicts.length > 0) {
    throw new AppError('CONFLICT_OF_INTEREST', 'You have a conflict of interest with this proposal', {
      extensions: {
        reasons: conflicts.map((c) => c.reason),
        coiScreen: coiScreenPath(ctx.callId, proposalId),
      },
    });
  }
  const declaration = await declarationOf(db, reviewer.id, proposalId);
  if (!declaration || declaration.conflict) {
    throw new AppError(
      'COI_DECLARATION_REQUIRED',
      'Declare on the COI screen that you have no conflict of interest before reading the proposal',
      { extensions: { coiScreen: coiScreenPath(ctx.callId, proposalId) } },
    );
  }
  return { assignment, proposal, conflicts };
}
