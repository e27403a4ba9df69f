import { sql } from 'drizzle-orm';
import { rankingListHash, recordAudit, schema, stepWorkflow, type Actor } from '@permed/db';
import { AppError } from '@permed/http';
import { advanceWorkflow } from '@permed/service-kit';
import { step, type ProposalEvent } from '@permed/workflow';
import { computeRanking } from './compute-ranking.ts';
import { isUniqueViolation } from './db-errors.ts';
import {
  requireStage,
  tieBreakName,
  type CallContext,
  type EvaluationStage,
  type UseCaseDeps,
} from './evaluation-context.ts';
import { findFrozenList, toFrozenEntry, type RankingListRow } from './frozen-ranking.ts';

export interface FreezeOutcome {
  list: RankingListRow;
  /** Proposals whose lifecycle took RANK, and those whose state does not accept it (left as they are). */
  ranked: string[];
  notRanked: { proposalId: string; state: string }[];
  callState: string | null;
}

/**
 * Freezes the stage's ranking list: once, immutable, hashed (rankingListHash over stage, tie-break,
 * cut-offs and the stored entries), naming the call version, audited. At the full stage the call
 * lifecycle takes FREEZE_RANKING with the hash (so the call must be in its panel stage) and each
 * ranked proposal takes RANK where its machine accepts it. Refused while any proposal still has
 * pending reviews and no consensus score.
 */
export async function freezeRanking(
  deps: UseCaseDeps,
  actor: Actor,
  ctx: CallContext,
  stage: EvaluationStage,
): Promise<FreezeOutcome> {
  requireStage(ctx, stage);
  const refuseFrozen = (row: RankingListRow | null) =>
    new AppError('RANKING_FROZEN', `The ${stage} ranking list is already frozen`, {
      extensions: row ? { rankingListId: row.id, hash: row.hash, frozenAt: row.frozenAt.toISOString() } : {},
    });
  const already = await findFrozenList(deps.db, ctx.callId, stage);
  if (already) throw refuseFrozen(already);
  try {
    return await deps.db.transaction(async (tx) => {
      // One freeze at a time per call: the second waits here, then finds the first one's list.
      await tx.execute(sql`select id from calls where id = ${ctx.callId} for update`);
      const existing = await findFrozenList(tx, ctx.callId, stage);
      if (existing) throw refuseFrozen(existing);
      const live = await computeRanking(tx, ctx, stage);
      if (live.incomplete.length > 0 || live.ranking.entries.length === 0) {
        throw new AppError(
          'RANKING_INCOMPLETE',
          live.ranking.entries.length === 0
            ? 'No proposal has a score to rank'
            : `${live.incomplete.length} proposal(s) still have pending reviews and no consensus score`,
          { extensions: { incomplete: live.incomplete } },
        );
      }
      const entries = live.ranking.entries.map((e) =>
        toFrozenEntry(e, live.scored.get(e.proposalId)!.acronym),
      );
      const tieBreak = live.ranking.tieBreak.map(tieBreakName);
      const hash = rankingListHash({ stage, tieBreak, entries });
      const now = deps.clock.now();
      const [list] = await tx
        .insert(schema.rankingLists)
        .values({
          callId: ctx.callId,
          stage,
          callVersion: ctx.callVersion,
          entries,
          tieBreak,
          hash,
          frozenAt: now,
          frozenBy: actor.userId,
          frozenByLabel: actor.label,
        })
        .returning();
      let callState: string | null = null;
      if (stage === 'full-proposal') {
        const stepped = await advanceWorkflow(tx, {
          kind: 'call',
          subjectId: ctx.callId,
          event: { type: 'FREEZE_RANKING', rankingHash: hash },
          actor,
          at: now,
          callVersion: ctx.callVersion,
        });
        callState = stepped.to;
      }
      const ranked: string[] = [];
      const notRanked: { proposalId: string; state: string }[] = [];
      // The pre-proposal stage has no RANK: its list leads to INVITE / NOT_INVITE instead.
      if (stage === 'full-proposal') {
        for (const e of entries) {
          const result = await stepWorkflow(tx, {
            kind: 'proposal',
            subjectId: e.proposalId,
            event: { type: 'RANK' },
            step: (snapshot, event) => step('proposal', snapshot as never, event as ProposalEvent),
            actor,
            at: now,
            callVersion: ctx.callVersion,
            payload: { rankingListId: list!.id, position: e.position, category: e.category },
          });
          if (result.ok) ranked.push(e.proposalId);
          else if (result.reason === 'not-accepted')
            notRanked.push({ proposalId: e.proposalId, state: result.currentState });
          else throw new AppError('CONFLICT', 'A proposal changed while the ranking was frozen; retry');
        }
      }
      await recordAudit(tx, {
        actor,
        action: 'evaluation.ranking_frozen',
        targetType: 'ranking_list',
        targetId: list!.id,
        details: {
          callId: ctx.callId,
          stage,
          callVersion: ctx.callVersion,
          hash,
          entries: entries.length,
          cutoffs: live.cutoffs,
          tieBreak,
          ranked: ranked.length,
          notRanked,
        },
        at: now,
      });
      return { list: list!, ranked, notRanked, callState };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw refuseFrozen(await findFrozenList(deps.db, ctx.callId, stage));
    throw error;
  }
}
