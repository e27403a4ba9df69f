import { and, eq, ne } from 'drizzle-orm';
import { recordAudit, schema, type Actor, type DbOrTx } from '@permed/db';
import type { Conflict } from '@permed/evaluation';
import { detectStageConflicts } from './conflict-inputs.ts';
import {
  requireStage,
  type CallContext,
  type EvaluationStage,
  type UseCaseDeps,
} from './evaluation-context.ts';
import { acronymsOf, evaluatedStates, listStageProposals } from './proposal-store.ts';
import { storeDetections } from './store-detections.ts';

/**
 * Runs conflict detection for the whole pool (every expert not declined, so conflicts show before
 * anyone is invited) against the proposals evaluated at the stage, and stores the result.
 */
export async function refreshConflicts(
  deps: UseCaseDeps,
  actor: Actor,
  ctx: CallContext,
  stage: EvaluationStage,
): Promise<Conflict[]> {
  requireStage(ctx, stage);
  const proposals = await listStageProposals(deps.db, ctx.callId, stage, evaluatedStates[stage]);
  const reviewers = await deps.db
    .select()
    .from(schema.reviewers)
    .where(and(eq(schema.reviewers.callId, ctx.callId), ne(schema.reviewers.status, 'declined')));
  const conflicts = await detectStageConflicts(deps.db, ctx, reviewers, proposals);
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const stored = await storeDetections(
      tx,
      ctx.callId,
      proposals.map((p) => p.id),
      conflicts,
      now,
    );
    await recordAudit(tx, {
      actor,
      action: 'evaluation.conflicts_detected',
      targetType: 'call',
      targetId: ctx.callId,
      details: { stage, proposals: proposals.length, reviewers: reviewers.length, detected: stored },
      at: now,
    });
  });
  return conflicts;
}

export interface ConflictView {
  reviewerId: string;
  reviewerName: string;
  proposalId: string;
  acronym: string;
  source: 'detected' | 'declared';
  reason: string;
  message: string;
  facts: Record<string, unknown> | null;
  at: string;
}

/** Stored detections and the reviewers' declared conflicts of the call, for the call office. */
export async function listConflicts(db: DbOrTx, callId: string): Promise<ConflictView[]> {
  const detections = await db
    .select({ d: schema.coiDetections, name: schema.reviewers.name })
    .from(schema.coiDetections)
    .innerJoin(schema.reviewers, eq(schema.reviewers.id, schema.coiDetections.reviewerId))
    .where(eq(schema.coiDetections.callId, callId));
  const declarations = await db
    .select({ d: schema.coiDeclarations, name: schema.reviewers.name })
    .from(schema.coiDeclarations)
    .innerJoin(schema.reviewers, eq(schema.reviewers.id, schema.coiDeclarations.reviewerId))
    .where(and(eq(schema.coiDeclarations.callId, callId), eq(schema.coiDeclarations.conflict, true)));
  const acronyms = await acronymsOf(db, [
    ...new Set([...detections.map((x) => x.d.proposalId), ...declarations.map((x) => x.d.proposalId)]),
  ]);
  return [
    ...detections.map(({ d, name }) => ({
      reviewerId: d.reviewerId,
      reviewerName: name,
      proposalId: d.proposalId,
      acronym: acronyms.get(d.proposalId) ?? d.proposalId,
      source: 'detected' as const,
      reason: d.reason,
      message: d.message,
      facts: d.facts,
      at: d.detectedAt.toISOString(),
    })),
    ...declarations.map(({ d, name }) => ({
      reviewerId: d.reviewerId,
      reviewerName: name,
      proposalId: d.proposalId,
      acronym: acronyms.get(d.proposalId) ?? d.proposalId,
      source: 'declared' as const,
      reason: 'declared',
      message: d.note === '' ? 'Declared by the reviewer' : d.note,
      facts: null,
      at: d.declaredAt.toISOString(),
    })),
  ].sort(
    (a, b) =>
      a.reviewerName.localeCompare(b.reviewerName) ||
      a.acronym.localeCompare(b.acronym) ||
      a.reason.localeCompare(b.reason),
  );
}
