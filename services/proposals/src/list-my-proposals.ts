import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { schema } from '@permed/db';
import { inZone, stageOf, type Stage } from '@permed/domain';
import type { Principal } from '@permed/http';
import type { ProposalState } from '@permed/workflow';
import { instantMs, submissionStage, type CallContext } from './call-context.ts';
import type { DbOrTx } from '@permed/db';
import type { ProposalsContext } from './deps.ts';
import { storedHeader } from './draft-schema.ts';

export interface NextDeadline {
  label: string;
  /** UTC instant. */
  at: string;
  callZone: string;
  inCallZone: string;
  zone: string;
  inZone: string;
}

/** The deadline that matters next for a proposal in this state, if it is still ahead. */
export function nextDeadline(
  call: CallContext,
  stage: 'pre-proposal' | 'full-proposal',
  state: ProposalState,
  now: Date,
): { label: string; stage: Stage } | null {
  const def = call.definition;
  let candidate: { label: string; stage: Stage } | undefined;
  if (state === 'draft' || state === 'submitted') {
    candidate = { label: `${stage} submission deadline`, stage: submissionStage(def, stage) };
  } else if (state === 'invited' || state === 'full-draft' || state === 'full-submitted') {
    const full = stageOf(def, 'full-proposal-submission');
    if (full) candidate = { label: 'full-proposal submission deadline', stage: full };
  } else if (state === 'under-review' || state === 'rebuttal') {
    const rebuttal = def.rebuttal.enabled ? stageOf(def, 'rebuttal') : undefined;
    if (rebuttal) candidate = { label: 'rebuttal deadline', stage: rebuttal };
  }
  if (!candidate || instantMs(candidate.stage.closesAt) <= now.getTime()) return null;
  return candidate;
}

/** The audit actions that change what a submission would contain. */
const draftEdits = [
  'proposal.header_updated',
  'proposal.partner_added',
  'proposal.partner_updated',
  'proposal.partner_removed',
  'proposal.document_uploaded',
];

/**
 * Of these proposals, those whose draft was edited after their latest submission. Read from the
 * audit trail (every edit and every submission is a row, in commit order by id), so a removed
 * partner counts as much as a changed one, which no row's updatedAt would show.
 */
export async function editedSinceSubmission(db: DbOrTx, proposalIds: string[]): Promise<Set<string>> {
  if (proposalIds.length === 0) return new Set();
  const e = schema.auditEvents;
  const edits = sql.join(
    draftEdits.map((a) => sql`${a}`),
    sql`, `,
  );
  const rows = await db
    .select({ id: e.targetId })
    .from(e)
    .where(and(eq(e.targetType, 'proposal'), inArray(e.targetId, proposalIds)))
    .groupBy(e.targetId)
    .having(
      sql`max(${e.id}) filter (where ${e.action} in (${edits})) > max(${e.id}) filter (where ${e.action} = 'proposal.submitted')`,
    );
  return new Set(rows.map((r) => r.id).filter((id): id is string => id !== null));
}

/** Every proposal the user belongs to, with its role, lifecycle state and next deadline. */
export async function listMyProposals(ctx: ProposalsContext, principal: Principal, zone: string | undefined) {
  const rows = await ctx.db
    .select({
      proposal: schema.proposals,
      role: schema.proposalMembers.role,
      partnerId: schema.proposalMembers.partnerId,
      state: schema.workflowInstances.state,
    })
    .from(schema.proposalMembers)
    .innerJoin(schema.proposals, eq(schema.proposals.id, schema.proposalMembers.proposalId))
    .innerJoin(
      schema.workflowInstances,
      and(
        eq(schema.workflowInstances.kind, 'proposal'),
        eq(schema.workflowInstances.subjectId, sql`${schema.proposals.id}::text`),
      ),
    )
    .where(eq(schema.proposalMembers.userId, principal.userId))
    .orderBy(asc(schema.proposals.createdAt));
  // Membership rows without the grant (removed members whose grant was revoked) are not shown.
  const granted = new Set(
    principal.grants
      .filter((g) => g.role === 'applicant' && g.scopeType === 'proposal')
      .map((g) => g.scopeId),
  );
  const now = ctx.clock.now();
  // The zone the request names, else the one the user chose (PATCH /api/auth/me), else the call's.
  zone ??= principal.timeZone ?? undefined;
  const edited = await editedSinceSubmission(
    ctx.db,
    rows.map((r) => r.proposal.id),
  );
  const out = [];
  for (const r of rows) {
    if (!granted.has(r.proposal.id)) continue;
    const call = await ctx.calls.current(ctx.db, r.proposal.callId);
    const state = r.state as ProposalState;
    const next = nextDeadline(call, r.proposal.stage, state, now);
    const header = storedHeader(r.proposal.draft);
    out.push({
      id: r.proposal.id,
      acronym: header.acronym,
      title: header.title,
      call: { slug: call.slug, title: call.definition.title, zone: call.definition.zone },
      stage: r.proposal.stage,
      state,
      role: r.role,
      partnerId: r.partnerId,
      nextDeadline: next
        ? {
            label: next.label,
            at: next.stage.closesAt.at,
            callZone: next.stage.closesAt.zone,
            inCallZone: inZone(next.stage.closesAt),
            zone: zone ?? next.stage.closesAt.zone,
            inZone: inZone(next.stage.closesAt, zone ?? next.stage.closesAt.zone),
          }
        : null,
      updatedAt: r.proposal.updatedAt.toISOString(),
      // Only a submitted proposal can have changes not yet submitted; a draft is all unsubmitted.
      changedSinceSubmission:
        (state === 'submitted' || state === 'full-submitted') && edited.has(r.proposal.id),
    });
  }
  return { serverTime: now.toISOString(), proposals: out };
}
