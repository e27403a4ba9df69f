import { and, eq, sql } from 'drizzle-orm';
import { canonicalHash, enqueueOutbox, recordAudit, schema, type DbOrTx } from '@permed/db';
import type { Partner, ProposalStage } from '@permed/domain';
import { AppError, type Principal } from '@permed/http';
import { actorOf, advanceWorkflow } from '@permed/service-kit';
import type { OtherProposal } from '@permed/rules';
import type { ProposalState } from '@permed/workflow';
import { instantMs, submissionStage, type CallContext } from './call-context.ts';
import { changeReport } from './change-report.ts';
import type { ProposalsContext } from './deps.ts';
import { draftDocument, storedHeader } from './draft-schema.ts';
import { deadlinePassed, stageNotOpen } from './editing-window.ts';
import { callOf, requireCoordinator, resolveProposalAccess } from './proposal-access.ts';
import { findVersion, type VersionRow } from './proposal-store.ts';
import { inCallZone, receiptOf, type ReceiptDocument, type SubmissionReceipt } from './receipt.ts';
import { needsOtherProposals, validateDraft } from './validate-draft.ts';

const {
  proposals,
  proposalPartners,
  proposalDocuments,
  proposalVersions,
  proposalChangeRequests,
  workflowInstances,
} = schema;

export const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The draft, its documents and what a submission must know, read in ONE statement that also takes
 * the proposal's row lock: one snapshot, so the version cannot mix a section from before a
 * concurrent write with a header from after it. If the lock had to wait for another submission of
 * the same proposal, the subqueries may predate it; the version's primary key and the idempotency
 * key's unique index then refuse the insert and the whole transaction is retried (see below).
 */
async function readForSubmission(tx: DbOrTx, proposalId: string, idempotencyKey: string | null) {
  const p = proposals;
  const [row] = await tx
    .select({
      draft: p.draft,
      stage: p.stage,
      state: workflowInstances.state,
      partners: sql<
        Partner[]
      >`(select coalesce(json_agg(${proposalPartners.section} order by ${proposalPartners.position}, ${proposalPartners.partnerId}), '[]'::json) from ${proposalPartners} where ${proposalPartners.proposalId} = ${p.id})`,
      documents: sql<
        ReceiptDocument[]
      >`(select coalesce(json_agg(json_build_object('kind', ${proposalDocuments.kind}, 'name', ${proposalDocuments.fileName}, 'sha256', ${proposalDocuments.sha256}, 'bytes', ${proposalDocuments.bytes}, 'pages', ${proposalDocuments.pages}) order by ${proposalDocuments.kind}), '[]'::json) from ${proposalDocuments} where ${proposalDocuments.proposalId} = ${p.id} and ${proposalDocuments.stage} = ${p.stage})`,
      lastSeq: sql<number>`(select coalesce(max(${proposalVersions.seq}), 0)::int from ${proposalVersions} where ${proposalVersions.proposalId} = ${p.id})`,
      replaySeq: idempotencyKey
        ? sql<
            number | null
          >`(select ${proposalVersions.seq} from ${proposalVersions} where ${proposalVersions.proposalId} = ${p.id} and ${proposalVersions.idempotencyKey} = ${idempotencyKey})`
        : sql<null>`null::int`,
      // Only a full proposal is compared with the pre-proposal it follows.
      baseline: sql<{
        partners: Partner[];
      } | null>`(case when ${p.stage} = 'full-proposal' then (select ${proposalVersions.document} from ${proposalVersions} where ${proposalVersions.proposalId} = ${p.id} and ${proposalVersions.stage} = 'pre-proposal' order by ${proposalVersions.seq} desc limit 1) end)`,
      approvedConsortia: sql<
        string[] | null
      >`(case when ${p.stage} = 'full-proposal' then (select json_agg(${proposalChangeRequests.consortiumHash}) from ${proposalChangeRequests} where ${proposalChangeRequests.proposalId} = ${p.id} and ${proposalChangeRequests.status} = 'approved') end)`,
    })
    .from(p)
    .innerJoin(
      workflowInstances,
      and(eq(workflowInstances.kind, 'proposal'), eq(workflowInstances.subjectId, sql`${p.id}::text`)),
    )
    .where(eq(p.id, proposalId))
    .for('update', { of: p });
  if (!row) throw new AppError('NOT_FOUND', 'No such proposal');
  return { ...row, state: row.state as ProposalState };
}

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

