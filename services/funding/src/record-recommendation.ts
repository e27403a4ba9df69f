import {
  canonicalHash,
  enqueueOutbox,
  rankingListHash,
  recordAudit,
  schema,
  type Actor,
  type Db,
} from '@permed/db';
import type { BudgetChange, TieRule } from '@permed/allocation';
import type { Clock } from '@permed/domain';
import { AppError } from '@permed/http';
import { advanceWorkflow } from '@permed/service-kit';
import { allocationInputOf, loadAllocationContext, runAllocation } from './compute-allocation.ts';
import { isUniqueViolation } from './errors.ts';
import { findRecommendation, type PublishedCall, type RecommendationRow } from './funding-store.ts';

export interface RecommendationArgs {
  ties: TieRule;
  /** Commitments the Steering Committee agreed to change before recommending (e.g. a top-up). */
  budgets?: BudgetChange[] | undefined;
  /** The hash of the ranking list the committee reviewed; refused if the frozen list differs. */
  rankingHash?: string | undefined;
  note?: string | undefined;
}

/**
 * Records the Call Steering Committee's recommendation, once per call: walks the frozen ranking list,
 * freezes everything the walk used (call version, ranking hash, budgets, settings, input and result)
 * as one snapshot with its own SHA-256, steps the call to national decisions and every proposal on
 * the list to recommended / not recommended, all in one transaction with its audit row. Funders with
 * a contact address are told by e-mail after commit.
 */
export async function recordRecommendation(
  deps: { db: Db; clock: Clock },
  actor: Actor,
  published: PublishedCall,
  args: RecommendationArgs,
): Promise<RecommendationRow> {
  const callId = published.call.id;
  const existing = await findRecommendation(deps.db, callId);
  if (existing) throw alreadyRecorded(existing);

  const context = await loadAllocationContext(deps.db, published);
  if (rankingListHash(context.ranking) !== context.ranking.hash) {
    // The list must be exactly the one the panel froze; a changed row is refused, not walked.
    throw new AppError('CONFLICT', 'The frozen ranking list does not match its hash');
  }
  if (args.rankingHash !== undefined && args.rankingHash !== context.ranking.hash) {
    throw new AppError('CONFLICT', 'The frozen ranking list is not the one you reviewed', {
      extensions: { rankingHash: context.ranking.hash },
    });
  }
  const notRanked = context.ranked.filter((r) => r.state !== 'ranked');
  if (notRanked.length > 0) {
    throw new AppError('CONFLICT', 'Every proposal on the list must be ranked before the recommendation', {
      extensions: {
        proposals: notRanked.map((r) => ({
          proposalId: r.entry.proposalId,
          acronym: r.entry.acronym,
          state: r.state,
        })),
      },
    });
  }

  const input = allocationInputOf(context, {
    ties: args.ties,
    ...(args.budgets ? { budgets: args.budgets } : {}),
  });
  const allocation = runAllocation(input);
  const now = deps.clock.now();
  const { definition, version } = published;
  const changed = new Map((args.budgets ?? []).map((b) => [b.funderId, b.commitment]));
  const snapshot = {
    callId,
    callSlug: definition.slug,
    callVersion: version.version,
    callDefinitionHash: version.definitionHash,
    rankingListId: context.ranking.id,
    rankingHash: context.ranking.hash,
    settings: {
      mode: allocation.mode,
      ties: allocation.ties,
      fundableCategories: allocation.fundableCategories,
      reportingCurrency: allocation.reportingCurrency,
      exchangeRates: input.exchangeRates ?? [],
    },
    budgets: definition.funders.map((f) => ({
      funderId: f.funderId,
      committedInCall: f.commitment,
      commitment: changed.get(f.funderId) ?? f.commitment,
    })),
    excluded: context.excluded,
    input,
    allocation,
    note: args.note ?? null,
    recordedAt: now.toISOString(),
    recordedBy: actor.label,
  };
  const hash = canonicalHash(snapshot);

  const row = await deps.db
    .transaction(async (tx) => {
      const [inserted] = await tx
        .insert(schema.fundingRecommendations)
        .values({
          callId,
          callVersion: version.version,
          rankingListId: context.ranking.id,
          rankingHash: context.ranking.hash,
          snapshot,
          hash,
          recordedAt: now,
          recordedBy: actor.userId,
          recordedByLabel: actor.label,
        })
        .returning();
      await advanceWorkflow(tx, {
        kind: 'call',
        subjectId: callId,
        event: { type: 'RECORD_RECOMMENDATION' },
        actor,
        at: now,
        callVersion: version.version,
        payload: { recommendationHash: hash, rankingHash: context.ranking.hash },
      });
      for (const p of allocation.proposals) {
        await advanceWorkflow(tx, {
          kind: 'proposal',
          subjectId: p.proposalId,
          event: { type: p.status === 'funded' ? 'RECOMMEND' : 'NOT_RECOMMEND' },
          actor,
          at: now,
          callVersion: version.version,
          payload: { recommendationHash: hash, status: p.status },
        });
      }
      await recordAudit(tx, {
        actor,
        action: 'funding.recommendation_recorded',
        targetType: 'call',
        targetId: callId,
        details: {
          hash,
          callVersion: version.version,
          rankingHash: context.ranking.hash,
          fundedCount: allocation.fundedCount,
          recommended: allocation.proposals.filter((p) => p.status === 'funded').map((p) => p.proposalId),
          budgetChanges: args.budgets ?? [],
          ties: args.ties,
        },
        at: now,
      });
      // Each funder with a contact address learns that its national decisions are due.
      const asking = new Map<string, number>();
      for (const r of context.ranked) {
        if (allocation.proposals.find((p) => p.proposalId === r.entry.proposalId)?.status !== 'funded')
          continue;
        for (const partner of r.document.partners) {
          if (partner.funderId) asking.set(partner.funderId, (asking.get(partner.funderId) ?? 0) + 1);
        }
      }
      for (const f of definition.funders) {
        const partners = asking.get(f.funderId);
        if (!f.contactEmail || !partners) continue;
        await enqueueOutbox(tx, {
          kind: 'mail',
          payload: {
            to: f.contactEmail,
            subject: `${definition.title}: funding recommendation recorded`,
            text:
              `The Call Steering Committee's recommendation for ${definition.title} is recorded ` +
              `(reference ${hash.slice(0, 12)}). ${partners} partner(s) funded by you are in recommended projects ` +
              'and await your national funding decision in the platform.',
          },
          at: now,
          dedupeKey: `funding:recommendation:${callId}:${f.funderId}`,
        });
      }
      return inserted!;
    })
    .catch(async (error: unknown) => {
      if (isUniqueViolation(error)) {
        const winner = await findRecommendation(deps.db, callId);
        if (winner) throw alreadyRecorded(winner);
      }
      throw error;
    });
  return row;
}

function alreadyRecorded(existing: RecommendationRow): AppError {
  return new AppError('ALREADY_EXISTS', 'The recommendation of this call is already recorded and frozen', {
    extensions: { hash: existing.hash, recordedAt: existing.recordedAt.toISOString() },
  });
}
