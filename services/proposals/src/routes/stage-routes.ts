import { z } from 'zod';
import { anyOf, type FastifyPluginAsyncZod } from '@permed/http';
import {
  decideChangeRequest,
  listChangeRequests,
  readChangeReport,
  requestChangeApproval,
  type ChangeRequestRow,
} from '../change-requests.ts';
import type { ProposalsContext } from '../deps.ts';
import { openFullProposal } from '../open-full-proposal.ts';
import { findRebuttal, readReviews, submitRebuttal } from '../submit-rebuttal.ts';
import { problems, proposalIdParams } from './route-schemas.ts';

const tags = ['proposals: full stage and rebuttal'];

const changeRequestView = z.object({
  id: z.string(),
  status: z.enum(['pending', 'approved', 'rejected']),
  consortiumHash: z.string(),
  reason: z.string(),
  changes: z.record(z.string(), z.unknown()),
  requestedAt: z.string(),
  decidedAt: z.string().nullable(),
  decisionComment: z.string().nullable(),
});
const changeRequestOf = (r: ChangeRequestRow): z.infer<typeof changeRequestView> => ({
  id: r.id,
  status: r.status,
  consortiumHash: r.consortiumHash,
  reason: r.reason,
  changes: r.changes,
  requestedAt: r.requestedAt.toISOString(),
  decidedAt: r.decidedAt?.toISOString() ?? null,
  decisionComment: r.decisionComment,
});

const rebuttalView = z.object({
  proposalId: z.string(),
  text: z.string(),
  characters: z.number().describe('Length in Unicode code points'),
  callVersion: z.number(),
  submittedAt: z.string(),
});

