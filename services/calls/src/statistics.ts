import { and, count, desc, eq, sql } from 'drizzle-orm';
import { schema, type DbOrTx } from '@permed/db';
import { budgetTotalMinor, type ProposalDocument } from '@permed/domain';

/** The latest submitted version of each proposal of a call (at the latest stage it reached). */
export async function latestSubmittedVersions(db: DbOrTx, callId: string) {
  const rows = await db
    .select()
    .from(schema.proposalVersions)
    .where(eq(schema.proposalVersions.callId, callId))
    .orderBy(desc(schema.proposalVersions.seq));
  const latest = new Map<string, (typeof rows)[number]>();
  for (const r of rows) if (!latest.has(r.proposalId)) latest.set(r.proposalId, r);
  return [...latest.values()];
}

/** Proposals of a call with their lifecycle state, optionally only those in one state. */
export async function proposalsByState(db: DbOrTx, callId: string, state?: string) {
  const rows = await db
    .select({
      id: schema.proposals.id,
      acronym: schema.proposals.acronym,
      stage: schema.proposals.stage,
      state: schema.workflowInstances.state,
      updatedAt: schema.workflowInstances.updatedAt,
    })
    .from(schema.proposals)
    .innerJoin(
      schema.workflowInstances,
      and(
        eq(schema.workflowInstances.kind, 'proposal'),
        eq(schema.workflowInstances.callId, schema.proposals.callId),
        eq(schema.workflowInstances.subjectId, sql`${schema.proposals.id}::text`),
      ),
    )
    .where(
      and(eq(schema.proposals.callId, callId), ...(state ? [eq(schema.workflowInstances.state, state)] : [])),
    )
    .orderBy(schema.proposals.acronym);
  return rows.map((r) => ({ ...r, updatedAt: r.updatedAt.toISOString() }));
}

/**
 * Counts per lifecycle state; research groups per country and per funder with the amounts they
 * request, from each proposal's latest submitted version (drafts are private to consortia).
 */
export async function callStatistics(db: DbOrTx, callId: string) {
  const rows = await db
    .select({ state: schema.workflowInstances.state, n: count() })
    .from(schema.workflowInstances)
    .where(and(eq(schema.workflowInstances.kind, 'proposal'), eq(schema.workflowInstances.callId, callId)))
    .groupBy(schema.workflowInstances.state);
  const byState = Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  const byCountry: Record<string, { partners: number; proposals: number }> = {};
  const byFunder: Record<
    string,
    { partners: number; proposals: number; requested: { amountMinor: number; currency: string } | null }
  > = {};
  const versions = await latestSubmittedVersions(db, callId);
  for (const v of versions) {
    const doc = v.document as unknown as ProposalDocument;
    const countries = new Set<string>();
    const funders = new Set<string>();
    for (const p of doc.partners ?? []) {
      const c = (byCountry[p.organisation.country] ??= { partners: 0, proposals: 0 });
      c.partners += 1;
      if (!countries.has(p.organisation.country)) c.proposals += 1;
      countries.add(p.organisation.country);
      const key = p.funderId ?? 'own-funded';
      const f = (byFunder[key] ??= {
        partners: 0,
        proposals: 0,
        requested: p.funderId ? { amountMinor: 0, currency: p.budget.currency } : null,
      });
      f.partners += 1;
      if (!funders.has(key)) f.proposals += 1;
      funders.add(key);
      if (f.requested && f.requested.currency === p.budget.currency)
        f.requested.amountMinor += budgetTotalMinor(p.budget);
    }
  }
  return {
    proposals: rows.reduce((a, r) => a + Number(r.n), 0),
    submitted: versions.length,
    byState,
    byCountry,
    byFunder,
  };
}
