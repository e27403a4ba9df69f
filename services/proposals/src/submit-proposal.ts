import { and, eq, sql } from 'drizzle-orm';
import { canonicalHash, planWorkflowStep, schema, type DbOrTx, type Stepper } from '@permed/db';
import type { ProposalStage } from '@permed/domain';
import { AppError, type Principal } from '@permed/http';
import { actorOf } from '@permed/service-kit';
import type { OtherProposal } from '@permed/rules';
import { step, type EventOf, type ProposalState } from '@permed/workflow';
import { instantMs, submissionStage, type CallContext } from './call-context.ts';
import { approvalCovers, changeReport } from './change-report.ts';
import type { ProposalsContext } from './deps.ts';
import { draftDocument, storedHeader } from './draft-schema.ts';
import { deadlinePassed, windowRefusal } from './editing-window.ts';
import { resolveProposalAccess } from './proposal-access.ts';
import { requireEventRight, visibleEvents } from './proposal-actions.ts';
import { findVersion, type VersionRow } from './proposal-store.ts';
import { inCallZone, receiptOf, type ReceiptDocument, type SubmissionReceipt } from './receipt.ts';
import { lockForSubmission, readForSubmission, writeSubmission } from './submission-statements.ts';
import { needsOtherProposals, validateDraft } from './validate-draft.ts';

const { proposalVersions } = schema;

export const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,128}$/;

/** The latest submitted document of every other proposal of the call at this stage (one-proposal-per-PI). */
export async function otherProposalsOf(
  db: DbOrTx,
  callId: string,
  stage: ProposalStage,
  proposalId: string,
): Promise<OtherProposal[]> {
  const rows = await db
    .selectDistinctOn([proposalVersions.proposalId], {
      proposalId: proposalVersions.proposalId,
      document: proposalVersions.document,
    })
    .from(proposalVersions)
    .where(
      and(
        eq(proposalVersions.callId, callId),
        eq(proposalVersions.stage, stage),
        sql`${proposalVersions.proposalId} <> ${proposalId}`,
      ),
    )
    .orderBy(proposalVersions.proposalId, sql`${proposalVersions.seq} desc`);
  return rows.map((r) => {
    const doc = r.document as { acronym: string; partners: OtherProposal['partners'] };
    return { proposalId: r.proposalId, acronym: doc.acronym, partners: doc.partners };
  });
}

export interface SubmitResult {
  receipt: SubmissionReceipt;
  /** True when an earlier submission with the same Idempotency-Key is returned. */
  replayed: boolean;
}

/** The caller holds an applicant grant on this proposal (what a revocation removes). */
const holdsProposalGrant = (principal: Principal, proposalId: string): boolean =>
  principal.grants.some(
    (g) => g.role === 'applicant' && g.scopeType === 'proposal' && g.scopeId === proposalId,
  );

/** The answer every other route gives a caller that may not submit: 404 to strangers, 403 to the rest. */
async function requireSubmitter(ctx: ProposalsContext, principal: Principal, proposalId: string) {
  const access = await resolveProposalAccess(ctx.db, principal, proposalId);
  // SUBMIT and SUBMIT_FULL have the same right; readForSubmission's fast path takes the lock
  // only for that role (see submission-statements.ts).
  requireEventRight(access, 'SUBMIT', 'submit the proposal');
}

/** The lifecycle or the seq moved while this transaction waited for the lock: read again. */
class StaleRead extends Error {}

const stepProposal: Stepper = (snapshot, event) =>
  step('proposal', snapshot as never, event as EventOf<'proposal'>);

type Attempt =
  | { version: VersionRow; replayed: boolean; call: CallContext | null }
  /** The caller is not the proposal's coordinator (or there is no such proposal). */
  | null;

/**
 * Submits the draft as a new immutable version. In one transaction, with the proposal row locked:
 * replay an Idempotency-Key already used; check the window by the server clock; validate; insert
 * the version (canonical document + document hashes + content hash); step the lifecycle (SUBMIT or
 * SUBMIT_FULL); audit; queue the PDF receipt and the confirmation e-mail. The clock is read again
 * as the last step before COMMIT: a transaction that reaches it at or after the deadline rolls back,
 * so no version is ever committed at or after the deadline.
 *
 * A coordinator's submit sends no statement before its transaction: the grant is in the principal,
 * and the membership is checked by the locked read itself. So the database sees BEGIN, one read,
 * one write and COMMIT (see submission-statements.ts). Anyone else gets the same 404/403 as on
 * every other route of the proposal.
 */
