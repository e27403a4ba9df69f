import { recordAudit, type Actor } from '@permed/db';
import { makeConverter } from '@permed/allocation';
import { budgetTotalMinor, type Money } from '@permed/domain';
import { invitationList, type InvitationList } from '@permed/evaluation';
import { AppError } from '@permed/http';
import { advanceWorkflow } from '@permed/service-kit';
import {
  requireStage,
  stageCriteriaOf,
  rankingCutoffs,
  type CallContext,
  type UseCaseDeps,
} from './evaluation-context.ts';
import { findFrozenList, frozenRanking, type FrozenEntry } from './frozen-ranking.ts';
import { listStageProposals } from './proposal-store.ts';

export interface InvitationInput {
  topN?: number | undefined;
  threshold?: number | undefined;
  /** Cap the requested budget of invited proposals at multiplier × the call's committed budget. */
  budgetCap: boolean;
  /** Overrides the call's invitationBudgetMultiplier. */
  multiplier?: number | undefined;
}

/**
 * The pre-proposal invitation list, walked down the frozen pre-proposal ranking (top N, an
 * invitation threshold, optionally the budget cap), and each proposal's lifecycle moved with
 * INVITE or NOT_INVITE in one transaction. Budgets are compared in the call's reporting currency
 * at its fixed exchange rates; own-funded partners request nothing.
 */
export async function decideInvitations(
  deps: UseCaseDeps,
  actor: Actor,
  ctx: CallContext,
  input: InvitationInput,
): Promise<InvitationList> {
  requireStage(ctx, 'pre-proposal');
  const frozen = await findFrozenList(deps.db, ctx.callId, 'pre-proposal');
  if (!frozen) throw new AppError('CONFLICT', 'Freeze the pre-proposal ranking list first');
  const cutoffs = rankingCutoffs(stageCriteriaOf(ctx.definition, 'pre-proposal'));
  const ranking = frozenRanking(frozen.stage, frozen.tieBreak, cutoffs, frozen.entries as FrozenEntry[]);
  const multiplier = input.multiplier ?? ctx.definition.evaluation.invitationBudgetMultiplier;
  if (input.budgetCap && multiplier === undefined) {
    throw new AppError('VALIDATION_FAILED', 'The call sets no invitation budget multiplier; give one', {
      errors: [{ in: 'body', path: '/multiplier', message: 'required for the budget cap' }],
    });
  }
  // The cap is computed exactly in hundredths of the multiplier (e.g. 2.5 or 3).
  if (
    input.budgetCap &&
    multiplier !== undefined &&
    Math.abs(multiplier * 100 - Math.round(multiplier * 100)) > 1e-9
  ) {
    throw new AppError('VALIDATION_FAILED', 'The multiplier may have at most two decimals', {
      errors: [{ in: 'body', path: '/multiplier', message: 'at most two decimals' }],
    });
  }
  let budgetCap: Parameters<typeof invitationList>[1]['budgetCap'];
  if (input.budgetCap && multiplier !== undefined) {
    const currency = ctx.definition.reportingCurrency;
    const convert = makeConverter(
      currency,
      ctx.definition.exchangeRates.map((r) => ({ currency: r.currency, perReportingUnit: r.rate })),
    );
    const sum = (amounts: Money[]) => amounts.reduce((a, m) => a + convert(m).amountMinor, 0);
    try {
      const documents = new Map(
        (await listStageProposals(deps.db, ctx.callId, 'pre-proposal')).map((p) => [p.id, p.document]),
      );
      const requestedBudgetByProposal = Object.fromEntries(
        ranking.entries.map((e) => {
          const partners = documents.get(e.proposalId)?.partners ?? [];
          const amounts = partners
            .filter((p) => p.funderId !== null)
            .map((p) => ({ amountMinor: budgetTotalMinor(p.budget), currency: p.budget.currency }));
          return [e.proposalId, { amountMinor: sum(amounts), currency }];
        }),
      );
      budgetCap = {
        requestedBudgetByProposal,
        availableBudget: { amountMinor: sum(ctx.definition.funders.map((f) => f.commitment)), currency },
        multiplier,
      };
    } catch (error) {
      if (error instanceof RangeError)
        throw new AppError('CONFLICT', `Budgets cannot be compared: ${error.message}`);
      throw error;
    }
  }
  const list = invitationList(ranking, {
    ...(input.topN === undefined ? {} : { topN: input.topN }),
    ...(input.threshold === undefined ? {} : { threshold: input.threshold }),
    ...(budgetCap ? { budgetCap } : {}),
  });
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    for (const id of list.invited) {
      await advanceWorkflow(tx, {
        kind: 'proposal',
        subjectId: id,
        event: { type: 'INVITE' },
        actor,
        at: now,
        callVersion: ctx.callVersion,
        payload: { rankingListId: frozen.id },
      });
    }
    for (const n of list.notInvited) {
      await advanceWorkflow(tx, {
        kind: 'proposal',
        subjectId: n.proposalId,
        event: { type: 'NOT_INVITE' },
        actor,
        at: now,
        callVersion: ctx.callVersion,
        payload: { rankingListId: frozen.id, reason: n.reason },
      });
    }
    await recordAudit(tx, {
      actor,
      action: 'evaluation.invitations_decided',
      targetType: 'ranking_list',
      targetId: frozen.id,
      details: {
        callId: ctx.callId,
        rankingHash: frozen.hash,
        options: {
          topN: input.topN ?? null,
          threshold: input.threshold ?? null,
          budgetCap: input.budgetCap,
          multiplier: multiplier ?? null,
        },
        invited: list.invited,
        notInvited: list.notInvited,
        requested: list.requested ?? null,
        cap: list.cap ?? null,
      },
      at: now,
    });
  });
  return list;
}
