import { and, eq } from 'drizzle-orm';
import { enqueueOutbox, recordAudit, schema, type Actor, type DbOrTx } from '@permed/db';
import { bestReplacement, type ReplacementCandidate } from '@permed/evaluation';
import { loadAssignmentProblem } from './assignment-problem.ts';
import { publicBase, type CallContext, type UseCaseDeps } from './evaluation-context.ts';
import { newAssignmentMail } from './mail.ts';
import type { AssignmentRow } from './reviewer-gate.ts';

export type ReplacementMode = 'apply' | 'propose' | 'none';

export interface DeclineOutcome {
  declined: AssignmentRow;
  replacement: (ReplacementCandidate & { assignmentId: string | null }) | null;
  applied: boolean;
}

/**
 * Marks an assignment declined (it never comes back) and finds the best valid replacement that
 * leaves every other pair alone: highest affinity, then lightest load. With 'apply' the
 * replacement is assigned at once and told by e-mail. Runs in the caller's transaction.
 */
export async function declineAndReplace(
  tx: DbOrTx,
  deps: UseCaseDeps,
  actor: Actor,
  ctx: CallContext,
  assignment: AssignmentRow,
  args: { reason: string; mode: ReplacementMode; now: Date },
): Promise<DeclineOutcome> {
  const { now } = args;
  const [declined] = await tx
    .update(schema.assignments)
    .set({ status: 'declined', reason: args.reason, changedAt: now, changedBy: actor.userId })
    .where(and(eq(schema.assignments.id, assignment.id), eq(schema.assignments.status, 'active')))
    .returning();
  await recordAudit(tx, {
    actor,
    action: 'evaluation.assignment_declined',
    targetType: 'assignment',
    targetId: assignment.id,
    details: {
      callId: ctx.callId,
      stage: assignment.stage,
      proposalId: assignment.proposalId,
      reviewerId: assignment.reviewerId,
      reason: args.reason,
    },
    at: now,
  });
  if (args.mode === 'none' || !declined)
    return { declined: declined ?? assignment, replacement: null, applied: false };

  const problem = await loadAssignmentProblem(tx, ctx, assignment.stage);
  const decline = { proposalId: assignment.proposalId, reviewerId: assignment.reviewerId };
  const known =
    problem.input.proposals.some((p) => p.id === decline.proposalId) &&
    problem.input.reviewers.some((r) => r.id === decline.reviewerId);
  const candidate = known
    ? bestReplacement(
        problem.input,
        { assignments: problem.active.map((r) => ({ proposalId: r.proposalId, reviewerId: r.reviewerId })) },
        decline,
      )
    : undefined;
  if (!candidate) return { declined, replacement: null, applied: false };
  if (args.mode === 'propose')
    return { declined, replacement: { ...candidate, assignmentId: null }, applied: false };

  const [row] = await tx
    .insert(schema.assignments)
    .values({
      callId: ctx.callId,
      stage: assignment.stage,
      proposalId: assignment.proposalId,
      reviewerId: candidate.reviewerId,
      status: 'active',
      source: 'replacement',
      affinity: candidate.affinity,
      reason: `replaces a declined assignment (${assignment.id})`,
      createdAt: now,
      createdBy: actor.userId,
      changedAt: now,
      changedBy: actor.userId,
    })
    .onConflictDoUpdate({
      target: [schema.assignments.stage, schema.assignments.proposalId, schema.assignments.reviewerId],
      set: {
        status: 'active',
        source: 'replacement',
        runId: null,
        affinity: candidate.affinity,
        reason: `replaces a declined assignment (${assignment.id})`,
        changedAt: now,
        changedBy: actor.userId,
      },
    })
    .returning();
  await recordAudit(tx, {
    actor,
    action: 'evaluation.assignment_replaced',
    targetType: 'assignment',
    targetId: row!.id,
    details: {
      callId: ctx.callId,
      stage: assignment.stage,
      proposalId: assignment.proposalId,
      replaces: assignment.id,
      reviewerId: candidate.reviewerId,
      affinity: candidate.affinity,
    },
    at: now,
  });
  const reviewer = problem.reviewers.find((r) => r.id === candidate.reviewerId)!;
  const proposal = problem.proposals.find((p) => p.id === assignment.proposalId)!;
  await enqueueOutbox(tx, {
    kind: 'mail',
    payload: {
      ...newAssignmentMail({
        to: reviewer.email,
        name: reviewer.name,
        callTitle: ctx.definition.title,
        acronym: proposal.document.acronym,
        base: publicBase(deps),
        callId: ctx.callId,
      }),
    },
    at: now,
  });
  return { declined, replacement: { ...candidate, assignmentId: row!.id }, applied: true };
}
