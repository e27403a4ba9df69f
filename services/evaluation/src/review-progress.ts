import { and, eq } from 'drizzle-orm';
import { schema, type DbOrTx } from '@permed/db';
import { lastAppliedSettings, settingsOf } from './assignment-problem.ts';
import { reviewDeadline, type CallContext, type EvaluationStage } from './evaluation-context.ts';
import { acronymsOf } from './proposal-store.ts';

export type PairStatus = 'assigned' | 'draft' | 'submitted' | 'late' | 'declined' | 'removed';

export interface ReviewProgress {
  stage: EvaluationStage;
  deadline: string | null;
  serverTime: string;
  reviewersPerProposal: number;
  proposals: {
    proposalId: string;
    acronym: string;
    assigned: number;
    submitted: number;
    short: boolean;
    reviewers: {
      assignmentId: string;
      reviewerId: string;
      name: string;
      status: PairStatus;
      reason: string | null;
    }[];
  }[];
  reviewers: {
    reviewerId: string;
    name: string;
    email: string;
    country: string;
    poolStatus: string;
    confidentialityAccepted: boolean;
    assigned: number;
    declined: number;
    draft: number;
    submitted: number;
    pending: number;
    late: number;
  }[];
}

/**
 * Where the reviews of a stage stand, per proposal and per reviewer, for the call office: what is
 * assigned, declined, in draft, submitted, and late (not submitted when the deadline has passed).
 */
export async function reviewProgress(
  db: DbOrTx,
  ctx: CallContext,
  stage: EvaluationStage,
  now: Date,
): Promise<ReviewProgress> {
  const reviewers = await db.select().from(schema.reviewers).where(eq(schema.reviewers.callId, ctx.callId));
  const accepted = await db
    .select({ reviewerId: schema.confidentialityAcceptances.reviewerId })
    .from(schema.confidentialityAcceptances)
    .where(eq(schema.confidentialityAcceptances.callId, ctx.callId));
  const confidential = new Set(accepted.map((a) => a.reviewerId));
  const rows = await db
    .select({ assignment: schema.assignments, reviewStatus: schema.reviews.status })
    .from(schema.assignments)
    .leftJoin(
      schema.reviews,
      and(
        eq(schema.reviews.stage, schema.assignments.stage),
        eq(schema.reviews.proposalId, schema.assignments.proposalId),
        eq(schema.reviews.reviewerId, schema.assignments.reviewerId),
      ),
    )
    .where(and(eq(schema.assignments.callId, ctx.callId), eq(schema.assignments.stage, stage)));
  const deadline = reviewDeadline(ctx.definition, stage);
  const overdue = deadline !== null && now.getTime() >= deadline.getTime();
  const statusOf = (r: (typeof rows)[number]): PairStatus => {
    if (r.assignment.status !== 'active') return r.assignment.status;
    if (r.reviewStatus === 'submitted') return 'submitted';
    if (overdue) return 'late';
    return r.reviewStatus === 'draft' ? 'draft' : 'assigned';
  };
  const names = new Map(reviewers.map((r) => [r.id, r.name]));
  const acronyms = await acronymsOf(db, [...new Set(rows.map((r) => r.assignment.proposalId))]);
  const k = settingsOf(ctx, await lastAppliedSettings(db, ctx.callId, stage)).reviewersPerProposal;
  const byProposal = new Map<string, (typeof rows)[number][]>();
  for (const r of rows)
    byProposal.set(r.assignment.proposalId, [...(byProposal.get(r.assignment.proposalId) ?? []), r]);
  return {
    stage,
    deadline: deadline?.toISOString() ?? null,
    serverTime: now.toISOString(),
    reviewersPerProposal: k,
    proposals: [...byProposal.entries()]
      .map(([proposalId, list]) => {
        const assigned = list.filter((r) => r.assignment.status === 'active').length;
        return {
          proposalId,
          acronym: acronyms.get(proposalId) ?? proposalId,
          assigned,
          submitted: list.filter((r) => statusOf(r) === 'submitted').length,
          short: assigned < k,
          reviewers: list.map((r) => ({
            assignmentId: r.assignment.id,
            reviewerId: r.assignment.reviewerId,
            name: names.get(r.assignment.reviewerId) ?? '',
            status: statusOf(r),
            reason: r.assignment.reason,
          })),
        };
      })
      .sort((a, b) => a.acronym.localeCompare(b.acronym) || a.proposalId.localeCompare(b.proposalId)),
    reviewers: reviewers
      .map((rev) => {
        const mine = rows.filter((r) => r.assignment.reviewerId === rev.id).map(statusOf);
        const count = (s: PairStatus) => mine.filter((x) => x === s).length;
        return {
          reviewerId: rev.id,
          name: rev.name,
          email: rev.email,
          country: rev.country,
          poolStatus: rev.status,
          confidentialityAccepted: confidential.has(rev.id),
          assigned: mine.filter((s) => s !== 'declined' && s !== 'removed').length,
          declined: count('declined'),
          draft: count('draft'),
          submitted: count('submitted'),
          pending: count('assigned') + count('draft'),
          late: count('late'),
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name) || a.reviewerId.localeCompare(b.reviewerId)),
  };
}
