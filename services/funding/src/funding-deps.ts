import path from 'node:path';
import { createBlobStore, type BlobStore } from '@permed/blobs';
import type { ServiceDeps } from '@permed/service-kit';

/** One reviewer's comments, already anonymised ("Reviewer 1"), never a name. */
export interface AnonymisedReview {
  label: string;
  comments: { criterionId: string; text: string }[];
  overall?: string;
}

/** The evaluation summary report of one proposal, as the evaluation service knows it. */
export interface EvaluationSummary {
  /** Consolidated scores; when absent the frozen ranking list's scores are used. */
  scores?: { perCriterion: Record<string, number>; total: number } | null;
  panelSummary?: string | null;
  reviews: AnonymisedReview[];
}

/**
 * Where outcome letters and the reviews export get the anonymised review comments. The evaluation
 * service owns them; the platform wires its reader in. Funding never reads evaluation tables itself,
 * so the two services can change their storage independently.
 */
export interface EvaluationSummarySource {
  summary(proposalId: string): Promise<EvaluationSummary | null>;
}

/** The default until the evaluation service is wired in: no reviews, scores from the ranking list. */
export const noEvaluationSummaries: EvaluationSummarySource = { summary: async () => null };

export interface FundingDeps extends ServiceDeps {
  evaluationSummaries?: EvaluationSummarySource;
  /** Where generated letters are kept; default: a content-addressed directory under DATA_DIR/blobs. */
  blobs?: BlobStore;
}

/**
 * Letters live in their own root, DATA_DIR/blobs/funding: the blob store's orphan collection only asks
 * its caller's tables, so sharing the proposals service's root would let its collector delete letters.
 */
export function fundingBlobStore(deps: FundingDeps): BlobStore {
  return deps.blobs ?? createBlobStore(path.join(deps.config.DATA_DIR, 'blobs', 'funding'));
}
