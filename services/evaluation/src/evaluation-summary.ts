import type { DbOrTx } from '@permed/db';
import { labelledReviews } from './anonymised-reviews.ts';

/**
 * The evaluation summary of one proposal for outcome letters: the submitted full-proposal
 * reviews, labelled "Reviewer 1", "Reviewer 2"… exactly as released for the rebuttal, with
 * their comments per criterion and nothing that identifies a reviewer. Scores come from the
 * frozen ranking list, which the funding service already holds.
 */
export function evaluationSummaries(db: DbOrTx) {
  return {
    async summary(proposalId: string) {
      const reviews = await labelledReviews(db, 'full-proposal', proposalId);
      if (reviews.length === 0) return null;
      return {
        reviews: reviews.map(({ label, review }) => ({
          label,
          comments: review.scores
            .filter((s) => s.comment !== null && s.comment !== undefined && s.comment.trim() !== '')
            .map((s) => ({ criterionId: s.criterionId, text: s.comment! })),
        })),
      };
    },
  };
}

/**
 * The reviews the proposals service shows the coordinator for the rebuttal (it gates the window):
 * labelled, scores and comments per criterion, no reviewer identity.
 */
export function rebuttalReviewSource(db: DbOrTx) {
  return {
    async anonymisedReviews(proposalId: string) {
      const reviews = await labelledReviews(db, 'full-proposal', proposalId);
      return reviews.map(({ label, review }) => ({
        label,
        stage: 'full-proposal' as const,
        scores: review.scores.map((s) => ({ criterionId: s.criterionId, score: s.score })),
        comments: review.scores
          .filter((s) => typeof s.comment === 'string' && s.comment.trim() !== '')
          .map((s) => ({ criterionId: s.criterionId, text: s.comment! })),
      }));
    },
  };
}
