import { and, eq, sql } from 'drizzle-orm';
import { recordAudit, schema, type Actor } from '@permed/db';
import { AppError } from '@permed/http';
import type { ReviewerRow } from './conflict-inputs.ts';
import type { CallContext, UseCaseDeps } from './evaluation-context.ts';
import { callOfProposal } from './proposal-store.ts';
import { declineAndReplace, type DeclineOutcome } from './replace-reviewer.ts';
import { declarationOf, type DeclarationRow } from './reviewer-gate.ts';

/**
 * The reviewer's declaration on the COI screen. "No conflict" opens the full proposal; "conflict"
 * withdraws the reviewer from the proposal at once (its active assignments are declined and the
 * best valid replacement is assigned). Every declaration and change is audited with before/after.
 */
export async function declareConflict(
  deps: UseCaseDeps,
  actor: Actor,
  ctx: CallContext,
  reviewer: ReviewerRow,
  proposalId: string,
  input: { conflict: boolean; note: string },
): Promise<{ declaration: DeclarationRow; declined: DeclineOutcome[]; changed: boolean }> {
  if ((await callOfProposal(deps.db, proposalId)) !== ctx.callId) {
    throw new AppError('NOT_FOUND', `No proposal ${proposalId} in this call`);
  }
  const pairRows = await deps.db
    .select()
    .from(schema.assignments)
    .where(
      and(eq(schema.assignments.reviewerId, reviewer.id), eq(schema.assignments.proposalId, proposalId)),
    );
  if (pairRows.length === 0) throw new AppError('NOT_ASSIGNED', 'This proposal is not assigned to you');
  const prior = await declarationOf(deps.db, reviewer.id, proposalId);
  if (prior && prior.conflict === input.conflict && prior.note === input.note) {
    return { declaration: prior, declined: [], changed: false };
  }
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const [declaration] = await tx
      .insert(schema.coiDeclarations)
      .values({
        callId: ctx.callId,
        reviewerId: reviewer.id,
        proposalId,
        conflict: input.conflict,
        note: input.note,
        declaredAt: now,
        declaredBy: actor.userId,
      })
      .onConflictDoUpdate({
        target: [schema.coiDeclarations.reviewerId, schema.coiDeclarations.proposalId],
        set: {
          conflict: input.conflict,
          note: input.note,
          declaredAt: now,
          declaredBy: actor.userId,
          revision: sql`${schema.coiDeclarations.revision} + 1`,
        },
      })
      .returning();
    await recordAudit(tx, {
      actor,
      action: prior ? 'evaluation.coi_declaration_changed' : 'evaluation.coi_declared',
      targetType: 'proposal',
      targetId: proposalId,
      details: {
        callId: ctx.callId,
        reviewerId: reviewer.id,
        before: prior ? { conflict: prior.conflict, note: prior.note, revision: prior.revision } : null,
        after: { conflict: input.conflict, note: input.note, revision: declaration!.revision },
      },
      at: now,
    });
    const declined: DeclineOutcome[] = [];
    if (input.conflict) {
      for (const row of pairRows.filter((r) => r.status === 'active')) {
        declined.push(
          await declineAndReplace(tx, deps, actor, ctx, row, {
            reason: 'conflict of interest declared',
            mode: 'apply',
            now,
          }),
        );
      }
    }
    return { declaration: declaration!, declined, changed: true };
  });
}
