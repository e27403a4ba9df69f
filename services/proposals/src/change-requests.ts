import { and, desc, eq, inArray, or } from 'drizzle-orm';
import { formatAmount } from '@permed/allocation';
import { enqueueOutbox, recordAudit, schema, type DbOrTx } from '@permed/db';
import { proposalDocument, type ProposalDocument } from '@permed/domain';
import { AppError, hasScope, type Principal } from '@permed/http';
import { actorOf } from '@permed/service-kit';
import { contextFromCall, evaluateProposal, type Verdict } from '@permed/rules';
import { approvalCovers, changeReport, type ChangeReport } from './change-report.ts';
import type { ProposalsContext } from './deps.ts';
import { callOf, requireCoordinator, resolveProposalAccess } from './proposal-access.ts';
import { draftOf, lastVersionOfStage, listPartners, lockProposal } from './proposal-store.ts';

export type ChangeRequestRow = typeof schema.proposalChangeRequests.$inferSelect;

export interface ChangeReportView extends ChangeReport {
  baseline: { seq: number; submittedAt: string };
  approval: {
    status: 'not-needed' | 'missing' | 'pending' | 'approved' | 'rejected';
    requestId: string | null;
  };
  /** The eligibility pre-check of the full proposal as it stands (null while it is incomplete). */
  eligibility: Verdict | null;
}

function approvalOf(
  report: ChangeReport,
  requests: readonly ChangeRequestRow[],
): ChangeReportView['approval'] {
  if (!report.requiresApproval) return { status: 'not-needed', requestId: null };
  const forThis = requests.filter((r) => approvalCovers(report, r));
  const pick = (s: ChangeRequestRow['status']) => forThis.find((r) => r.status === s);
  const found = pick('approved') ?? pick('pending') ?? pick('rejected');
  return found ? { status: found.status, requestId: found.id } : { status: 'missing', requestId: null };
}

/** An amount for the call office's e-mail; a partner not in one version has none there. */
const money = (currency: string, amountMinor: number | null): string =>
  amountMinor === null ? '—' : formatAmount({ currency, amountMinor });

async function requestsOf(db: DbOrTx, proposalId: string): Promise<ChangeRequestRow[]> {
  return db
    .select()
    .from(schema.proposalChangeRequests)
    .where(eq(schema.proposalChangeRequests.proposalId, proposalId))
    .orderBy(desc(schema.proposalChangeRequests.requestedAt));
}

/**
 * The changes between the last pre-proposal version and the full-proposal draft, checked against
 * the call's rules at the full-proposal stage, and where the approval of a consortium change stands.
 */
export async function readChangeReport(
  ctx: ProposalsContext,
  principal: Principal,
  proposalId: string,
): Promise<ChangeReportView> {
  const access = await resolveProposalAccess(ctx.db, principal, proposalId);
  if (access.proposal.stage !== 'full-proposal') {
    throw new AppError(
      'CONFLICT',
      'The change report compares the full proposal with the pre-proposal; open the full proposal first',
    );
  }
  const base = await lastVersionOfStage(ctx.db, proposalId, 'pre-proposal');
  if (!base) throw new AppError('NOT_FOUND', 'No pre-proposal version to compare with');
  const call = await callOf(ctx, access);
  const draft = draftOf(access.proposal, await listPartners(ctx.db, proposalId));
  const report = changeReport(
    base.document as unknown as ProposalDocument,
    draft,
    call.definition.stageChanges,
  );
  const parsed = proposalDocument.safeParse(draft);
  return {
    ...report,
    baseline: { seq: base.seq, submittedAt: base.submittedAt.toISOString() },
    approval: approvalOf(report, await requestsOf(ctx.db, proposalId)),
    eligibility: parsed.success
      ? evaluateProposal(contextFromCall(call.eligibility, 'full-proposal', { proposalId }), parsed.data)
      : null,
  };
}

export async function listChangeRequests(ctx: ProposalsContext, principal: Principal, proposalId: string) {
  await resolveProposalAccess(ctx.db, principal, proposalId);
  return requestsOf(ctx.db, proposalId);
}

/**
 * The coordinator asks the call office to accept the consortium change as it stands now. The
 * request names the consortium by its hash; the call office of the call is told by e-mail.
 */
