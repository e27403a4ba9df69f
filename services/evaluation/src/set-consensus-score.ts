import { sql } from 'drizzle-orm';
import { recordAudit, schema, type Actor } from '@permed/db';
import { AppError } from '@permed/http';
import {
  requireStage,
  stageCriteriaOf,
  type CallContext,
  type EvaluationStage,
  type UseCaseDeps,
} from './evaluation-context.ts';
import type { ScoreInput } from './inputs.ts';
import { findStageProposal } from './proposal-store.ts';
import { requireRankingOpen, requireValidScores, storedScores } from './review-rules.ts';

export type ConsensusRow = typeof schema.consensusScores.$inferSelect;

/**
 * The call office records the panel's consensus score for a proposal, with a justification; it
 * replaces the mean of the reviews in the ranking. Changes are audited with before and after.
 */
export async function setConsensusScore(
  deps: UseCaseDeps,
  actor: Actor,
  ctx: CallContext,
  args: { proposalId: string; stage: EvaluationStage; scores: ScoreInput[]; justification: string },
): Promise<ConsensusRow> {
  requireStage(ctx, args.stage);
  const proposal = await findStageProposal(deps.db, ctx.callId, args.proposalId, args.stage);
  if (!proposal)
    throw new AppError('NOT_FOUND', `No ${args.stage} version of ${args.proposalId} in this call`);
  const criteria = stageCriteriaOf(ctx.definition, args.stage);
  const scores = storedScores(args.scores);
  requireValidScores(criteria, scores, true);
  return deps.db.transaction(async (tx) => {
    await requireRankingOpen(tx, ctx.callId, args.stage);
    const now = deps.clock.now();
    const [before] = await tx
      .select()
      .from(schema.consensusScores)
      .where(
        sql`${schema.consensusScores.stage} = ${args.stage} and ${schema.consensusScores.proposalId} = ${args.proposalId}`,
      );
    const [row] = await tx
      .insert(schema.consensusScores)
      .values({
        callId: ctx.callId,
        stage: args.stage,
        proposalId: args.proposalId,
        scores,
        justification: args.justification,
        decidedAt: now,
        decidedBy: actor.userId,
        decidedByLabel: actor.label,
      })
      .onConflictDoUpdate({
        target: [schema.consensusScores.stage, schema.consensusScores.proposalId],
        set: {
          scores,
          justification: args.justification,
          decidedAt: now,
          decidedBy: actor.userId,
          decidedByLabel: actor.label,
          revision: sql`${schema.consensusScores.revision} + 1`,
        },
      })
      .returning();
    await recordAudit(tx, {
      actor,
      action: 'evaluation.consensus_set',
      targetType: 'proposal',
      targetId: args.proposalId,
      details: {
        callId: ctx.callId,
        stage: args.stage,
        before: before ? { scores: before.scores, justification: before.justification } : null,
        after: { scores, justification: args.justification },
      },
      at: now,
    });
    return row!;
  });
}
