import { asc, eq } from 'drizzle-orm';
import type { AllocationResult } from '@permed/allocation';
import { schema, type DbOrTx } from '@permed/db';
import { budgetTotalMinor, costCategories, type Partner } from '@permed/domain';
import { decimalAmount, toCsv, type CsvCell } from './csv.ts';
import { currentDecisions, decisionHistory } from './decision-store.ts';
import type { EvaluationSummarySource } from './funding-deps.ts';
import {
  findRecommendation,
  latestVersions,
  proposalStates,
  requireFrozenRanking,
  type PublishedCall,
  type SubmittedVersion,
} from './funding-store.ts';
import { reportingConverter } from './reporting.ts';

export const exportDatasets = [
  'proposals',
  'partners',
  'budgets',
  'reviews',
  'ranking',
  'decisions',
] as const;
export type ExportDataset = (typeof exportDatasets)[number];

/** Each proposal's version that counts: the full proposal when there is one, else the pre-proposal. */
async function countingVersions(db: DbOrTx, callId: string): Promise<SubmittedVersion[]> {
  const [pre, full] = await Promise.all([
    latestVersions(db, callId, 'pre-proposal'),
    latestVersions(db, callId, 'full-proposal'),
  ]);
  const merged = new Map(pre);
  for (const [id, v] of full) merged.set(id, v);
  return [...merged.values()].sort((a, b) =>
    a.document.acronym === b.document.acronym
      ? a.proposalId < b.proposalId
        ? -1
        : 1
      : a.document.acronym < b.document.acronym
        ? -1
        : 1,
  );
}

/**
 * One CSV export of a call for the call office. Amounts are exact decimals in their own currency, plus
 * the reporting currency at the call's fixed rates where a total is shown. Reviews come from the
 * evaluation summary source (empty, header only, until the evaluation service is wired in).
 */
