import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { schema, type DbOrTx } from '@permed/db';
import type { RankingEntry } from '@permed/db/schema';
import { proposalDocument, type ProposalDocument } from '@permed/domain';
import { AppError, requireScope, type Principal } from '@permed/http';
import { requirePublishedCall } from '@permed/calls-service';

const { proposalVersions, workflowInstances, rankingLists, funders, fundingRecommendations } = schema;

export type PublishedCall = Awaited<ReturnType<typeof requirePublishedCall>>;
export type RankingListRow = typeof rankingLists.$inferSelect;
export type RecommendationRow = typeof fundingRecommendations.$inferSelect;
export type FunderRow = typeof funders.$inferSelect;

/** The published call, for a call-office user of that call (or a global one). */
export async function requireCallOffice(
  db: DbOrTx,
  principal: Principal,
  slug: string,
): Promise<PublishedCall> {
  const published = await requirePublishedCall(db, slug);
  requireScope(principal, 'call-office', 'call', published.call.id);
  return published;
}

export async function findFrozenRanking(db: DbOrTx, callId: string): Promise<RankingListRow | null> {
  const [row] = await db
    .select()
    .from(rankingLists)
    .where(and(eq(rankingLists.callId, callId), eq(rankingLists.stage, 'full-proposal')));
  return row ?? null;
}

/** The frozen full-proposal ranking list: funding walks nothing else. */
export async function requireFrozenRanking(db: DbOrTx, callId: string): Promise<RankingListRow> {
  const row = await findFrozenRanking(db, callId);
  if (!row) {
    throw new AppError('STAGE_NOT_OPEN', 'The full-proposal ranking list is not frozen yet', {
      extensions: { missing: 'ranking-list' },
    });
  }
  return row;
}

export interface SubmittedVersion {
  proposalId: string;
  seq: number;
  stage: 'pre-proposal' | 'full-proposal';
  document: ProposalDocument;
  contentHash: string;
  submittedAt: Date;
}

/**
 * The version of each proposal that counts at a stage: the last one submitted (the proposals
 * service refuses submissions after the deadline, so the last is the last before it). Versions whose
 * document does not parse are reported, never silently dropped.
 */
export async function latestVersions(
  db: DbOrTx,
  callId: string,
  stage: 'pre-proposal' | 'full-proposal',
  proposalIds?: readonly string[],
): Promise<Map<string, SubmittedVersion>> {
  if (proposalIds && proposalIds.length === 0) return new Map();
  const rows = await db
    .select()
    .from(proposalVersions)
    .where(
      and(
        eq(proposalVersions.callId, callId),
        eq(proposalVersions.stage, stage),
        proposalIds ? inArray(proposalVersions.proposalId, [...proposalIds]) : undefined,
      ),
    )
    .orderBy(asc(proposalVersions.proposalId), desc(proposalVersions.seq));
  const latest = new Map<string, SubmittedVersion>();
  for (const row of rows) {
    if (latest.has(row.proposalId)) continue;
    const parsed = proposalDocument.safeParse(row.document);
    if (!parsed.success) {
      throw new AppError(
        'UNPROCESSABLE',
        `Submitted version ${row.seq} of proposal ${row.proposalId} is not valid`,
        {
          errors: parsed.error.issues.map((i) => ({
            in: 'data',
            path: `/proposals/${row.proposalId}/document/${i.path.join('/')}`,
            message: i.message,
          })),
        },
      );
    }
    latest.set(row.proposalId, {
      proposalId: row.proposalId,
      seq: row.seq,
      stage: row.stage,
      document: parsed.data,
      contentHash: row.contentHash,
      submittedAt: row.submittedAt,
    });
  }
  return latest;
}

/** Lifecycle state of each proposal of a call (all of them, or the given ones). */
export async function proposalStates(
  db: DbOrTx,
  callId: string,
  proposalIds?: readonly string[],
): Promise<Map<string, string>> {
  if (proposalIds && proposalIds.length === 0) return new Map();
  const rows = await db
    .select({ subjectId: workflowInstances.subjectId, state: workflowInstances.state })
    .from(workflowInstances)
    .where(
      and(
        eq(workflowInstances.kind, 'proposal'),
        eq(workflowInstances.callId, callId),
        proposalIds ? inArray(workflowInstances.subjectId, [...proposalIds]) : undefined,
      ),
    );
  return new Map(rows.map((r) => [r.subjectId, r.state]));
}

export async function loadFunders(db: DbOrTx, ids: readonly string[]): Promise<Map<string, FunderRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select()
    .from(funders)
    .where(inArray(funders.id, [...ids]));
  return new Map(rows.map((r) => [r.id, r]));
}

export async function findRecommendation(db: DbOrTx, callId: string): Promise<RecommendationRow | null> {
  const [row] = await db
    .select()
    .from(fundingRecommendations)
    .where(eq(fundingRecommendations.callId, callId));
  return row ?? null;
}

/** National decisions and letters exist only under a recorded recommendation. */
export async function requireRecommendation(db: DbOrTx, callId: string): Promise<RecommendationRow> {
  const row = await findRecommendation(db, callId);
  if (!row) {
    throw new AppError(
      'STAGE_NOT_OPEN',
      'The funding recommendation is not recorded yet; national decisions and letters come after it',
      { extensions: { missing: 'recommendation' } },
    );
  }
  return row;
}

export type { RankingEntry };