/**
 * Submits the draft as a new immutable version. In one transaction, with the proposal row locked:
 * replay an Idempotency-Key already used; check the window by the server clock; validate; insert
 * the version (canonical document + document hashes + content hash); step the lifecycle (SUBMIT or
 * SUBMIT_FULL); audit; queue the PDF receipt and the confirmation e-mail. The clock is read again
 * as the last step before COMMIT: a transaction that reaches it at or after the deadline rolls back,
 * so no version is ever committed at or after the deadline.
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
  const access = await resolveProposalAccess(ctx.db, principal, proposalId);
  requireCoordinator(access, 'submit the proposal');
  const call = await callOf(ctx, access);
  const others =
    needsOtherProposals(call, true) && access.proposal.stage
      ? await otherProposalsOf(ctx.db, call.callId, access.proposal.stage, proposalId)
      : undefined;
  const actor = actorOf(principal);

  const attempt = (retry: boolean) =>
    ctx.db.transaction(async (tx) => {
      // A retry takes the lock in a statement of its own first, so that its read is fresh.
      if (retry)
        await tx
          .select({ id: proposals.id })
          .from(proposals)
          .where(eq(proposals.id, proposalId))
          .for('update');
      const read = await readForSubmission(tx, proposalId, idempotencyKey);
      if (read.replaySeq !== null) {
        const version = (await findVersion(tx, proposalId, read.replaySeq))!;
        return { version, replayed: true as const, call: null };
      }
      const stage = read.stage;
      const eventType =
        read.state === 'draft' || read.state === 'submitted'
          ? ('SUBMIT' as const)
          : read.state === 'full-draft' || read.state === 'full-submitted'
            ? ('SUBMIT_FULL' as const)
            : null;
      if (eventType === null) {
        throw new AppError('INVALID_TRANSITION', `A proposal that is ${read.state} cannot be submitted`, {
          extensions: { currentState: read.state },
        });
      }
      const window = submissionStage(call.definition, stage);
      const now = ctx.clock.now();
      if (now.getTime() < instantMs(window.opensAt)) throw stageNotOpen(window, now);
      if (now.getTime() >= instantMs(window.closesAt)) throw deadlinePassed(window, now);

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
        const changes = changeReport(read.baseline, draft);
        if (changes.requiresApproval && !(read.approvedConsortia ?? []).includes(changes.consortiumHash)) {
          throw new AppError(
            'APPROVAL_REQUIRED',
            'The consortium changed since the pre-proposal; request the call office’s approval first',
            {
              extensions: {
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
      const values = {
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
      // The writes do not depend on each other, so they are sent together: postgres.js pipelines
      // statements issued in the same tick on the transaction's connection (one round trip instead
      // of five). All or nothing still holds: any failure aborts the whole transaction.
      const [[version]] = await Promise.all([
        tx.insert(proposalVersions).values(values).returning(),
        advanceWorkflow(tx, {
          kind: 'proposal',
          subjectId: proposalId,
          event: { type: eventType, blockingErrors: 0 },
          actor,
          at: now,
          callVersion: call.version,
          payload: { seq, contentHash },
        }),
        recordAudit(tx, {
          actor,
          action: 'proposal.submitted',
          targetType: 'proposal',
          targetId: proposalId,
          details: {
            seq,
            stage,
            callVersion: call.version,
            contentHash,
            ...(idempotencyKey ? { idempotencyKey } : {}),
          },
          at: now,
        }),
        enqueueOutbox(tx, {
          kind: 'receipt-pdf',
          payload: { proposalId, seq },
          at: now,
          dedupeKey: `receipt-pdf:${proposalId}:${seq}`,
        }),
        enqueueOutbox(tx, {
          kind: 'mail',
          payload: confirmationMail(principal.email, values, call, options.publicBase),
          at: now,
          dedupeKey: `submitted-mail:${proposalId}:${seq}`,
        }),
      ]);
      // The last reading of the server clock before COMMIT decides: at or after the deadline, roll back.
      const end = ctx.clock.now();
      if (end.getTime() >= instantMs(window.closesAt)) throw deadlinePassed(window, end);
      return { version: version!, replayed: false as const, call };
    });
  const result = await retryOnUniqueViolation(attempt);

  const versionCall =
    result.call ?? (await ctx.calls.version(ctx.db, call.callId, result.version.callVersion));
  return {
    receipt: receiptOf(
      result.version,
      { slug: versionCall.slug, zone: versionCall.definition.zone },
      { base: options.linkBase },
    ),
    replayed: result.replayed,
  };
}

/** A concurrent submission of the same proposal won the race for a seq or an idempotency key. */
function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    if ((e as { code?: unknown }).code === '23505') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

async function retryOnUniqueViolation<T>(run: (retry: boolean) => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await run(i > 1);
    } catch (error) {
      // The retry reads after the winner committed: it replays its receipt or takes the next seq.
      if (i >= attempts || !isUniqueViolation(error)) throw error;
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
