import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { schema } from '@permed/db';
import { AppError, anyOf, hasScope, type FastifyPluginAsyncZod, type Principal } from '@permed/http';
import { actorOf } from '@permed/service-kit';
import { acceptConfidentiality } from '../accept-confidentiality.ts';
import { anonymise, labelledReviews, readRebuttal } from '../anonymised-reviews.ts';
import { pairConflicts } from '../conflict-inputs.ts';
import {
  CONFIDENTIALITY_STATEMENT,
  CONFIDENTIALITY_STATEMENT_HASH,
  CONFIDENTIALITY_STATEMENT_VERSION,
} from '../confidentiality-statement.ts';
import { declareConflict } from '../declare-conflict.ts';
import { declineAssignment } from '../decline-assignment.ts';
import {
  requireCallContext,
  reviewDeadline,
  stageCriteriaOf,
  type CallContext,
  type EvaluationStage,
  type UseCaseDeps,
} from '../evaluation-context.ts';
import { scoresInput, stageInput } from '../inputs.ts';
import { acronymsOf } from '../proposal-store.ts';
import { reviewOf, type ReviewRow } from '../review-rules.ts';
import {
  confidentialityOf,
  declarationOf,
  requireAssignedProposal,
  requireClearedProposal,
  requireConfidentiality,
  requireReviewer,
} from '../reviewer-gate.ts';
import { saveReview } from '../save-review.ts';
import { callParams, iso, problems, proposalParams } from './common.ts';

const stageQuery = z.object({ stage: stageInput.optional() }).strict();
const tags = ['evaluation (reviewer)'];

const scoreView = z.object({ criterionId: z.string(), score: z.number(), comment: z.string().optional() });
const reviewView = z.object({
  proposalId: z.string(),
  stage: z.string(),
  assignmentId: z.string(),
  status: z.enum(['not-started', 'draft', 'submitted']),
  scores: z.array(scoreView),
  revision: z.number(),
  submittedAt: z.string().nullable(),
  deadline: z.string().nullable(),
  criteria: z.array(
    z.object({ id: z.string(), label: z.string(), weight: z.number(), threshold: z.number().nullable() }),
  ),
  scale: z.object({ min: z.number(), max: z.number() }),
  halfPoints: z.boolean(),
});

const anonymisedReview = z.object({
  label: z.string(),
  scores: z.array(
    z.object({
      criterionId: z.string(),
      label: z.string(),
      score: z.number(),
      comment: z.string().nullable(),
    }),
  ),
});

