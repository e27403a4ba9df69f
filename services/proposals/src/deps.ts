import path from 'node:path';
import { createBlobStore, type BlobStore } from '@permed/blobs';
import { createPdfInspector, type PdfInspector } from '@permed/documents';
import type { ServiceDeps } from '@permed/service-kit';
import { createCallCache, type CallCache } from './call-context.ts';

/** One review as the consortium sees it in the rebuttal: no reviewer identity, only a label. */
export interface AnonymisedReview {
  /** "Reviewer 1", "Reviewer 2", ...: stable per proposal, never a name. */
  label: string;
  stage: 'pre-proposal' | 'full-proposal';
  scores: { criterionId: string; score: number }[];
  comments: { criterionId?: string; text: string }[];
  overall?: string;
}

/**
 * Where the rebuttal reads the reviews from. The evaluation service owns reviews; it provides an
 * implementation that anonymises them. Until then the default returns none.
 */
export interface ReviewSource {
  anonymisedReviews(proposalId: string): Promise<AnonymisedReview[]>;
}

export const noReviews: ReviewSource = { anonymisedReviews: async () => [] };

/** What the proposals service may be given beyond the common service deps (all optional). */
export interface ProposalsExtras {
  reviews?: ReviewSource;
  blobs?: BlobStore;
  inspector?: PdfInspector;
}

export type ProposalsDeps = ServiceDeps & ProposalsExtras;

/** The resolved dependencies every use case of this service takes. */
export interface ProposalsContext extends ServiceDeps {
  reviews: ReviewSource;
  blobs: BlobStore;
  inspector: PdfInspector;
  calls: CallCache;
}

const contexts = new WeakMap<object, ProposalsContext>();

/**
 * Fills in the defaults: the blob store in DATA_DIR/blobs, one PDF inspector per service (at most
 * two inspections at once on the 2-core machines), no reviews. Memoised per deps object so that
 * the platform and the outbox handlers share one inspector and one call cache.
 */
export function proposalsContext(deps: ProposalsDeps): ProposalsContext {
  const known = contexts.get(deps);
  if (known) return known;
  const ctx: ProposalsContext = {
    ...deps,
    reviews: deps.reviews ?? noReviews,
    blobs: deps.blobs ?? createBlobStore(path.join(deps.config.DATA_DIR, 'blobs')),
    inspector: deps.inspector ?? createPdfInspector({ concurrency: 2 }),
    calls: createCallCache(),
  };
  contexts.set(deps, ctx);
  return ctx;
}
