import { eq } from 'drizzle-orm';
import { recordAudit, schema, type Actor } from '@permed/db';
import { validateAssignment, type AssignmentViolation, type PairRef } from '@permed/evaluation';
import { AppError, type FieldProblem } from '@permed/http';
import { loadAssignmentProblem, pairKey } from './assignment-problem.ts';
import {
  requireStage,
  type CallContext,
  type EvaluationStage,
  type UseCaseDeps,
} from './evaluation-context.ts';
import type { AssignmentRow } from './reviewer-gate.ts';

export interface OverrideInput {
  stage: EvaluationStage;
  add: PairRef[];
  remove: PairRef[];
  reason: string;
}

/** Identifies "the same" violation before and after an edit, so only the edit's own effects count. */
function violationKey(v: AssignmentViolation): string {
  if (v.code === 'reviewer-count') return `${v.code}|${v.proposalIds.join(',')}`;
  if (v.code === 'max-load' || v.code === 'min-load') return `${v.code}|${v.reviewerIds.join(',')}`;
  return `${v.code}|${v.proposalIds.join(',')}|${[...v.reviewerIds].sort().join(',')}`;
}

/**
 * The call office adds or removes single pairs. The resulting assignment is re-checked with
 * validateAssignment and the edit is refused when it introduces a broken hard constraint
 * (conflict, declined pair, maximum load, same country, unknown proposal or reviewer, more than k
 * reviewers). A proposal left short or a reviewer below the minimum load is allowed while the
 * office re-arranges, and reported as a warning.
 */
export async function overrideAssignments(
  deps: UseCaseDeps,
  actor: Actor,
  ctx: CallContext,
  input: OverrideInput,
): Promise<{ added: AssignmentRow[]; removed: AssignmentRow[]; warnings: AssignmentViolation[] }> {
  requireStage(ctx, input.stage);
  if (input.add.length === 0 && input.remove.length === 0) {
    throw new AppError('VALIDATION_FAILED', 'Nothing to change', {
      errors: [{ in: 'body', path: '/add', message: 'give at least one pair to add or remove' }],
    });
  }
  const problem = await loadAssignmentProblem(deps.db, ctx, input.stage);
  const activeByKey = new Map(problem.active.map((r) => [pairKey(r), r]));
  const missing: FieldProblem[] = input.remove.flatMap((p, i) =>
    activeByKey.has(pairKey(p))
      ? []
      : [{ in: 'body', path: `/remove/${i}`, message: 'this pair is not assigned', code: 'NOT_ASSIGNED' }],
  );
  if (missing.length > 0)
    throw new AppError('NOT_FOUND', 'A pair to remove is not assigned', { errors: missing });

  const removeKeys = new Set(input.remove.map(pairKey));
  const current = problem.active.map((r) => ({ proposalId: r.proposalId, reviewerId: r.reviewerId }));
  const next = [...current.filter((p) => !removeKeys.has(pairKey(p))), ...input.add];
  const before = new Set(validateAssignment(problem.input, { assignments: current }).map(violationKey));
  const introduced = validateAssignment(problem.input, { assignments: next }).filter(
    (v) => !before.has(violationKey(v)),
  );
  const k = problem.input.settings.reviewersPerProposal;
  const countOf = (proposalId: string) => next.filter((p) => p.proposalId === proposalId).length;
  const soft = (v: AssignmentViolation) =>
    v.code === 'min-load' || (v.code === 'reviewer-count' && v.proposalIds.every((id) => countOf(id) < k));
  const refused = introduced.filter((v) => !soft(v));
  if (refused.length > 0) {
    throw new AppError('ASSIGNMENT_CONSTRAINT_VIOLATED', refused.map((v) => v.message).join(' '), {
      extensions: { violations: refused },
    });
  }

  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const removed: AssignmentRow[] = [];
    for (const p of input.remove) {
      const row = activeByKey.get(pairKey(p))!;
      const [updated] = await tx
        .update(schema.assignments)
        .set({ status: 'removed', reason: input.reason, changedAt: now, changedBy: actor.userId })
        .where(eq(schema.assignments.id, row.id))
        .returning();
      removed.push(updated!);
      await recordAudit(tx, {
        actor,
        action: 'evaluation.assignment_removed',
        targetType: 'assignment',
        targetId: row.id,
        details: { callId: ctx.callId, stage: input.stage, ...p, reason: input.reason },
        at: now,
      });
    }
    const added: AssignmentRow[] = [];
    for (const p of input.add) {
      const [row] = await tx
        .insert(schema.assignments)
        .values({
          callId: ctx.callId,
          stage: input.stage,
          proposalId: p.proposalId,
          reviewerId: p.reviewerId,
          status: 'active',
          source: 'override',
          reason: input.reason,
          createdAt: now,
          createdBy: actor.userId,
          changedAt: now,
          changedBy: actor.userId,
        })
        .onConflictDoUpdate({
          target: [schema.assignments.stage, schema.assignments.proposalId, schema.assignments.reviewerId],
          set: {
            status: 'active',
            source: 'override',
            runId: null,
            reason: input.reason,
            changedAt: now,
            changedBy: actor.userId,
          },
        })
        .returning();
      added.push(row!);
      await recordAudit(tx, {
        actor,
        action: 'evaluation.assignment_added',
        targetType: 'assignment',
        targetId: row!.id,
        details: { callId: ctx.callId, stage: input.stage, ...p, reason: input.reason },
        at: now,
      });
    }
    const warnings = introduced.filter(soft);
    return { added, removed, warnings };
  });
}