export function stageRoutes(ctx: ProposalsContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/:id/full-proposal',
      {
        config: { access: anyOf('applicant') },
        schema: {
          operationId: 'openFullProposal',
          tags,
          summary:
            'Open the full proposal of an invited proposal, pre-filled from the last pre-proposal version (coordinator)',
          params: proposalIdParams,
          response: {
            200: z.object({ state: z.string(), basedOnVersion: z.number() }),
            ...problems(400, 401, 403, 404, 409),
          },
        },
      },
      async (request) => openFullProposal(ctx, request.principal!, request.params.id),
    );

    app.get(
      '/:id/change-report',
      {
        config: { access: anyOf('applicant', 'call-office') },
        schema: {
          operationId: 'getChangeReport',
          tags,
          summary:
            'Changes since the pre-proposal: partners, coordinator, budgets; and the approval they need',
          description:
            "What needs the call office's approval before SUBMIT_FULL is the call's choice (`stageChanges` of the call definition): by default a partner added or removed and a changed coordinator; a budget change when the call sets `budgetChangePercent` and a partner's budget, or the total in one currency, moves by more than that share of its pre-proposal amount. `approvalReasons` names what applies (partner-added, partner-removed, coordinator-changed, budget-changed); an approval is given for the consortium (and, for a budget change, the budgets) as requested, so a later change needs a new request. Budgets are compared per partner and per currency, never converted. `eligibility` is the pre-check of the full proposal against the current call version.",
          params: proposalIdParams,
          response: { 200: z.record(z.string(), z.unknown()), ...problems(400, 401, 403, 404, 409) },
        },
      },
      async (request) =>
        (await readChangeReport(ctx, request.principal!, request.params.id)) as unknown as Record<
          string,
          unknown
        >,
    );

    app.get(
      '/:id/change-requests',
      {
        config: { access: anyOf('applicant', 'call-office') },
        schema: {
          operationId: 'listChangeRequests',
          tags,
          summary: 'Requests to approve the changes of the full proposal, newest first',
          params: proposalIdParams,
          response: { 200: z.array(changeRequestView), ...problems(400, 401, 403, 404) },
        },
      },
      async (request) =>
        (await listChangeRequests(ctx, request.principal!, request.params.id)).map(changeRequestOf),
    );

    app.post(
      '/:id/change-requests',
      {
        config: { access: anyOf('applicant') },
        schema: {
          operationId: 'requestChangeApproval',
          tags,
          summary: 'Ask the call office to approve the changes as they stand (coordinator)',
          params: proposalIdParams,
          body: z.object({ reason: z.string().trim().min(3).max(4000) }).strict(),
          response: { 201: changeRequestView, ...problems(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(
            changeRequestOf(
              await requestChangeApproval(ctx, request.principal!, request.params.id, request.body.reason),
            ),
          ),
    );

    app.post(
      '/:id/change-requests/:requestId/decision',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'decideChangeRequest',
          tags,
          summary: 'Approve or reject the changes of a full proposal (call office of the call)',
          params: z.object({ id: z.uuid(), requestId: z.uuid() }).strict(),
          body: z
            .object({
              decision: z.enum(['approve', 'reject']),
              comment: z.string().trim().min(1).max(4000).optional(),
            })
            .strict(),
          response: { 200: changeRequestView, ...problems(400, 401, 403, 404, 409) },
        },
      },
      async (request) =>
        changeRequestOf(
          await decideChangeRequest(
            ctx,
            request.principal!,
            request.params.id,
            request.params.requestId,
            request.body,
          ),
        ),
    );

    app.get(
      '/:id/reviews',
      {
        config: { access: anyOf('applicant') },
        schema: {
          operationId: 'listRebuttalReviews',
          tags,
          summary: 'The reviews, anonymised, from the opening of the rebuttal (coordinator)',
          params: proposalIdParams,
          response: {
            200: z.object({
              rebuttal: z.object({ opensAt: z.string(), closesAt: z.string(), zone: z.string() }),
              reviews: z.array(
                z.object({
                  label: z.string(),
                  stage: z.string(),
                  scores: z.array(z.object({ criterionId: z.string(), score: z.number() })),
                  comments: z.array(z.object({ criterionId: z.string().optional(), text: z.string() })),
                  overall: z.string().optional(),
                }),
              ),
            }),
            ...problems(400, 401, 403, 404, 409),
          },
        },
      },
      async (request) => {
        const { reviews, window } = await readReviews(ctx, request.principal!, request.params.id);
        return {
          rebuttal: { opensAt: window.opensAt.at, closesAt: window.closesAt.at, zone: window.closesAt.zone },
          reviews,
        };
      },
    );

    app.post(
      '/:id/rebuttal',
      {
        config: { access: anyOf('applicant') },
        schema: {
          operationId: 'submitRebuttal',
          tags,
          summary: "Submit the one answer to the reviews during the call's rebuttal window (coordinator)",
          description:
            "The text may have at most the call's `rebuttal.maxCharacters` characters, counted as Unicode code points (an emoji or a character outside the BMP counts as one, a combining accent as one more). Before the window: 409 STAGE_NOT_OPEN; at or after its end by the server clock: 409 DEADLINE_PASSED, whatever the text (the window is checked before the length). One answer per proposal: a second gives 409 ALREADY_EXISTS.",
          params: proposalIdParams,
          body: z.object({ text: z.string().trim().min(1).max(400_000) }).strict(),
          response: { 201: rebuttalView, ...problems(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        const row = await submitRebuttal(ctx, request.principal!, request.params.id, request.body.text);
        return reply.code(201).send({ ...row, submittedAt: row.submittedAt.toISOString() });
      },
    );

    app.get(
      '/:id/rebuttal',
      {
        config: { access: anyOf('applicant', 'call-office') },
        schema: {
          operationId: 'getRebuttal',
          tags,
          summary: 'The submitted rebuttal',
          params: proposalIdParams,
          response: { 200: rebuttalView, ...problems(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const row = await findRebuttal(ctx, request.principal!, request.params.id);
        return { ...row, submittedAt: row.submittedAt.toISOString() };
      },
    );
  };
}
