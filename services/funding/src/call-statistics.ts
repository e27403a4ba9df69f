import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { AllocationResult } from '@permed/allocation';
import { schema, type DbOrTx } from '@permed/db';
import { budgetTotalMinor, money, type Money } from '@permed/domain';
import { currentDecisions, decisionHistory } from './decision-store.ts';
import {
  findRecommendation,
  latestVersions,
  loadFunders,
  proposalStates,
  type PublishedCall,
  type SubmittedVersion,
} from './funding-store.ts';
import { reportingConverter } from './reporting.ts';

const count = z.number().int().nonnegative();

export const funderStatistics = z.object({
  funderId: z.string(),
  acronym: z.string(),
  country: z.string().nullable(),
  currency: z.string(),
  /** Partners asking this funder in full proposals. */
  partners: count,
  fundedPartners: count,
  committed: money,
  requested: money,
  recommended: money.nullable().describe('Allocated by the recorded recommendation; null before it'),
  granted: money.describe('Sum of the current national decisions (funded and funded-reduced)'),
  committedReporting: money.nullable(),
  requestedReporting: money.nullable(),
  grantedReporting: money.nullable(),
});
export type FunderStatistics = z.infer<typeof funderStatistics>;

export const countryStatistics = z.object({
  country: z.string(),
  partners: count,
  coordinators: count,
  fundedPartners: count,
});

export const callStatisticsSchema = z.object({
  call: z.object({
    slug: z.string(),
    title: z.string(),
    version: z.number().int(),
    reportingCurrency: z.string(),
  }),
  proposals: z.object({
    preProposals: count,
    eligible: count.describe('Proposals declared eligible (pre-proposal stage in a two-stage call)'),
    invited: count,
    fullProposals: count,
    ranked: count.describe('Proposals on the frozen full-proposal ranking list'),
    recommended: count,
    funded: count,
    notFunded: count,
    withdrawn: count,
  }),
  researchGroups: z.object({ preProposals: count, fullProposals: count, funded: count }),
  countries: z.object({ preProposals: count, fullProposals: count, funded: count }),
  funders: z.object({ participating: count, askedInFullProposals: count, funding: count }),
  totals: z.object({
    committedReporting: money,
    requestedReporting: money,
    grantedReporting: money,
  }),
  byFunder: z.array(funderStatistics),
  byCountry: z.array(countryStatistics),
});
export type CallStatistics = z.infer<typeof callStatisticsSchema>;

function partnersOf(versions: Map<string, SubmittedVersion>) {
  return [...versions.values()].flatMap((v) =>
    v.document.partners.map((p) => ({ proposalId: v.proposalId, p })),
  );
}

/**
 * The call office's figures: proposals through the stages (from submitted versions and the
 * lifecycles' transition history), research groups, countries and funders, and per funder the
 * amounts committed, requested in full proposals, recommended and granted nationally, each also in
 * the reporting currency at the call's fixed rates.
 */
