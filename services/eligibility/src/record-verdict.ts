import { z } from 'zod';
import { recordAudit, schema, type Db } from '@permed/db';
import { AppError, requireScope, type Principal } from '@permed/http';
import { actorOf } from '@permed/service-kit';
import {
  checkedStage,
  loadPublishedCall,
  requireCallFunder,
  type CallProjectionCache,
} from './call-context.ts';
import { deriveOutcome, type DerivedOutcome } from './derive-outcome.ts';
import { requireFunderPartner } from './funder-partner.ts';
import { latestVerdicts, lockCallState, type VerdictRow } from './proposal-store.ts';

/** Why a funder finds a partner not eligible: a closed set, so that reports can count reasons. */
export const verdictReasonCodes = [
  'ORGANISATION_TYPE',
  'BUDGET_CAP',
  'TERRITORY',
  'DUPLICATE_APPLICATION',
  'MISSING_NATIONAL_APPLICATION',
  'PARTNER_LIMIT',
  'EXCLUDED_TOPIC',
  'DURATION',
  'OTHER',
] as const;
export const verdictReasonCode = z.enum(verdictReasonCodes);

export const verdictInput = z
  .object({
    verdict: z.enum(['eligible', 'not-eligible']),
    reasonCode: verdictReasonCode.nullable().optional().describe('Required when the verdict is not-eligible'),
    note: z.string().trim().max(4000).nullable().optional().describe('Required with reason OTHER'),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.verdict === 'not-eligible' && !v.reasonCode) {
      ctx.addIssue({
        code: 'custom',
        message: 'a not-eligible verdict needs a reason code',
        path: ['reasonCode'],
      });
    }
    if (v.reasonCode === 'OTHER' && !v.note) {
      ctx.addIssue({ code: 'custom', message: 'reason OTHER needs a note', path: ['note'] });
    }
  });
export type VerdictInput = z.infer<typeof verdictInput>;

/**
 * A funder officer records (or changes) its official verdict on one of its partners. Allowed only
 * while the call is in its eligibility check; each change is a new row (the latest counts) with
 * the call version and proposal version it was given on, audited in the same transaction.
 *
 * A partner of another funder answers 404 exactly like a partner that does not exist, so a direct
 * URL reveals nothing about other funders' partners.
 */
export async function recordVerdict(
  deps: { db: Db; cache: CallProjectionCache; now: Date },
  principal: Principal,
  args: { slug: string; funderId: string; proposalId: string; partnerId: string; input: VerdictInput },
): Promise<{ verdict: VerdictRow; previous: VerdictRow | null; outcome: DerivedOutcome }> {
  requireScope(principal, 'funder', 'funder', args.funderId);
  const call = await loadPublishedCall(deps.db, deps.cache, args.slug);
  requireCallFunder(call, args.funderId);
  const stage = checkedStage(call.definition);
  const { version, document } = await requireFunderPartner(deps.db, {
    callId: call.callId,
    stage,
    funderId: args.funderId,
    proposalId: args.proposalId,
    partnerId: args.partnerId,
  });
  const actor = actorOf(principal);
  const { input } = args;
  const { row, previous } = await deps.db.transaction(async (tx) => {
    const state = await lockCallState(tx, call.callId);
    if (state !== 'eligibility-check') {
      throw new AppError(
        'STAGE_NOT_OPEN',
        'Official verdicts can be recorded only while the call is in its eligibility check',
        { extensions: { currentState: state } },
      );
    }
    const [before] = await latestVerdicts(tx, {
      callId: call.callId,
      stage,
      proposalIds: [args.proposalId],
    }).then((rows) => rows.filter((r) => r.partnerId === args.partnerId));
    const [inserted] = await tx
      .insert(schema.officialVerdicts)
      .values({
        callId: call.callId,
        proposalId: args.proposalId,
        stage,
        partnerId: args.partnerId,
        funderId: args.funderId,
        verdict: input.verdict,
        reasonCode: input.reasonCode ?? null,
        note: input.note ? input.note : null,
        callVersion: call.version,
        proposalSeq: version.seq,
        recordedAt: deps.now,
        recordedBy: actor.userId,
        recordedByLabel: actor.label,
      })
      .returning();
    await recordAudit(tx, {
      actor,
      action: before ? 'eligibility.verdict_changed' : 'eligibility.verdict_recorded',
      targetType: 'proposal',
      targetId: args.proposalId,
      details: {
        stage,
        funderId: args.funderId,
        partnerId: args.partnerId,
        verdict: input.verdict,
        reasonCode: inserted!.reasonCode,
        callVersion: call.version,
        proposalSeq: version.seq,
        previous: before
          ? { verdict: before.verdict, reasonCode: before.reasonCode, verdictId: before.id }
          : null,
      },
      at: deps.now,
    });
    return { row: inserted!, previous: before?.funderId === args.funderId ? before : null };
  });
  const all = await latestVerdicts(deps.db, { callId: call.callId, stage, proposalIds: [args.proposalId] });
  return {
    verdict: row,
    previous,
    outcome: deriveOutcome(call.eligibilityCall, stage, args.proposalId, document, all),
  };
}