export async function submitProposal(
  ctx: ProposalsContext,
  principal: Principal,
  proposalId: string,
  options: { idempotencyKey?: string | null; linkBase: string; publicBase: string },
): Promise<SubmitResult> {
  const idempotencyKey = options.idempotencyKey ?? null;
  if (idempotencyKey !== null && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
    throw new AppError('BAD_REQUEST', 'Idempotency-Key must be 1–128 characters of A–Z a–z 0–9 . _ : -', {
      errors: [{ in: 'headers', path: '/idempotency-key', message: 'invalid format' }],
    });
  }
  if (!holdsProposalGrant(principal, proposalId)) await requireSubmitter(ctx, principal, proposalId);
  const actor = actorOf(principal);

  const attempt = (retry: boolean) =>
    ctx.db.transaction(async (tx): Promise<Attempt> => {
      if (retry) await lockForSubmission(tx, { proposalId });
      const [read] = await readForSubmission(tx, { proposalId, userId: principal.userId, idempotencyKey });
      if (!read) return null;
      if (read.callVersion === null) throw new AppError('NOT_FOUND', 'No such proposal');
      if (read.replaySeq !== null) {
        const version = (await findVersion(tx, proposalId, read.replaySeq))!;
        return { version, replayed: true, call: null };
      }
      const state = read.state as ProposalState;
      const stage = read.stage;
      const eventType =
        state === 'draft' || state === 'submitted'
          ? ('SUBMIT' as const)
          : state === 'full-draft' || state === 'full-submitted'
            ? ('SUBMIT_FULL' as const)
            : null;
      // Cached per process; a first load runs on this transaction's connection (never a second one
      // from the pool, which a full pool could not give).
      const call = await ctx.calls.version(tx, read.callId, read.callVersion);
      const window = submissionStage(call.definition, stage);
      const now = ctx.clock.now();
      if (eventType === null) {
        // Past the deadline the call moves submitted proposals on (eligibility check, ...): the
        // reason this submit cannot happen is the deadline, and the client is told so, with it.
        // A withdrawn proposal could not be submitted whatever the clock says.
        if (state !== 'withdrawn' && now.getTime() >= instantMs(window.closesAt)) {
          throw deadlinePassed(window, now);
        }
        throw new AppError('INVALID_TRANSITION', `A proposal that is ${state} cannot be submitted`, {
          extensions: { currentState: state },
        });
      }
      const refusal = windowRefusal(window, now);
      if (refusal) throw refusal;

      const others = needsOtherProposals(call, true)
        ? await otherProposalsOf(tx, call.callId, stage, proposalId)
        : undefined;
      const draft = draftDocument(storedHeader(read.draft), read.partners);
      const report = validateDraft(draft, call, {
        stage,
        documents: read.documents,
        proposalId,
        ...(others ? { otherProposals: others } : {}),
      });
      if (report.blockingErrors > 0 || !report.document) {
        throw new AppError(
          'SUBMISSION_BLOCKED',
          `${report.blockingErrors} blocking error(s); see GET .../validation`,
          {
            errors: report.problems
              .filter((p) => p.level === 'error')
              .map((p) => ({ in: 'proposal', path: p.path, message: p.message, code: p.code })),
            extensions: { blockingErrors: report.blockingErrors },
          },
        );
      }
      if (eventType === 'SUBMIT_FULL' && read.baseline) {
        const changes = changeReport(read.baseline, draft, call.definition.stageChanges);
        if (changes.requiresApproval && !(read.approvals ?? []).some((a) => approvalCovers(changes, a))) {
          throw new AppError(
            'APPROVAL_REQUIRED',
            'The full proposal changed what the call asks the call office to approve; request its approval first',
            {
              extensions: {
                approvalReasons: changes.approvalReasons,
                partnersAdded: changes.partnersAdded.map((p) => p.id),
                partnersRemoved: changes.partnersRemoved.map((p) => p.id),
                coordinatorChanged: changes.coordinatorChanged,
              },
            },
          );
        }
      }

      const documents = read.documents;
      const contentHash = canonicalHash({ document: report.document, documents });
      const seq = read.lastSeq + 1;
      const version: VersionRow = {
        proposalId,
        seq,
        callId: call.callId,
        stage,
        callVersion: call.version,
        document: report.document,
        documents: documents as unknown as Record<string, unknown>[],
        contentHash,
        submittedAt: now,
        submittedBy: principal.userId,
        idempotencyKey,
      };
      const plan = planWorkflowStep(
        {
          id: read.instanceId,
          state: read.state,
          snapshot: read.snapshot,
          machineVersion: read.machineVersion,
          lockVersion: read.lockVersion,
          seq: read.seq,
          headHash: read.headHash,
        },
        {
          event: { type: eventType, blockingErrors: 0 },
          step: stepProposal,
          actor,
          at: now,
          callVersion: call.version,
          payload: { seq, contentHash },
        },
      );
      if (!plan.ok) {
        throw new AppError(
          'INVALID_TRANSITION',
          `${eventType} is not allowed in state ${plan.currentState}`,
          {
            extensions: {
              currentState: plan.currentState,
              allowedEvents: visibleEvents('coordinator', plan.allowedEvents),
              event: eventType,
            },
          },
        );
      }
      const at = now.toISOString();
      const t = plan.transition;
      const [written] = await writeSubmission(tx, {
        proposalId,
        seq,
        callId: call.callId,
        stage,
        callVersion: call.version,
        document: JSON.stringify(report.document),
        documents: JSON.stringify(documents),
        contentHash,
        at,
        userId: principal.userId,
        idempotencyKey,
        actorLabel: actor.label,
        instanceId: read.instanceId,
        lockVersion: read.lockVersion,
        toState: plan.to,
        snapshot: JSON.stringify(plan.snapshot),
        nextSeq: read.seq + 1,
        transitionSeq: t.seq,
        transitionActorUserId: t.actorUserId,
        transitionActorLabel: t.actorLabel,
        event: t.event,
        fromState: t.fromState,
        transitionAt: t.at.toISOString(),
        transitionPayload: JSON.stringify(t.payload),
        transitionCallVersion: t.callVersion,
        machineVersion: t.machineVersion,
        prevHash: t.prevHash,
        hash: t.hash,
        auditDetails: JSON.stringify({
          seq,
          stage,
          callVersion: call.version,
          contentHash,
          ...(idempotencyKey ? { idempotencyKey } : {}),
        }),
        receiptPayload: JSON.stringify({ proposalId, seq }),
        receiptKey: `receipt-pdf:${proposalId}:${seq}`,
        mailPayload: JSON.stringify(confirmationMail(principal.email, version, call, options.publicBase)),
        mailKey: `submitted-mail:${proposalId}:${seq}`,
      });
      if (written?.stepped !== 1) throw new StaleRead();
      // The last reading of the server clock before COMMIT decides: at or after the deadline, roll back.
      const end = ctx.clock.now();
      if (end.getTime() >= instantMs(window.closesAt)) throw deadlinePassed(window, end);
      return { version, replayed: false, call };
    });

  let result = await retryOnStaleRead(attempt);
  if (result === null) {
    // Not (or no longer) the coordinator: answer as every other route does. Should the access
    // check pass after all (the membership changed in between), try once more.
    await requireSubmitter(ctx, principal, proposalId);
    result = await retryOnStaleRead(attempt);
    if (result === null) throw new AppError('NOT_FOUND', 'No such proposal');
  }

  const versionCall =
    result.call ?? (await ctx.calls.version(ctx.db, result.version.callId, result.version.callVersion));
  return {
    receipt: receiptOf(
      result.version,
      { slug: versionCall.slug, zone: versionCall.definition.zone },
      { base: options.linkBase },
    ),
    replayed: result.replayed,
  };
}

