import { and, eq } from 'drizzle-orm';
import { recordAudit, schema, type Db } from '@permed/db';
import type { ProposalStage } from '@permed/domain';
import { AppError, requireScope, type Principal } from '@permed/http';
import { actorOf } from '@permed/service-kit';
import {
  checkedStage,
  loadPublishedCall,
  requireCallFunder,
  type CallProjectionCache,
} from './call-context.ts';
import { latestVerdicts, lockCallState, versionIndex } from './proposal-store.ts';

const { funderCheckCompletions } = schema;

/**
 * A funder declares its national check of the checked stage finished. Only while the call is in
 * its eligibility check, and only once every one of its partners has a verdict (409 VERDICTS_PENDING
 * lists the missing ones). Declaring twice is harmless: the first declaration stands.
 */
export async function markFunderDone(
  deps: { db: Db; cache: CallProjectionCache; now: Date },
  principal: Principal,
  args: { slug: string; funderId: string },
): Promise<{ stage: ProposalStage; at: Date; by: string; alreadyDone: boolean; partners: number }> {
  requireScope(principal, 'funder', 'funder', args.funderId);
  const call = await loadPublishedCall(deps.db, deps.cache, args.slug);
  requireCallFunder(call, args.funderId);
  const stage = checkedStage(call.definition);
  const actor = actorOf(principal);
  return deps.db.transaction(async (tx) => {
    const state = await lockCallState(tx, call.callId);
    if (state !== 'eligibility-check') {
      throw new AppError('STAGE_NOT_OPEN', 'The eligibility check of this call is not open', {
        extensions: { currentState: state },
      });
    }
    const [existing] = await tx
      .select()
      .from(funderCheckCompletions)
      .where(
        and(
          eq(funderCheckCompletions.callId, call.callId),
          eq(funderCheckCompletions.stage, stage),
          eq(funderCheckCompletions.funderId, args.funderId),
        ),
      );
    const index = await versionIndex(tx, { callId: call.callId, stage });
    const own = index.flatMap((row) =>
      row.funderIds.flatMap((f, i) =>
        f === args.funderId ? [{ proposalId: row.proposalId, partnerId: row.partnerIds[i]! }] : [],
      ),
    );
    if (existing) {
      return {
        stage,
        at: existing.doneAt,
        by: existing.doneByLabel,
        alreadyDone: true,
        partners: own.length,
      };
    }
    const verdicts = await latestVerdicts(tx, { callId: call.callId, stage, funderId: args.funderId });
    const have = new Set(verdicts.map((v) => `${v.proposalId}/${v.partnerId}`));
    const missing = own.filter((p) => !have.has(`${p.proposalId}/${p.partnerId}`));
    if (missing.length > 0) {
      throw new AppError(
        'VERDICTS_PENDING',
        `${missing.length} of your ${own.length} partners still need an official verdict`,
        { extensions: { pendingCount: missing.length, pending: missing.slice(0, 100) } },
      );
    }
    await tx.insert(funderCheckCompletions).values({
      callId: call.callId,
      stage,
      funderId: args.funderId,
      callVersion: call.version,
      doneAt: deps.now,
      doneBy: actor.userId,
      doneByLabel: actor.label,
    });
    await recordAudit(tx, {
      actor,
      action: 'eligibility.funder_check_done',
      targetType: 'call',
      targetId: call.callId,
      details: { stage, funderId: args.funderId, partners: own.length, callVersion: call.version },
      at: deps.now,
    });
    return { stage, at: deps.now, by: actor.label, alreadyDone: false, partners: own.length };
  });
}