export async function exportCsv(
  deps: { db: DbOrTx; evaluationSummaries: EvaluationSummarySource },
  published: PublishedCall,
  dataset: ExportDataset,
): Promise<string> {
  const { db } = deps;
  const callId = published.call.id;
  const definition = published.definition;
  const convert = reportingConverter(definition);
  const rc = definition.reportingCurrency;
  const reportingOf = (partners: readonly Partner[]): string => {
    let total = 0;
    for (const p of partners) {
      if (p.funderId === null) continue;
      const converted = convert({ amountMinor: budgetTotalMinor(p.budget), currency: p.budget.currency });
      if (!converted) return '';
      total += converted.amountMinor;
    }
    return decimalAmount(total, rc);
  };

  switch (dataset) {
    case 'proposals': {
      const [versions, states, rows] = await Promise.all([
        countingVersions(db, callId),
        proposalStates(db, callId),
        db
          .select({ id: schema.proposals.id, acronym: schema.proposals.acronym })
          .from(schema.proposals)
          .where(eq(schema.proposals.callId, callId))
          .orderBy(asc(schema.proposals.acronym)),
      ]);
      const byId = new Map(versions.map((v) => [v.proposalId, v]));
      return toCsv(
        [
          'proposal_id',
          'acronym',
          'title',
          'state',
          'stage',
          'version',
          'submitted_at',
          'partners',
          'countries',
          'coordinator_organisation',
          'coordinator_country',
          `requested_${rc.toLowerCase()}`,
          'content_sha256',
        ],
        rows.map((r): CsvCell[] => {
          const v = byId.get(r.id);
          const coordinator = v?.document.partners.find((p) => p.coordinator);
          return [
            r.id,
            v?.document.acronym ?? r.acronym,
            v?.document.title,
            states.get(r.id) ?? '',
            v?.stage ?? '',
            v?.seq,
            v?.submittedAt.toISOString(),
            v?.document.partners.length,
            v ? new Set(v.document.partners.map((p) => p.organisation.country)).size : undefined,
            coordinator?.organisation.name,
            coordinator?.organisation.country,
            v ? reportingOf(v.document.partners) : '',
            v?.contentHash,
          ];
        }),
      );
    }
    case 'partners': {
      const versions = await countingVersions(db, callId);
      return toCsv(
        [
          'proposal_id',
          'acronym',
          'stage',
          'partner_id',
          'coordinator',
          'organisation',
          'organisation_type',
          'country',
          'region',
          'ror_id',
          'pi_name',
          'pi_email',
          'pi_orcid',
          'funder_id',
        ],
        versions.flatMap((v) =>
          v.document.partners.map((p): CsvCell[] => [
            v.proposalId,
            v.document.acronym,
            v.stage,
            p.id,
            p.coordinator,
            p.organisation.name,
            p.organisation.type,
            p.organisation.country,
            p.organisation.region,
            p.organisation.rorId,
            p.pi.name,
            p.pi.email,
            p.pi.orcid,
            p.funderId ?? 'own-funded',
          ]),
        ),
      );
    }
    case 'budgets': {
      const versions = await countingVersions(db, callId);
      return toCsv(
        [
          'proposal_id',
          'acronym',
          'stage',
          'partner_id',
          'funder_id',
          'currency',
          ...costCategories,
          'total',
          `total_${rc.toLowerCase()}`,
        ],
        versions.flatMap((v) =>
          v.document.partners.map((p): CsvCell[] => {
            const total = budgetTotalMinor(p.budget);
            const converted = convert({ amountMinor: total, currency: p.budget.currency });
            return [
              v.proposalId,
              v.document.acronym,
              v.stage,
              p.id,
              p.funderId ?? 'own-funded',
              p.budget.currency,
              ...costCategories.map((c) => decimalAmount(p.budget[c], p.budget.currency)),
              decimalAmount(total, p.budget.currency),
              converted ? decimalAmount(converted.amountMinor, rc) : '',
            ];
          }),
        ),
      );
    }
    case 'reviews': {
      const full = [...(await latestVersions(db, callId, 'full-proposal')).values()];
      const rows: CsvCell[][] = [];
      for (const v of full) {
        const summary = await deps.evaluationSummaries.summary(v.proposalId);
        for (const review of summary?.reviews ?? []) {
          for (const c of review.comments) {
            rows.push([
              v.proposalId,
              v.document.acronym,
              review.label,
              c.criterionId,
              c.text,
              review.overall,
            ]);
          }
          if (review.comments.length === 0) {
            rows.push([v.proposalId, v.document.acronym, review.label, '', '', review.overall]);
          }
        }
      }
      return toCsv(['proposal_id', 'acronym', 'reviewer', 'criterion_id', 'comment', 'overall'], rows);
    }
    case 'ranking': {
      const ranking = await requireFrozenRanking(db, callId);
      const recommendation = await findRecommendation(db, callId);
      const allocation = recommendation ? (recommendation.snapshot.allocation as AllocationResult) : null;
      const criteria = definition.evaluation.stages['full-proposal'].criteria;
      const entries = [...ranking.entries].sort((a, b) => a.position - b.position);
      return toCsv(
        [
          'position',
          'proposal_id',
          'acronym',
          'category',
          'total',
          ...criteria,
          'passed_threshold',
          'recommendation',
          `requested_${rc.toLowerCase()}`,
          'explanation',
        ],
        entries.map((e): CsvCell[] => {
          const outcome = allocation?.proposals.find((p) => p.proposalId === e.proposalId);
          return [
            e.position,
            e.proposalId,
            e.acronym,
            e.category,
            e.total,
            ...criteria.map((c) => e.perCriterion[c]),
            e.passedThreshold,
            outcome?.status ?? '',
            outcome ? decimalAmount(outcome.requestedReporting.amountMinor, rc) : '',
            outcome?.explanation ?? '',
          ];
        }),
      );
    }
    case 'decisions': {
      const history = await decisionHistory(db, callId);
      const current = new Set([...currentDecisions(history).values()].map((d) => d.id));
      const versions = await latestVersions(db, callId, 'full-proposal', [
        ...new Set(history.map((d) => d.proposalId)),
      ]);
      return toCsv(
        [
          'proposal_id',
          'acronym',
          'partner_id',
          'funder_id',
          'seq',
          'current',
          'decision',
          'currency',
          'amount',
          'requested',
          'reason',
          'call_version',
          'recommendation_sha256',
          'decided_at',
          'decided_by',
        ],
        history.map((d): CsvCell[] => [
          d.proposalId,
          versions.get(d.proposalId)?.document.acronym,
          d.partnerId,
          d.funderId,
          d.seq,
          current.has(d.id),
          d.decision,
          d.currency,
          decimalAmount(d.amountMinor, d.currency),
          decimalAmount(d.requestedMinor, d.currency),
          d.reason,
          d.callVersion,
          d.recommendationHash,
          d.decidedAt.toISOString(),
          d.decidedByLabel,
        ]),
      );
    }
  }
}
