import { queryOptions } from '@tanstack/react-query';
import type { paths } from '../../api/schema.gen';
import { ApiError, api, unwrap } from '../../lib/api';
import { learnServerTime } from '../../lib/clock';

type Json<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  responses: { 200: { content: { 'application/json': infer T } } };
}
  ? T
  : never;

export type ProposalView = Json<'/api/proposals/{id}', 'get'>;
export type DocumentView = ProposalView['documents'][number];
export type ValidationView = Json<'/api/proposals/{id}/validation', 'get'>;
export type ReceiptView = Json<'/api/proposals/{id}/versions', 'get'>[number];
export type VersionView = Json<'/api/proposals/{id}/versions/{seq}', 'get'>;
export type RebuttalView = Json<'/api/proposals/{id}/rebuttal', 'get'>;
export type RebuttalReviews = Json<'/api/proposals/{id}/reviews', 'get'>;

/** The change report of a full proposal (services/proposals/src/change-report.ts; `unknown` in the document). */
export interface ChangeReportView {
  partnersAdded: { id: string; organisation: string; country: string }[];
  partnersRemoved: { id: string; organisation: string; country: string }[];
  coordinatorChanged: { from: string | null; to: string | null } | null;
  budget: { totals: { currency: string; before: number; after: number; change: number }[] };
  approvalReasons: string[];
  requiresApproval: boolean;
  baseline: { seq: number; submittedAt: string };
  approval?: { status?: string } | null;
}

const path = (id: string) => ({ params: { path: { id } } });

export const proposalQuery = (id: string) =>
  queryOptions({
    queryKey: ['proposals', id],
    queryFn: () => unwrap(api.GET('/api/proposals/{id}', path(id))),
  });

export const validationQuery = (id: string) =>
  queryOptions({
    queryKey: ['proposals', id, 'validation'],
    queryFn: async () => {
      const report = await unwrap(api.GET('/api/proposals/{id}/validation', path(id)));
      learnServerTime(report.serverTime);
      return report;
    },
  });

export const receiptsQuery = (id: string) =>
  queryOptions({
    queryKey: ['proposals', id, 'versions'],
    queryFn: () => unwrap(api.GET('/api/proposals/{id}/versions', path(id))),
  });

export const versionQuery = (id: string, seq: number) =>
  queryOptions({
    queryKey: ['proposals', id, 'versions', seq],
    queryFn: () => unwrap(api.GET('/api/proposals/{id}/versions/{seq}', { params: { path: { id, seq } } })),
    staleTime: Infinity, // a submitted version never changes
  });

/** A stage the proposal has not reached answers 404/409; the page says "not reached" instead. */
async function ifReached<T>(call: Promise<T>): Promise<T | null> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof ApiError && [403, 404, 409].includes(error.status)) return null;
    throw error;
  }
}

export const changeReportQuery = (id: string) =>
  queryOptions({
    queryKey: ['proposals', id, 'change-report'],
    queryFn: () =>
      ifReached(
        unwrap(
          api.GET('/api/proposals/{id}/change-report', path(id)),
        ) as Promise<unknown> as Promise<ChangeReportView>,
      ),
  });

export const rebuttalQuery = (id: string) =>
  queryOptions({
    queryKey: ['proposals', id, 'rebuttal'],
    queryFn: () => ifReached(unwrap(api.GET('/api/proposals/{id}/rebuttal', path(id)))),
  });

export const rebuttalReviewsQuery = (id: string) =>
  queryOptions({
    queryKey: ['proposals', id, 'reviews'],
    queryFn: () => ifReached(unwrap(api.GET('/api/proposals/{id}/reviews', path(id)))),
  });

/** The submission stage of the call that a proposal in `stage` hands in to. */
export const submissionStageKind = (stage: string) =>
  stage === 'full-proposal' ? 'full-proposal-submission' : 'pre-proposal-submission';

export const receiptPdfUrl = (id: string, seq: number) =>
  `/api/proposals/${encodeURIComponent(id)}/versions/${seq}/receipt.pdf`;

export const documentUrl = (id: string, kind: string) =>
  `/api/proposals/${encodeURIComponent(id)}/documents/${encodeURIComponent(kind)}`;