export async function callStatistics(db: DbOrTx, published: PublishedCall): Promise<CallStatistics> {
  const { call, definition, version } = published;
  const callId = call.id;
  const [pre, full, states, recommendation, history] = await Promise.all([
    latestVersions(db, callId, 'pre-proposal'),
    latestVersions(db, callId, 'full-proposal'),
    proposalStates(db, callId),
    findRecommendation(db, callId),
    decisionHistory(db, callId),
  ]);
  const [ranking] = await db
    .select({ entries: schema.rankingLists.entries })
    .from(schema.rankingLists)
    .where(and(eq(schema.rankingLists.callId, callId), eq(schema.rankingLists.stage, 'full-proposal')));
  const reached = await db
    .selectDistinct({
      subjectId: schema.workflowInstances.subjectId,
      toState: schema.workflowTransitions.toState,
    })
    .from(schema.workflowTransitions)
    .innerJoin(
      schema.workflowInstances,
      eq(schema.workflowInstances.id, schema.workflowTransitions.instanceId),
    )
    .where(
      and(
        eq(schema.workflowInstances.kind, 'proposal'),
        eq(schema.workflowInstances.callId, callId),
        inArray(schema.workflowTransitions.toState, ['eligible', 'invited', 'recommended']),
      ),
    );
  const reachedCount = (state: string) => reached.filter((r) => r.toState === state).length;
  const inState = (state: string) => [...states.values()].filter((s) => s === state).length;
  const fundedIds = new Set([...states].filter(([, s]) => s === 'funded').map(([id]) => id));

  const current = [...currentDecisions(history).values()];
  const grantedDecisions = current.filter((d) => d.decision !== 'not-funded' && fundedIds.has(d.proposalId));
  const fundedPartnerKeys = new Set(grantedDecisions.map((d) => `${d.proposalId}/${d.partnerId}`));

  const prePartners = partnersOf(pre);
  const fullPartners = partnersOf(full);
  const fundedPartners = fullPartners.filter(({ proposalId }) => fundedIds.has(proposalId));
  const distinct = (xs: { p: { organisation: { country: string } } }[]) =>
    new Set(xs.map((x) => x.p.organisation.country)).size;

  const allocation = recommendation ? (recommendation.snapshot.allocation as AllocationResult) : null;
  const registry = await loadFunders(
    db,
    definition.funders.map((f) => f.funderId),
  );
  const convert = reportingConverter(definition);
  const reporting = definition.reportingCurrency;
  const byFunder: FunderStatistics[] = definition.funders.map((f) => {
    const currency = f.commitment.currency;
    const mine = fullPartners.filter(({ p }) => p.funderId === f.funderId);
    const requestedMinor = mine.reduce((sum, { p }) => sum + budgetTotalMinor(p.budget), 0);
    const grantedMinor = grantedDecisions
      .filter((d) => d.funderId === f.funderId)
      .reduce((sum, d) => sum + d.amountMinor, 0);
    const allocated = allocation?.funders.find((x) => x.funderId === f.funderId)?.allocated ?? null;
    const m = (amountMinor: number): Money => ({ amountMinor, currency });
    const r = registry.get(f.funderId);
    return {
      funderId: f.funderId,
      acronym: r?.acronym ?? f.funderId.toUpperCase(),
      country: r?.country ?? null,
      currency,
      partners: mine.length,
      fundedPartners: grantedDecisions.filter((d) => d.funderId === f.funderId).length,
      committed: f.commitment,
      requested: m(requestedMinor),
      recommended: allocated,
      granted: m(grantedMinor),
      committedReporting: convert(f.commitment),
      requestedReporting: convert(m(requestedMinor)),
      grantedReporting: convert(m(grantedMinor)),
    };
  });
  const sum = (pick: (f: FunderStatistics) => Money | null): Money => ({
    amountMinor: byFunder.reduce((s, f) => s + (pick(f)?.amountMinor ?? 0), 0),
    currency: reporting,
  });

  const countries = new Map<string, { partners: number; coordinators: number; fundedPartners: number }>();
  for (const { proposalId, p } of fullPartners) {
    const c = countries.get(p.organisation.country) ?? { partners: 0, coordinators: 0, fundedPartners: 0 };
    c.partners += 1;
    if (p.coordinator) c.coordinators += 1;
    if (fundedPartnerKeys.has(`${proposalId}/${p.id}`)) c.fundedPartners += 1;
    countries.set(p.organisation.country, c);
  }

  return {
    call: {
      slug: definition.slug,
      title: definition.title,
      version: version.version,
      reportingCurrency: reporting,
    },
    proposals: {
      preProposals: pre.size,
      eligible: reachedCount('eligible'),
      invited: reachedCount('invited'),
      fullProposals: full.size,
      ranked: ranking?.entries.length ?? 0,
      recommended: allocation ? allocation.fundedCount : reachedCount('recommended'),
      funded: fundedIds.size,
      notFunded: inState('not-funded'),
      withdrawn: inState('withdrawn'),
    },
    researchGroups: {
      preProposals: prePartners.length,
      fullProposals: fullPartners.length,
      funded: fundedPartners.length,
    },
    countries: {
      preProposals: distinct(prePartners),
      fullProposals: distinct(fullPartners),
      funded: distinct(fundedPartners),
    },
    funders: {
      participating: definition.funders.length,
      askedInFullProposals: new Set(fullPartners.flatMap(({ p }) => (p.funderId ? [p.funderId] : []))).size,
      funding: new Set(grantedDecisions.map((d) => d.funderId)).size,
    },
    totals: {
      committedReporting: sum((f) => f.committedReporting),
      requestedReporting: sum((f) => f.requestedReporting),
      grantedReporting: sum((f) => f.grantedReporting),
    },
    byFunder,
    byCountry: [...countries]
      .map(([country, c]) => ({ country, ...c }))
      .sort((a, b) => b.partners - a.partners || (a.country < b.country ? -1 : 1)),
  };
}
