import { z } from 'zod';
import { AppError, anyOf, isAdmin, type FastifyPluginAsyncZod, type Principal } from '@permed/http';
import { releasedReviews } from '../anonymised-reviews.ts';
import { requireCallContext, type UseCaseDeps } from '../evaluation-context.ts';
import { callOfProposal } from '../proposal-store.ts';
import { problems } from './common.ts';

/** Only the coordinator of the consortium answers the reviews. */
function requireCoordinator(principal: Principal, proposalId: string): void {
  const ok =
    isAdmin(principal) ||
    principal.grants.some(
      (g) =>
        g.role === 'applicant' &&
        g.scopeType === 'proposal' &&
        g.scopeId === proposalId &&
        g.subRole === 'coordinator',
    );
  if (!ok) throw new AppError('FORBIDDEN', 'Only the coordinator of this proposal sees its reviews');
}

/** What the consortium sees of its evaluation: the anonymised reviews during the rebuttal. */
export function applicantRoutes(deps: UseCaseDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/proposals/:proposalId/released-reviews',
      {
        config: { access: anyOf('applicant') },
        schema: {
          operationId: 'listReleasedReviews',
          tags: ['evaluation (applicant)'],
          summary:
            'The reviews of your proposal, anonymised ("Reviewer 1", …), from the opening of the rebuttal stage (coordinator only)',
          params: z.object({ proposalId: z.uuid() }).strict(),
          response: {
            // Declared field by field: the serializer drops anything else, so no reviewer id or name can leak.
            200: z.object({
              proposalId: z.string(),
              stage: z.literal('full-proposal'),
              rebuttal: z.object({
                opensAt: z.string(),
                closesAt: z.string(),
                zone: z.string(),
                maxCharacters: z.number(),
              }),
              criteria: z.array(z.object({ id: z.string(), label: z.string(), weight: z.number() })),
              reviews: z.array(
                z.object({
                  label: z.string(),
                  scores: z.array(
                    z.object({
                      criterionId: z.string(),
                      label: z.string(),
                      score: z.number(),
                      comment: z.string().nullable(),
                    }),
                  ),
                }),
              ),
            }),
            ...problems,
          },
        },
      },
      async (request) => {
        const proposalId = request.params.proposalId;
        requireCoordinator(request.principal!, proposalId);
        const callId = await callOfProposal(deps.db, proposalId);
        if (!callId) throw new AppError('NOT_FOUND', `No proposal ${proposalId}`);
        const ctx = await requireCallContext(deps.db, callId);
        return releasedReviews(deps.db, ctx, proposalId, deps.clock.now());
      },
    );
  };
}
