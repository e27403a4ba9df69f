import { inArray } from 'drizzle-orm';
import { enqueueOutbox, recordAudit, schema, type Db } from '@permed/db';
import { proposalDocument } from '@permed/domain';
import { AppError, isAppError, requireScope, type Principal } from '@permed/http';
import { actorOf, advanceWorkflow } from '@permed/service-kit';
import type { ProposalEvent } from '@permed/workflow';
import {
  checkedStage,
  eligibilityStageClosed,
  loadPublishedCall,
  type CallProjectionCache,
} from './call-context.ts';
import { deriveOutcome } from './derive-outcome.ts';
import { latestFormalChecks, latestVerdicts, latestVersions, type VerdictRow } from './proposal-store.ts';

export interface AppliedOutcome {
  proposalId: string;
  acronym: string;
  outcome: 'eligible' | 'declined';
  event: 'DECLARE_ELIGIBLE' | 'DECLARE_INELIGIBLE';
  reason: string | null;
}

export interface ApplyOutcomesResult {
  applied: AppliedOutcome[];
  /** Still pending (a funder never answered and the stage was closed by override): left in eligibility-check. */
  skipped: { proposalId: string; acronym: string; reason: string; pendingPartners: string[] }[];
  failed: { proposalId: string; acronym: string; code: string; detail: string }[];
  /** Counted proposals that were not in eligibility-check (already decided, or never moved there). */
  notInCheck: number;
}

/**
 * After the eligibility stage closed, moves every proposal still in `eligibility-check` to its
 * outcome: DECLARE_INELIGIBLE when the recorded formal check failed or a funder found a partner not
 * eligible, DECLARE_ELIGIBLE when every partner asking for funding was found eligible. One transaction
 * per proposal (lifecycle step, audit row, e-mail to the coordinator through the outbox), so one
 * refusal does not hold back the others, and running it again only picks up what is left.
 */
export async function applyOutcomes(
  deps: { db: Db; cache: CallProjectionCache; now: Date },
  principal: Principal,
  args: { slug: string },
): Promise<ApplyOutcomesResult> {
  const call = await loadPublishedCall(deps.db, deps.cache, args.slug);
  requireScope(principal, 'call-office', 'call', call.callId);
  if (!eligibilityStageClosed(call.definition, call.state)) {
    throw new AppError('INVALID_TRANSITION', 'Close the eligibility check of the call first', {
      extensions: { currentState: call.state },
    });
  }
  const stage = checkedStage(call.definition);
  const [rows, verdicts, formal] = await Promise.all([
    latestVersions(deps.db, { callId: call.callId, stage }),
    latestVerdicts(deps.db, { callId: call.callId, stage }),
    latestFormalChecks(deps.db, { callId: call.callId, stage }),
  ]);
  const inCheck = rows.filter((r) => r.state === 'eligibility-check');
  const verdictsOf = new Map<string, VerdictRow[]>();
  for (const v of verdicts) verdictsOf.set(v.proposalId, [...(verdictsOf.get(v.proposalId) ?? []), v]);
  const formalOf = new Map(formal.map((f) => [f.proposalId, f]));
  const coordinatorIds = [...new Set(inCheck.map((r) => r.coordinatorUserId))];
  const users = coordinatorIds.length
    ? await deps.db
        .select({ id: schema.users.id, email: schema.users.email })
        .from(schema.users)
        .where(inArray(schema.users.id, coordinatorIds))
    : [];
  const emailOf = new Map(users.map((u) => [u.id, u.email]));
  const funderName = new Map(call.eligibilityCall.funders.map((f) => [f.id, f.acronym ?? f.name]));
  const actor = actorOf(principal);
  const title = call.definition.title;

  const result: ApplyOutcomesResult = {
    applied: [],
    skipped: [],
    failed: [],
    notInCheck: rows.length - inCheck.length,
  };
  for (const row of inCheck) {
    const parsed = proposalDocument.safeParse(row.document);
    const formalCheck = formalOf.get(row.proposalId);
    let event: ProposalEvent;
    let reason: string | null = null;
    if (formalCheck?.result === 'failed') {
      reason = `The formal check failed${formalCheck.note ? `: ${formalCheck.note}` : ''}`;
      event = { type: 'DECLARE_INELIGIBLE', reason };
    } else if (!parsed.success) {
      reason = 'The submitted document does not validate';
      event = { type: 'DECLARE_INELIGIBLE', reason };
    } else {
      const derived = deriveOutcome(
        call.eligibilityCall,
        stage,
        row.proposalId,
        parsed.data,
        verdictsOf.get(row.proposalId) ?? [],
      );
      if (derived.outcome === 'declined') {
        reason = derived.declinedBy
          .map(
            (d) =>
              `${funderName.get(d.funderId) ?? d.funderId} found partner ${d.partnerId} not eligible${d.reason ? ` (${d.reason})` : ''}`,
          )
          .join('; ');
        event = { type: 'DECLARE_INELIGIBLE', reason };
      } else if (derived.outcome === 'pending') {
        result.skipped.push({
          proposalId: row.proposalId,
          acronym: row.acronym,
          reason: 'official verdicts are missing',
          pendingPartners: derived.pendingPartners.map((p) => p.partnerId),
        });
        continue;
      } else {
        event = { type: 'DECLARE_ELIGIBLE', pendingVerdicts: 0, ineligibleVerdicts: 0 };
      }
    }
    const outcome = event.type === 'DECLARE_ELIGIBLE' ? 'eligible' : 'declined';
    try {
      await deps.db.transaction(async (tx) => {
        await advanceWorkflow(tx, {
          kind: 'proposal',
          subjectId: row.proposalId,
          event,
          actor,
          at: deps.now,
          callVersion: call.version,
        });
        // In a single-stage call the review follows the eligibility check directly: the call is
        // already in its review stage, so an eligible proposal goes on to review at once.
        if (
          outcome === 'eligible' &&
          call.definition.twoStage === false &&
          call.state === 'full-proposal-review'
        ) {
          await advanceWorkflow(tx, {
            kind: 'proposal',
            subjectId: row.proposalId,
            event: { type: 'START_REVIEW' },
            actor,
            at: deps.now,
            callVersion: call.version,
          });
        }
        await recordAudit(tx, {
          actor,
          action: 'eligibility.outcome_applied',
          targetType: 'proposal',
          targetId: row.proposalId,
          details: {
            stage,
            outcome,
            event: event.type,
            reason,
            callVersion: call.version,
            proposalSeq: row.seq,
          },
          at: deps.now,
        });
        const to = emailOf.get(row.coordinatorUserId);
        if (to) {
          await enqueueOutbox(tx, {
            kind: 'mail',
            payload: {
              to,
              subject: `${row.acronym}: outcome of the eligibility check`,
              text:
                outcome === 'eligible'
                  ? `Your ${stage} ${row.acronym} in "${title}" passed the eligibility check and goes on to evaluation.`
                  : `Your ${stage} ${row.acronym} in "${title}" is not eligible and is declined without review.\n\nReason: ${reason}`,
            },
            at: deps.now,
            dedupeKey: `eligibility-outcome:${row.proposalId}:${stage}`,
          });
        }
      });
      result.applied.push({
        proposalId: row.proposalId,
        acronym: row.acronym,
        outcome,
        event: event.type,
        reason,
      });
    } catch (error) {
      if (!isAppError(error) || error.status !== 409) throw error;
      result.failed.push({
        proposalId: row.proposalId,
        acronym: row.acronym,
        code: error.code,
        detail: error.message,
      });
    }
  }
  return result;
}