export async function requestChangeApproval(
  ctx: ProposalsContext,
  principal: Principal,
  proposalId: string,
  reason: string,
): Promise<ChangeRequestRow> {
  const access = await resolveProposalAccess(ctx.db, principal, proposalId);
  requireCoordinator(access, 'request approval of a consortium change');
  const view = await readChangeReport(ctx, principal, proposalId);
  if (!view.requiresApproval)
    throw new AppError('NO_CHANGE', 'Nothing the call asks to approve has changed; no approval is needed');
  if (view.approval.status === 'approved' || view.approval.status === 'pending') {
    throw new AppError('ALREADY_EXISTS', `A request for this consortium is already ${view.approval.status}`, {
      extensions: { requestId: view.approval.requestId },
    });
  }
  const now = ctx.clock.now();
  const actor = actorOf(principal);
  const { eligibility: _e, approval: _a, ...changes } = view;
  return ctx.db.transaction(async (tx) => {
    await lockProposal(tx, proposalId);
    const [row] = await tx
      .insert(schema.proposalChangeRequests)
      .values({
        proposalId,
        callId: access.proposal.callId,
        consortiumHash: view.consortiumHash,
        budgetsHash: view.budgetsHash,
        changes: changes,
        reason,
        status: 'pending',
        requestedAt: now,
        requestedBy: principal.userId,
      })
      .returning();
    await recordAudit(tx, {
      actor,
      action: 'proposal.change_requested',
      targetType: 'proposal',
      targetId: proposalId,
      details: {
        requestId: row!.id,
        approvalReasons: view.approvalReasons,
        consortiumHash: view.consortiumHash,
        budgetsHash: view.budgetsHash,
      },
      at: now,
    });
    const office = await tx
      .selectDistinct({ email: schema.users.email })
      .from(schema.roleGrants)
      .innerJoin(schema.users, eq(schema.users.id, schema.roleGrants.userId))
      .where(
        and(
          eq(schema.roleGrants.role, 'call-office'),
          or(
            and(
              eq(schema.roleGrants.scopeType, 'call'),
              eq(schema.roleGrants.scopeId, access.proposal.callId),
            ),
            eq(schema.roleGrants.scopeType, 'global'),
          ),
        ),
      );
    for (const o of office) {
      await enqueueOutbox(tx, {
        kind: 'mail',
        payload: {
          to: o.email,
          subject: `Full-proposal changes to approve: ${access.proposal.acronym}`,
          text: [
            `The coordinator of ${access.proposal.acronym} asks the call office to approve changes since the pre-proposal.`,
            `Needs approval: ${view.approvalReasons.join(', ')}`,
            `Added: ${view.partnersAdded.map((p) => `${p.id} (${p.organisation}, ${p.country})`).join(', ') || 'none'}`,
            `Removed: ${view.partnersRemoved.map((p) => `${p.id} (${p.organisation}, ${p.country})`).join(', ') || 'none'}`,
            `Coordinator: ${view.coordinatorChanged ? `${view.coordinatorChanged.from} → ${view.coordinatorChanged.to}` : 'unchanged'}`,
            `Budget totals: ${view.budget.totals.map((t) => `${money(t.currency, t.before)} → ${money(t.currency, t.after)}`).join('; ') || 'none'}`,
            ...view.budget.perPartner
              .filter((l) => l.change !== 0)
              .map((l) => `  ${l.partnerId}: ${money(l.currency, l.before)} → ${money(l.currency, l.after)}`),
            `Reason: ${reason}`,
          ].join('\n'),
        },
        at: now,
        dedupeKey: `change-request:${row!.id}:${o.email}`,
      });
    }
    return row!;
  });
}

/** The call office of the proposal's call approves or rejects a pending request. */
export async function decideChangeRequest(
  ctx: ProposalsContext,
  principal: Principal,
  proposalId: string,
  requestId: string,
  decision: { decision: 'approve' | 'reject'; comment?: string | undefined },
): Promise<ChangeRequestRow> {
  const [request] = await ctx.db
    .select({ request: schema.proposalChangeRequests, coordinator: schema.proposals.coordinatorUserId })
    .from(schema.proposalChangeRequests)
    .innerJoin(schema.proposals, eq(schema.proposals.id, schema.proposalChangeRequests.proposalId))
    .where(
      and(
        eq(schema.proposalChangeRequests.id, requestId),
        eq(schema.proposalChangeRequests.proposalId, proposalId),
      ),
    );
  // Another call's office learns nothing about the request.
  if (!request || !hasScope(principal, 'call-office', 'call', request.request.callId)) {
    throw new AppError('NOT_FOUND', 'No such change request');
  }
  const now = ctx.clock.now();
  const status = decision.decision === 'approve' ? 'approved' : 'rejected';
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(schema.proposalChangeRequests)
      .set({ status, decidedAt: now, decidedBy: principal.userId, decisionComment: decision.comment ?? null })
      .where(
        and(
          eq(schema.proposalChangeRequests.id, requestId),
          inArray(schema.proposalChangeRequests.status, ['pending']),
        ),
      )
      .returning();
    if (!row) throw new AppError('CONFLICT', `The request was already ${request.request.status}`);
    await recordAudit(tx, {
      actor: actorOf(principal),
      action: `proposal.change_${status}`,
      targetType: 'proposal',
      targetId: proposalId,
      details: {
        requestId,
        consortiumHash: row.consortiumHash,
        ...(decision.comment ? { comment: decision.comment } : {}),
      },
      at: now,
    });
    const [coordinator] = await tx
      .select({ email: schema.users.email })
      .from(schema.users)
      .where(eq(schema.users.id, request.coordinator));
    if (coordinator) {
      await enqueueOutbox(tx, {
        kind: 'mail',
        payload: {
          to: coordinator.email,
          subject: `Full-proposal changes ${status}`,
          text: `The call office ${status} the changes of your full proposal since the pre-proposal.${decision.comment ? `\n\nComment: ${decision.comment}` : ''}`,
        },
        at: now,
        dedupeKey: `change-decision:${requestId}`,
      });
    }
    return row;
  });
}
