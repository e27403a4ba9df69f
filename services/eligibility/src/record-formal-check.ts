import { z } from 'zod';
import { recordAudit, schema, type Db } from '@permed/db';
import { proposalDocument } from '@permed/domain';
import { AppError, requireScope, type Principal } from '@permed/http';
import { actorOf } from '@permed/service-kit';
import { checkedStage, loadPublishedCall, type CallProjectionCache } from './call-context.ts';
import { formalCheckItems, type FormalItem } from './formal-check-items.ts';
import { latestVersions, lockCallState, type FormalCheckRow } from './proposal-store.ts';

export const formalCheckInput = z
  .object({
    result: z.enum(['passed', 'failed']),
    note: z.string().trim().max(4000).nullable().optional().describe('Required when the check failed'),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.result === 'failed' && !v.note) {
      ctx.addIssue({ code: 'custom', message: 'a failed formal check needs a note', path: ['note'] });
    }
  });
export type FormalCheckInput = z.infer<typeof formalCheckInput>;

/**
 * The call office records its formal check of a proposal's counted version, with the computed
 * completeness items it saw. Append-only; the latest row counts. Only during the eligibility check.
 */
export async function recordFormalCheck(
  deps: { db: Db; cache: CallProjectionCache; now: Date },
  principal: Principal,
  args: { slug: string; proposalId: string; input: FormalCheckInput },
): Promise<{ row: FormalCheckRow; items: FormalItem[] }> {
  const call = await loadPublishedCall(deps.db, deps.cache, args.slug);
  requireScope(principal, 'call-office', 'call', call.callId);
  const stage = checkedStage(call.definition);
  const [version] = await latestVersions(deps.db, {
    callId: call.callId,
    stage,
    proposalIds: [args.proposalId],
  });
  if (!version) throw new AppError('NOT_FOUND', `No submitted proposal ${args.proposalId} in this call`);
  const parsed = proposalDocument.safeParse(version.document);
  const items = formalCheckItems(
    call.definition,
    parsed.success ? parsed.data.abstract : null,
    version.documents,
  );
  const actor = actorOf(principal);
  const row = await deps.db.transaction(async (tx) => {
    const state = await lockCallState(tx, call.callId);
    if (state !== 'eligibility-check') {
      throw new AppError('STAGE_NOT_OPEN', 'Formal checks are recorded during the eligibility check', {
        extensions: { currentState: state },
      });
    }
    const [inserted] = await tx
      .insert(schema.formalChecks)
      .values({
        callId: call.callId,
        proposalId: args.proposalId,
        stage,
        proposalSeq: version.seq,
        callVersion: call.version,
        result: args.input.result,
        items: items as unknown as Array<Record<string, unknown>>,
        note: args.input.note ? args.input.note : null,
        recordedAt: deps.now,
        recordedBy: actor.userId,
        recordedByLabel: actor.label,
      })
      .returning();
    await recordAudit(tx, {
      actor,
      action: 'eligibility.formal_check_recorded',
      targetType: 'proposal',
      targetId: args.proposalId,
      details: {
        stage,
        result: args.input.result,
        proposalSeq: version.seq,
        callVersion: call.version,
        failedItems: items.filter((i) => !i.ok).map((i) => i.id),
      },
      at: deps.now,
    });
    return inserted!;
  });
  return { row, items };
}