/** Everything a reviewer does: confidentiality, the COI screen and declaration, reading, scoring. */
export function reviewerRoutes(deps: UseCaseDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/calls/:callId/confidentiality',
      {
        config: { access: anyOf('reviewer') },
        schema: {
          operationId: 'getConfidentiality',
          tags,
          summary: 'The confidentiality undertaking and whether you accepted it',
          params: callParams,
          response: {
            200: z.object({
              statementVersion: z.string(),
              statement: z.string(),
              statementHash: z.string(),
              acceptedAt: z.string().nullable(),
            }),
            ...problems,
          },
        },
      },
      async (request) => {
        const reviewer = await requireReviewer(deps.db, request.principal!, request.params.callId);
        const accepted = await confidentialityOf(deps.db, reviewer.id);
        return {
          statementVersion: CONFIDENTIALITY_STATEMENT_VERSION,
          statement: CONFIDENTIALITY_STATEMENT,
          statementHash: CONFIDENTIALITY_STATEMENT_HASH,
          acceptedAt: iso(accepted?.acceptedAt ?? null),
        };
      },
    );

    app.post(
      '/calls/:callId/confidentiality',
      {
        config: { access: anyOf('reviewer') },
        schema: {
          operationId: 'acceptConfidentiality',
          tags,
          summary: 'Accept the confidentiality undertaking (send back the hash of the text you read)',
          params: callParams,
          body: z.object({ statementHash: z.string().regex(/^[0-9a-f]{64}$/) }).strict(),
          response: {
            200: z.object({
              acceptedAt: z.string(),
              statementVersion: z.string(),
              statementHash: z.string(),
            }),
            ...problems,
          },
        },
      },
      async (request) => {
        const reviewer = await requireReviewer(deps.db, request.principal!, request.params.callId);
        const row = await acceptConfidentiality(
          deps,
          actorOf(request.principal),
          reviewer,
          request.body.statementHash,
        );
        return {
          acceptedAt: row.acceptedAt.toISOString(),
          statementVersion: row.statementVersion,
          statementHash: row.statementHash,
        };
      },
    );

    app.get(
      '/calls/:callId/my-assignments',
      {
        config: { access: anyOf('reviewer') },
        schema: {
          operationId: 'listMyAssignments',
          tags,
          summary: 'Your assignments, with your declaration and review status',
          params: callParams,
          response: {
            200: z.array(
              z.object({
                assignmentId: z.string(),
                proposalId: z.string(),
                acronym: z.string(),
                stage: z.string(),
                status: z.string(),
                declaration: z.enum(['undeclared', 'no-conflict', 'conflict']),
                review: z.enum(['not-started', 'draft', 'submitted']),
                deadline: z.string().nullable(),
              }),
            ),
            ...problems,
          },
        },
      },
      async (request) => {
        const ctx = await requireCallContext(deps.db, request.params.callId);
        const reviewer = await requireReviewer(deps.db, request.principal!, ctx.callId);
        await requireConfidentiality(deps.db, reviewer, ctx.callId);
        const rows = await deps.db
          .select({
            a: schema.assignments,
            review: schema.reviews.status,
            conflict: schema.coiDeclarations.conflict,
          })
          .from(schema.assignments)
          .leftJoin(
            schema.reviews,
            and(
              eq(schema.reviews.stage, schema.assignments.stage),
              eq(schema.reviews.proposalId, schema.assignments.proposalId),
              eq(schema.reviews.reviewerId, schema.assignments.reviewerId),
            ),
          )
          .leftJoin(
            schema.coiDeclarations,
            and(
              eq(schema.coiDeclarations.proposalId, schema.assignments.proposalId),
              eq(schema.coiDeclarations.reviewerId, schema.assignments.reviewerId),
            ),
          )
          .where(
            and(eq(schema.assignments.reviewerId, reviewer.id), eq(schema.assignments.status, 'active')),
          );
        const acronyms = await acronymsOf(
          deps.db,
          rows.map((r) => r.a.proposalId),
        );
        return rows.map((r) => ({
          assignmentId: r.a.id,
          proposalId: r.a.proposalId,
          acronym: acronyms.get(r.a.proposalId) ?? '',
          stage: r.a.stage,
          status: r.a.status,
          declaration:
            r.conflict === null
              ? ('undeclared' as const)
              : r.conflict
                ? ('conflict' as const)
                : ('no-conflict' as const),
          review: r.review ?? ('not-started' as const),
          deadline: iso(reviewDeadline(ctx.definition, r.a.stage)),
        }));
      },
    );

    app.get(
      '/calls/:callId/proposals/:proposalId/coi-screen',
      {
        config: { access: anyOf('reviewer') },
        schema: {
          operationId: 'getCoiScreen',
          tags,
          summary: 'The COI screen: acronym, title and partners only, to declare conflicts before reading',
          params: proposalParams,
          querystring: stageQuery,
          response: {
            200: z.object({
              proposalId: z.string(),
              stage: z.string(),
              acronym: z.string(),
              title: z.string(),
              partners: z.array(
                z.object({
                  organisation: z.string(),
                  country: z.string(),
                  principalInvestigator: z.string(),
                  coordinator: z.boolean(),
                }),
              ),
              declaration: z
                .object({
                  conflict: z.boolean(),
                  note: z.string(),
                  declaredAt: z.string(),
                  revision: z.number(),
                })
                .nullable(),
              detectedConflicts: z.array(z.object({ reason: z.string(), message: z.string() })),
            }),
            ...problems,
          },
        },
      },
      async (request) => {
        const ctx = await requireCallContext(deps.db, request.params.callId);
        const reviewer = await requireReviewer(deps.db, request.principal!, ctx.callId);
        await requireConfidentiality(deps.db, reviewer, ctx.callId);
        const { proposal } = await requireAssignedProposal(
          deps.db,
          ctx,
          reviewer,
          request.params.proposalId,
          request.query.stage,
        );
        const declaration = await declarationOf(deps.db, reviewer.id, proposal.id);
        const detected = (await pairConflicts(deps.db, ctx, reviewer, proposal)).filter(
          (c) => c.reason !== 'declared',
        );
        const doc = proposal.document;
        return {
          proposalId: proposal.id,
          stage: proposal.stage,
          acronym: doc.acronym,
          title: doc.title,
          partners: doc.partners.map((p) => ({
            organisation: p.organisation.name,
            country: p.organisation.country,
            principalInvestigator: p.pi.name,
            coordinator: p.coordinator,
          })),
          declaration: declaration
            ? {
                conflict: declaration.conflict,
                note: declaration.note,
                declaredAt: declaration.declaredAt.toISOString(),
                revision: declaration.revision,
              }
            : null,
          detectedConflicts: detected.map((c) => ({ reason: c.reason, message: c.message })),
        };
      },
    );

    app.put(
      '/calls/:callId/proposals/:proposalId/coi-declaration',
      {
        config: { access: anyOf('reviewer') },
        schema: {
          operationId: 'declareConflict',
          tags,
          summary:
            'Declare whether you have a conflict of interest; a conflict withdraws you from the proposal and a replacement is assigned',
          params: proposalParams,
          body: z.object({ conflict: z.boolean(), note: z.string().trim().max(2000).default('') }).strict(),
          response: {
            200: z.object({
              conflict: z.boolean(),
              note: z.string(),
              revision: z.number(),
              declaredAt: z.string(),
              changed: z.boolean(),
              declinedAssignments: z.array(
                z.object({ assignmentId: z.string(), replacedBy: z.string().nullable() }),
              ),
            }),
            ...problems,
          },
        },
      },
      async (request) => {
        const ctx = await requireCallContext(deps.db, request.params.callId);
        const reviewer = await requireReviewer(deps.db, request.principal!, ctx.callId);
        await requireConfidentiality(deps.db, reviewer, ctx.callId);
        const result = await declareConflict(
          deps,
          actorOf(request.principal),
          ctx,
          reviewer,
          request.params.proposalId,
          request.body,
        );
        return {
          conflict: result.declaration.conflict,
          note: result.declaration.note,
          revision: result.declaration.revision,
          declaredAt: result.declaration.declaredAt.toISOString(),
          changed: result.changed,
          // The replacement's identity is for the call office; the reviewer learns only that there is one.
          declinedAssignments: result.declined.map((d) => ({
            assignmentId: d.declined.id,
            replacedBy: d.replacement?.assignmentId ?? null,
          })),
        };
      },
    );

    app.get(
      '/calls/:callId/proposals/:proposalId',
      {
        config: { access: anyOf('reviewer') },
        schema: {
          operationId: 'getAssignedProposal',
          tags,
          summary: 'The full proposal: only when assigned, with no conflict detected and none declared',
          params: proposalParams,
          querystring: stageQuery,
          response: {
            200: z.object({
              proposalId: z.string(),
              stage: z.string(),
              version: z.number(),
              document: z.record(z.string(), z.unknown()),
            }),
            ...problems,
          },
        },
      },
      async (request) => {
        const ctx = await requireCallContext(deps.db, request.params.callId);
        const reviewer = await requireReviewer(deps.db, request.principal!, ctx.callId);
        await requireConfidentiality(deps.db, reviewer, ctx.callId);
        const { proposal } = await requireClearedProposal(
          deps.db,
          ctx,
          reviewer,
          request.params.proposalId,
          request.query.stage,
        );
        return {
          proposalId: proposal.id,
          stage: proposal.stage,
          version: proposal.seq,
          document: proposal.document as unknown as Record<string, unknown>,
        };
      },
    );

    const reviewResponse = async (
      callId: string,
      proposalId: string,
      stage: EvaluationStage | undefined,
      principal: Principal,
    ) => {
      const ctx = await requireCallContext(deps.db, callId);
      const reviewer = await requireReviewer(deps.db, principal, ctx.callId);
      await requireConfidentiality(deps.db, reviewer, ctx.callId);
      const { assignment } = await requireClearedProposal(deps.db, ctx, reviewer, proposalId, stage);
      const review = await reviewOf(deps.db, assignment.stage, proposalId, reviewer.id);
      return toReviewView(ctx, assignment.stage, proposalId, assignment.id, review);
    };

    function toReviewView(
      ctx: CallContext,
      stage: EvaluationStage,
      proposalId: string,
      assignmentId: string,
      review: ReviewRow | null,
    ): z.infer<typeof reviewView> {
      const criteria = stageCriteriaOf(ctx.definition, stage);
      return {
        proposalId,
        stage,
        assignmentId,
        status: review?.status ?? 'not-started',
        scores: review?.scores ?? [],
        revision: review?.revision ?? 0,
        submittedAt: iso(review?.submittedAt ?? null),
        deadline: iso(reviewDeadline(ctx.definition, stage)),
        criteria: criteria.criteria.map((c) => ({
          id: c.id,
          label: c.label,
          weight: c.weight,
          threshold: c.threshold ?? null,
        })),
        scale: criteria.scale,
        halfPoints: criteria.halfPoints,
      };
    }

    app.get(
      '/calls/:callId/proposals/:proposalId/review',
      {
        config: { access: anyOf('reviewer') },
        schema: {
          operationId: 'getReview',
          tags,
          summary: 'Your review of the proposal (criteria, scale, deadline, draft or submitted scores)',
          params: proposalParams,
          querystring: stageQuery,
          response: { 200: reviewView, ...problems },
        },
      },
      async (request) =>
        reviewResponse(
          request.params.callId,
          request.params.proposalId,
          request.query.stage,
          request.principal!,
        ),
    );

    app.put(
      '/calls/:callId/proposals/:proposalId/review',
      {
        config: { access: anyOf('reviewer') },
        schema: {
          operationId: 'saveReviewDraft',
          tags,
          summary: 'Save your review as a draft (criteria may still be missing)',
          params: proposalParams,
          querystring: stageQuery,
          body: z.object({ scores: scoresInput }).strict(),
          response: { 200: reviewView, ...problems },
        },
      },
      async (request) => {
        const ctx = await requireCallContext(deps.db, request.params.callId);
        const reviewer = await requireReviewer(deps.db, request.principal!, ctx.callId);
        await requireConfidentiality(deps.db, reviewer, ctx.callId);
        const row = await saveReview(deps, actorOf(request.principal), ctx, reviewer, {
          proposalId: request.params.proposalId,
          stage: request.query.stage,
          scores: request.body.scores,
          submit: false,
        });
        return toReviewView(ctx, row.stage, row.proposalId, row.assignmentId, row);
      },
    );

    app.post(
      '/calls/:callId/proposals/:proposalId/review/submit',
      {
        config: { access: anyOf('reviewer') },
        schema: {
          operationId: 'submitReview',
          tags,
          summary: 'Submit your review (final); late after the review deadline by the server clock',
          params: proposalParams,
          querystring: stageQuery,
          body: z.object({ scores: scoresInput.optional() }).strict().default({}),
          response: { 200: reviewView, ...problems },
        },
      },
      async (request) => {
        const ctx = await requireCallContext(deps.db, request.params.callId);
        const reviewer = await requireReviewer(deps.db, request.principal!, ctx.callId);
        await requireConfidentiality(deps.db, reviewer, ctx.callId);
        const row = await saveReview(deps, actorOf(request.principal), ctx, reviewer, {
          proposalId: request.params.proposalId,
          stage: request.query.stage,
          scores: request.body.scores,
          submit: true,
        });
        return toReviewView(ctx, row.stage, row.proposalId, row.assignmentId, row);
      },
    );

    app.get(
      '/calls/:callId/proposals/:proposalId/reviews',
      {
        config: { access: anyOf('reviewer') },
        schema: {
          operationId: 'listPeerReviews',
          tags,
          summary: 'The submitted reviews of the proposal, anonymised; only once your own is submitted',
          params: proposalParams,
          querystring: stageQuery,
          response: {
            200: z.object({
              stage: z.string(),
              reviews: z.array(anonymisedReview.extend({ own: z.boolean() })),
            }),
            ...problems,
          },
        },
      },
      async (request) => {
        const ctx = await requireCallContext(deps.db, request.params.callId);
        const reviewer = await requireReviewer(deps.db, request.principal!, ctx.callId);
        await requireConfidentiality(deps.db, reviewer, ctx.callId);
        const { assignment } = await requireClearedProposal(
          deps.db,
          ctx,
          reviewer,
          request.params.proposalId,
          request.query.stage,
        );
        const own = await reviewOf(deps.db, assignment.stage, assignment.proposalId, reviewer.id);
        if (own?.status !== 'submitted') {
          throw new AppError('FORBIDDEN', 'Submit your own review before reading the other reviews');
        }
        const labelled = await labelledReviews(deps.db, assignment.stage, assignment.proposalId);
        return {
          stage: assignment.stage,
          reviews: labelled.map((l) => ({
            ...anonymise(ctx, assignment.stage, l.label, l.review),
            own: l.review.reviewerId === reviewer.id,
          })),
        };
      },
    );

    app.get(
      '/calls/:callId/proposals/:proposalId/rebuttal',
      {
        config: { access: anyOf('reviewer') },
        schema: {
          operationId: 'getRebuttalForReviewers',
          tags,
          summary: 'The consortium’s rebuttal, for its reviewers',
          params: proposalParams,
          response: {
            200: z.object({
              available: z.boolean(),
              text: z.string().nullable(),
              characters: z.number().nullable(),
              submittedAt: z.string().nullable(),
            }),
            ...problems,
          },
        },
      },
      async (request) => {
        const ctx = await requireCallContext(deps.db, request.params.callId);
        const reviewer = await requireReviewer(deps.db, request.principal!, ctx.callId);
        await requireConfidentiality(deps.db, reviewer, ctx.callId);
        await requireClearedProposal(deps.db, ctx, reviewer, request.params.proposalId, 'full-proposal');
        return readRebuttal(deps.db, request.params.proposalId);
      },
    );

    app.post(
      '/calls/:callId/assignments/:assignmentId/decline',
      {
        config: { access: anyOf('reviewer', 'call-office') },
        schema: {
          operationId: 'declineAssignment',
          tags,
          summary:
            'Decline an assignment (the reviewer, or the call office for them); the best valid replacement is applied or proposed',
          params: z.object({ callId: z.uuid(), assignmentId: z.uuid() }).strict(),
          body: z
            .object({
              reason: z.string().trim().min(1).max(2000),
              replacement: z.enum(['apply', 'propose', 'none']).default('apply'),
            })
            .strict(),
          response: {
            200: z.object({
              assignmentId: z.string(),
              status: z.string(),
              replacement: z
                .object({
                  assignmentId: z.string().nullable(),
                  reviewerId: z.string(),
                  affinity: z.number(),
                  load: z.number(),
                })
                .nullable(),
              applied: z.boolean(),
            }),
            ...problems,
          },
        },
      },
      async (request) => {
        const principal = request.principal!;
        const ctx = await requireCallContext(deps.db, request.params.callId);
        const office = hasScope(principal, 'call-office', 'call', ctx.callId);
        const reviewer = office ? null : await requireReviewer(deps.db, principal, ctx.callId);
        if (reviewer) await requireConfidentiality(deps.db, reviewer, ctx.callId);
        const result = await declineAssignment(deps, actorOf(principal), ctx, {
          assignmentId: request.params.assignmentId,
          reason: request.body.reason,
          mode: request.body.replacement,
          reviewer,
        });
        // A reviewer never learns who replaces them.
        const replacement =
          result.replacement && office
            ? {
                assignmentId: result.replacement.assignmentId,
                reviewerId: result.replacement.reviewerId,
                affinity: result.replacement.affinity,
                load: result.replacement.load,
              }
            : null;
        return {
          assignmentId: result.declined.id,
          status: result.declined.status,
          replacement,
          applied: result.applied,
        };
      },
    );
  };
}