/**
 * A concurrent submission of the same proposal won the race for a seq or an idempotency key (a
 * unique violation), or another change stepped the lifecycle first (StaleRead).
 */
function isStaleRead(error: unknown): boolean {
  if (error instanceof StaleRead) return true;
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    if ((e as { code?: unknown }).code === '23505') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

async function retryOnStaleRead<T>(run: (retry: boolean) => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await run(i > 1);
    } catch (error) {
      // The retry reads after the winner committed: it replays its receipt or takes the next seq.
      if (i >= attempts && error instanceof StaleRead) {
        throw new AppError('CONFLICT', 'Another change to this lifecycle committed first; reload and retry');
      }
      if (i >= attempts || !isStaleRead(error)) throw error;
    }
  }
}

function confirmationMail(
  to: string,
  version: Pick<
    VersionRow,
    'document' | 'documents' | 'seq' | 'stage' | 'submittedAt' | 'contentHash' | 'proposalId'
  >,
  call: CallContext,
  publicBase: string,
) {
  const doc = version.document as { acronym: string; title: string };
  const at = version.submittedAt.toISOString();
  const documents = (version.documents as unknown as ReceiptDocument[])
    .map((d) => `  - ${d.name} (${d.pages} pages, SHA-256 ${d.sha256})`)
    .join('\n');
  return {
    to,
    subject: `Received: ${doc.acronym} version ${version.seq} (${call.definition.title.slice(0, 80)})`,
    text: [
      `Your ${version.stage} ${doc.acronym} – ${doc.title} was received.`,
      '',
      `Version: ${version.seq}`,
      `Received: ${at} (UTC), ${inCallZone(at, call.definition.zone)} (${call.definition.zone})`,
      `Fingerprint (SHA-256): ${version.contentHash}`,
      documents ? `Documents:\n${documents}` : 'Documents: none',
      '',
      `Every version submitted before the deadline is kept; the last one counts.`,
      `PDF receipt: ${publicBase}/${version.proposalId}/versions/${version.seq}/receipt.pdf`,
    ].join('\n'),
  };
}
