import { eq } from 'drizzle-orm';
import type { BlobStore } from '@permed/blobs';
import type { AllocationResult, ProposalStatus } from '@permed/allocation';
import { enqueueOutbox, schema, type Actor, type Db } from '@permed/db';
import { buildOutcomeLetter, type EvaluationOutcome, type OutcomeLetterInput } from '@permed/documents';
import type { CallDefinition, Clock, ProposalDocument } from '@permed/domain';
import type { RankingEntry } from '@permed/db/schema';
import type { EvaluationSummary, EvaluationSummarySource } from './funding-deps.ts';
import {
  latestVersions,
  proposalStates,
  requireRecommendation,
  type PublishedCall,
} from './funding-store.ts';
import { generateLetterBatch, type BatchResult, type LetterItem } from './letter-batch.ts';

/** What the recommendation's status means for the consortium. */
export function letterOutcome(status: ProposalStatus): EvaluationOutcome {
  if (status === 'funded') return 'recommended-for-funding';
  if (status === 'fundable-with-top-up') return 'fundable-if-budget-allows';
  return 'not-recommended-for-funding';
}

const finalNote: Record<string, string> = {
  funded: 'All national funding decisions are recorded: the project is funded.',
  'not-funded': 'All national funding decisions are recorded: the project is not funded.',
};

/**
 * The outcome letter's data for one proposal: the outcome from the frozen recommendation, the
 * consolidated scores (from the evaluation summary, else from the frozen ranking list) for the
 * full-proposal criteria, the rank, and the anonymised reviews. Throws when a score is missing, so
 * the batch reports that proposal instead of sending a letter with a hole in it.
 */
export function outcomeLetterData(args: {
  definition: CallDefinition;
  entry: RankingEntry;
  listLength: number;
  document: ProposalDocument;
  status: ProposalStatus;
  state: string;
  summary: EvaluationSummary | null;
  issuedAt: Date;
}): OutcomeLetterInput {
  const { definition, entry, document, summary } = args;
  const evaluation = definition.evaluation;
  const ids = evaluation.stages['full-proposal'].criteria;
  const perCriterion = summary?.scores?.perCriterion ?? entry.perCriterion;
  const criteria = ids.map((id) => {
    const criterion = evaluation.criteria.find((c) => c.id === id);
    const score = perCriterion[id];
    if (score === undefined) throw new Error(`no consolidated score for criterion ${id}`);
    return {
      id,
      label: criterion?.name ?? id,
      score,
      max: evaluation.scaleMax,
      weight: criterion?.weight ?? 1,
    };
  });
  const maxTotal = criteria.reduce((sum, c) => sum + c.max * c.weight, 0);
  const coordinator = document.partners.find((p) => p.coordinator) ?? document.partners[0]!;
  const threshold = evaluation.stages['full-proposal'].total;
  const note = finalNote[args.state];
  return {
    call: { title: definition.title, stage: 'Full proposal' },
    proposal: { id: entry.proposalId, acronym: document.acronym, title: document.title },
    recipient: { name: coordinator.pi.name, organisation: coordinator.organisation.name },
    issuedAt: args.issuedAt.toISOString(),
    zone: definition.zone,
    outcome: letterOutcome(args.status),
    ...(note ? { note } : {}),
    scores: {
      criteria,
      total: { score: summary?.scores?.total ?? entry.total, max: maxTotal },
      ...(threshold !== undefined ? { threshold } : {}),
    },
    rank: { position: entry.position, of: args.listLength },
    ...(summary?.panelSummary ? { panelSummary: summary.panelSummary } : {}),
    reviews: (summary?.reviews ?? []).map((r) => ({
      label: r.label,
      comments: r.comments.map((c) => ({ criterionId: c.criterionId, text: c.text })),
      ...(r.overall ? { overall: r.overall } : {}),
    })),
  };
}

/**
 * One outcome letter per proposal walked by the recommendation, generated all-or-nothing. With
 * `notify`, each coordinator is e-mailed after commit that its letter is available.
 */
export async function generateOutcomeLetters(
  deps: { db: Db; clock: Clock; blobs: BlobStore; evaluationSummaries: EvaluationSummarySource },
  actor: Actor,
  published: PublishedCall,
  options: { notify: boolean },
): Promise<BatchResult> {
  const callId = published.call.id;
  const recommendation = await requireRecommendation(deps.db, callId);
  const allocation = recommendation.snapshot.allocation as AllocationResult;
  const [ranking] = await deps.db
    .select()
    .from(schema.rankingLists)
    .where(eq(schema.rankingLists.id, recommendation.rankingListId));
  const entries = new Map((ranking?.entries ?? []).map((e) => [e.proposalId, e]));
  const ids = allocation.proposals.map((p) => p.proposalId);
  const [versions, states] = await Promise.all([
    latestVersions(deps.db, callId, 'full-proposal', ids),
    proposalStates(deps.db, callId, ids),
  ]);
  const now = deps.clock.now();
  const listLength = ranking?.entries.length ?? allocation.proposals.length;

  const items: LetterItem[] = allocation.proposals.map((p) => {
    const outcome = letterOutcome(p.status);
    return {
      proposalId: p.proposalId,
      acronym: p.acronym,
      partnerId: null,
      funderId: null,
      outcome,
      fileName: `${String(p.rank).padStart(3, '0')}-${p.acronym}-outcome.pdf`,
      build: async () => {
        const entry = entries.get(p.proposalId);
        const version = versions.get(p.proposalId);
        if (!entry || !version)
          throw new Error('the proposal is missing from the ranking list or its versions');
        const summary = await deps.evaluationSummaries.summary(p.proposalId);
        return buildOutcomeLetter(
          outcomeLetterData({
            definition: published.definition,
            entry,
            listLength,
            document: version.document,
            status: p.status,
            state: states.get(p.proposalId) ?? 'unknown',
            summary,
            issuedAt: now,
          }),
        );
      },
    };
  });

  return generateLetterBatch({ db: deps.db, blobs: deps.blobs, now }, actor, {
    callId,
    callVersion: published.version.version,
    recommendationHash: recommendation.hash,
    kind: 'outcome',
    funderId: null,
    items,
    after: async (tx, batchId) => {
      if (!options.notify) return;
      for (const p of allocation.proposals) {
        const coordinator = versions.get(p.proposalId)?.document.partners.find((x) => x.coordinator);
        if (!coordinator) continue;
        await enqueueOutbox(tx, {
          kind: 'mail',
          payload: {
            to: coordinator.pi.email,
            subject: `${p.acronym}: evaluation outcome of ${published.definition.title}`,
            text:
              `The evaluation outcome letter for ${p.acronym}, with the evaluation summary report, ` +
              'is available in the platform.',
          },
          at: now,
          dedupeKey: `funding:outcome-letter:${batchId}:${p.proposalId}`,
        });
      }
    },
  });
}
