import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { schema } from '@permed/db';
import { AppError, anyOf, type FastifyPluginAsyncZod } from '@permed/http';
import { actorOf } from '@permed/service-kit';
import { readRebuttal } from '../anonymised-reviews.ts';
import { computeRanking } from '../compute-ranking.ts';
import { decideInvitations } from '../decide-invitations.ts';
import { rankingCutoffs, requireStage, stageCriteriaOf, type UseCaseDeps } from '../evaluation-context.ts';
import { freezeRanking } from '../freeze-ranking.ts';
import { findFrozenList, hashOfFrozen, type RankingListRow } from '../frozen-ranking.ts';
import { pairInput, scoresInput, stageInput } from '../inputs.ts';
import { overrideAssignments } from '../override-assignments.ts';
import { findStageProposal } from '../proposal-store.ts';
import { listConflicts, refreshConflicts } from '../refresh-conflicts.ts';
import { reviewProgress } from '../review-progress.ts';
import type { AssignmentRow } from '../reviewer-gate.ts';
import { runAssignment } from '../run-assignment.ts';
import { sendReminders } from '../send-reminders.ts';
import { setConsensusScore } from '../set-consensus-score.ts';
import { callParams, officeContext, problems, proposalParams } from './common.ts';

const tags = ['evaluation (call office)'];
const stageQuery = z.object({ stage: stageInput }).strict();

const assignmentView = z.object({
  id: z.string(),
  stage: z.string(),
  proposalId: z.string(),
  reviewerId: z.string(),
  status: z.string(),
  source: z.string(),
  runId: z.string().nullable(),
  affinity: z.number().nullable(),
  reason: z.string().nullable(),
  changedAt: z.string(),
});
const toAssignmentView = (a: AssignmentRow): z.infer<typeof assignmentView> => ({
  id: a.id,
  stage: a.stage,
  proposalId: a.proposalId,
  reviewerId: a.reviewerId,
  status: a.status,
  source: a.source,
  runId: a.runId,
  affinity: a.affinity,
  reason: a.reason,
  changedAt: a.changedAt.toISOString(),
});

const violationView = z.object({
  code: z.string(),
  message: z.string(),
  proposalIds: z.array(z.string()),
  reviewerIds: z.array(z.string()),
});

const frozenView = z.object({
  id: z.string(),
  callId: z.string(),
  stage: z.string(),
  callVersion: z.number(),
  hash: z.string(),
  hashVerified: z.boolean(),
  tieBreak: z.array(z.string()),
  cutoffs: z.object({ a: z.number(), b: z.number() }),
  frozenAt: z.string(),
  frozenBy: z.string(),
  entries: z.array(z.record(z.string(), z.unknown())),
});

/** Panel management by the call office of the call: conflicts, assignment, progress, scores, ranking. */
export function officeRoutes(deps: UseCaseDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const frozenResponse = async (row: RankingListRow) => {
      // The cut-offs come from the call version the list names, so the hash is checked against it.
      const [version] = await deps.db
        .select({ definition: schema.callVersions.definition })
        .from(schema.callVersions)
        .where(
          and(eq(schema.callVersions.callId, row.callId), eq(schema.callVersions.version, row.callVersion)),
        );
      const definition = version!.definition as unknown as Parameters<typeof stageCriteriaOf>[0];
      const cutoffs = rankingCutoffs(stageCriteriaOf(definition, row.stage));
      return {
        id: row.id,
        callId: row.callId,
        stage: row.stage,
        callVersion: row.callVersion,
        hash: row.hash,
        hashVerified: hashOfFrozen(row) === row.hash,
        tieBreak: row.tieBreak,
        cutoffs,
        frozenAt: row.frozenAt.toISOString(),
        frozenBy: row.frozenByLabel,
        entries: row.entries as unknown as Record<string, unknown>[],
      };
    };

    app.post(
      '/calls/:callId/conflict-detections',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'detectConflicts',
          tags,
          summary:
            'Detect conflicts of interest of the whole pool with the proposals of a stage, and store them',
          params: callParams,
          body: z.object({ stage: stageInput }).strict(),
          response: { 200: z.object({ detected: z.number() }), ...problems },
        },
      },
      async (request) => {
        const ctx = await officeContext(deps, request.principal!, request.params.callId);
        const conflicts = await refreshConflicts(deps, actorOf(request.principal), ctx, request.body.stage);
        return { detected: conflicts.filter((c) => c.reason !== 'declared').length };
      },
    );

    app.get(
      '/calls/:callId/conflicts',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'listConflicts',
          tags,
          summary: 'Conflicts of interest: the last detection run and the reviewers’ declarations',
          params: callParams,
          response: {
            200: z.array(
              z.object({
                reviewerId: z.string(),
                reviewerName: z.string(),
                proposalId: z.string(),
                acronym: z.string(),
                source: z.enum(['detected', 'declared']),
                reason: z.string(),
                message: z.string(),
                facts: z.record(z.string(), z.unknown()).nullable(),
                at: z.string(),
              }),
            ),
            ...problems,
          },
        },
      },
      async (request) => {
        const ctx = await officeContext(deps, request.principal!, request.params.callId);
        return listConflicts(deps.db, ctx.callId);
      },
    );

    app.post(
      '/calls/:callId/assignment-runs',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'runAssignment',
          tags,
          summary:
            'Run the exact assignment optimiser over the stage’s proposals and the reviewers who accepted (422 with a diagnosis when infeasible)',
          params: callParams,
          body: z
            .object({
              stage: stageInput,
              reviewersPerProposal: z.number().int().min(1).max(10).optional(),
              maxLoad: z.number().int().min(0).max(200).optional(),
              minLoad: z.number().int().min(0).max(200).optional(),
              distinctCountries: z.boolean().optional(),
              candidatesPerProposal: z
                .union([z.number().int().min(1).max(1000), z.literal('all')])
                .optional(),
              apply: z.boolean().default(true),
            })
            .strict(),
          response: {
            201: z.object({
              runId: z.string(),
              status: z.literal('optimal'),
              inputHash: z.string(),
              parameters: z.record(z.string(), z.unknown()),
              solver: z.record(z.string(), z.unknown()),
              objective: z.object({
                totalAffinity: z.number(),
                affinityScale: z.number(),
                pairs: z.number(),
              }),
              applied: z.boolean(),
              changes: z.object({ added: z.number(), removed: z.number(), kept: z.number() }),
              assignments: z.array(
                z.object({
                  proposalId: z.string(),
                  reviewerId: z.string(),
                  affinity: z.number(),
                  fixed: z.boolean(),
                }),
              ),
              loads: z.array(z.object({ reviewerId: z.string(), load: z.number() })),
            }),
            ...problems,
            422: z.unknown(),
          },
        },
      },
      async (request, reply) => {
        const ctx = await officeContext(deps, request.principal!, request.params.callId);
        const b = request.body;
        const outcome = await runAssignment(deps, actorOf(request.principal), ctx, {
          stage: b.stage,
          settings: {
            ...(b.reviewersPerProposal === undefined ? {} : { reviewersPerProposal: b.reviewersPerProposal }),
            ...(b.maxLoad === undefined ? {} : { maxLoad: b.maxLoad }),
            ...(b.minLoad === undefined ? {} : { minLoad: b.minLoad }),
            ...(b.distinctCountries === undefined ? {} : { distinctCountries: b.distinctCountries }),
          },
          candidatesPerProposal: b.candidatesPerProposal,
          apply: b.apply,
        });
        const r = outcome.result;
        return reply.code(201).send({
          runId: outcome.runId,
          status: 'optimal' as const,
          inputHash: r.inputHash,
          parameters: r.parameters,
          solver: r.solver,
          objective: r.objective,
          applied: outcome.applied,
          changes: outcome.changes,
          assignments: r.assignments,
          loads: r.loads,
        });
      },
    );

    app.get(
      '/calls/:callId/assignment-runs/:runId',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'getAssignmentRun',
          tags,
          summary: 'One recorded optimiser run: input hash, parameters, solver, objective or diagnosis',
          params: z.object({ callId: z.uuid(), runId: z.uuid() }).strict(),
          response: {
            200: z.object({
              id: z.string(),
              stage: z.string(),
              callVersion: z.number(),
              status: z.string(),
              inputHash: z.string(),
              parameters: z.record(z.string(), z.unknown()),
              solver: z.record(z.string(), z.unknown()),
              objective: z.record(z.string(), z.unknown()).nullable(),
              diagnosis: z.record(z.string(), z.unknown()).nullable(),
              proposalCount: z.number(),
              reviewerCount: z.number(),
              applied: z.boolean(),
              createdAt: z.string(),
              createdBy: z.string(),
            }),
            ...problems,
          },
        },
      },
      async (request) => {
        const ctx = await officeContext(deps, request.principal!, request.params.callId);
        const [run] = await deps.db
          .select()
          .from(schema.assignmentRuns)
          .where(
            and(
              eq(schema.assignmentRuns.id, request.params.runId),
              eq(schema.assignmentRuns.callId, ctx.callId),
            ),
          );
        if (!run) throw new AppError('NOT_FOUND', `No assignment run ${request.params.runId}`);
        return {
          id: run.id,
          stage: run.stage,
          callVersion: run.callVersion,
          status: run.status,
          inputHash: run.inputHash,
          parameters: run.parameters,
          solver: run.solver,
          objective: run.objective,
          diagnosis: run.diagnosis,
          proposalCount: run.proposalCount,
          reviewerCount: run.reviewerCount,
          applied: run.applied,
          createdAt: run.createdAt.toISOString(),
          createdBy: run.createdByLabel,
        };
      },
    );

    app.get(
      '/calls/:callId/assignments',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'listAssignments',
          tags,
          summary: 'Every assignment of a stage, active, declined or removed',
          params: callParams,
          querystring: stageQuery,
          response: { 200: z.array(assignmentView), ...problems },
        },
      },
      async (request) => {
        const ctx = await officeContext(deps, request.principal!, request.params.callId);
        const rows = await deps.db
          .select()
          .from(schema.assignments)
          .where(
            and(eq(schema.assignments.callId, ctx.callId), eq(schema.assignments.stage, request.query.stage)),
          )
          .orderBy(asc(schema.assignments.proposalId), asc(schema.assignments.reviewerId));
        return rows.map(toAssignmentView);
      },
    );

    app.post(
      '/calls/:callId/assignment-overrides',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'overrideAssignments',
          tags,
          summary:
            'Add or remove single pairs; refused with ASSIGNMENT_CONSTRAINT_VIOLATED when a hard constraint breaks',
          params: callParams,
          body: z
            .object({
              stage: stageInput,
              add: z.array(pairInput).max(100).default([]),
              remove: z.array(pairInput).max(100).default([]),
              reason: z.string().trim().min(3).max(2000),
            })
            .strict(),
          response: {
            200: z.object({
              added: z.array(assignmentView),
              removed: z.array(assignmentView),
              warnings: z.array(violationView),
            }),
            ...problems,
          },
        },
      },
      async (request) => {
        const ctx = await officeContext(deps, request.principal!, request.params.callId);
        const result = await overrideAssignments(deps, actorOf(request.principal), ctx, request.body);
        return {
          added: result.added.map(toAssignmentView),
          removed: result.removed.map(toAssignmentView),
          warnings: result.warnings,
        };
      },
    );

    app.get(
      '/calls/:callId/progress',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'getReviewProgress',
          tags,
          summary:
            'Review progress per proposal and per reviewer: assigned, declined, draft, submitted, late',
          params: callParams,
          querystring: stageQuery,
          response: { 200: z.record(z.string(), z.unknown()), ...problems },
        },
      },
      async (request) => {
        const ctx = await officeContext(deps, request.principal!, request.params.callId);
        requireStage(ctx, request.query.stage);
        return { ...(await reviewProgress(deps.db, ctx, request.query.stage, deps.clock.now())) };
      },
    );

    app.post(
      '/calls/:callId/reminders',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'sendReviewReminders',
          tags,
          summary: 'E-mail one reminder per reviewer with pending reviews (at most one per reviewer per day)',
          params: callParams,
          body: z.object({ stage: stageInput }).strict(),
          response: {
            200: z.object({ queued: z.array(z.string()), alreadySentToday: z.array(z.string()) }),
            ...problems,
          },
        },
      },
      async (request) => {
        const ctx = await officeContext(deps, request.principal!, request.params.callId);
        return sendReminders(deps, actorOf(request.principal), ctx, request.body.stage);
      },
    );

    app.put(
      '/calls/:callId/proposals/:proposalId/consensus',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'recordConsensus',
          tags,
          summary:
            'Record the panel’s consensus score (replaces the mean of the reviews), with a justification',
          params: proposalParams,
          body: z
            .object({
              stage: stageInput,
              scores: scoresInput,
              justification: z.string().trim().min(1).max(5000),
            })
            .strict(),
          response: {
            200: z.object({
              proposalId: z.string(),
              stage: z.string(),
              scores: z.array(
                z.object({ criterionId: z.string(), score: z.number(), comment: z.string().optional() }),
              ),
              justification: z.string(),
              revision: z.number(),
              decidedAt: z.string(),
              decidedBy: z.string(),
            }),
            ...problems,
          },
        },
      },
      async (request) => {
        const ctx = await officeContext(deps, request.principal!, request.params.callId);
        const row = await setConsensusScore(deps, actorOf(request.principal), ctx, {
          proposalId: request.params.proposalId,
          ...request.body,
        });
        return {
          proposalId: row.proposalId,
          stage: row.stage,
          scores: row.scores,
          justification: row.justification,
          revision: row.revision,
          decidedAt: row.decidedAt.toISOString(),
          decidedBy: row.decidedByLabel,
        };
      },
    );

    app.get(
      '/calls/:callId/proposals/:proposalId/evaluation',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'getProposalEvaluation',
          tags,
          summary:
            'The panel’s view of one proposal: every review with its reviewer, the consensus, the rebuttal',
          params: proposalParams,
          querystring: stageQuery,
          response: {
            200: z.object({
              proposalId: z.string(),
              acronym: z.string(),
              stage: z.string(),
              state: z.string(),
              reviews: z.array(
                z.object({
                  reviewerId: z.string(),
                  reviewerName: z.string(),
                  assignmentStatus: z.string(),
                  status: z.string(),
                  scores: z.array(
                    z.object({ criterionId: z.string(), score: z.number(), comment: z.string().optional() }),
                  ),
                  submittedAt: z.string().nullable(),
                }),
              ),
              consensus: z
                .object({
                  scores: z.array(
                    z.object({ criterionId: z.string(), score: z.number(), comment: z.string().optional() }),
                  ),
                  justification: z.string(),
                  decidedBy: z.string(),
                  decidedAt: z.string(),
                })
                .nullable(),
              rebuttal: z
                .object({
                  available: z.boolean(),
                  text: z.string().nullable(),
                  characters: z.number().nullable(),
                  submittedAt: z.string().nullable(),
                })
                .nullable(),
            }),
            ...problems,
          },
        },
      },
      async (request) => {
        const ctx = await officeContext(deps, request.principal!, request.params.callId);
        const { proposalId } = request.params;
        const stage = request.query.stage;
        const proposal = await findStageProposal(deps.db, ctx.callId, proposalId, stage);
        if (!proposal) throw new AppError('NOT_FOUND', `No ${stage} version of ${proposalId} in this call`);
        const reviews = await deps.db
          .select({
            review: schema.reviews,
            name: schema.reviewers.name,
            assignmentStatus: schema.assignments.status,
          })
          .from(schema.reviews)
          .innerJoin(schema.reviewers, eq(schema.reviewers.id, schema.reviews.reviewerId))
          .innerJoin(schema.assignments, eq(schema.assignments.id, schema.reviews.assignmentId))
          .where(and(eq(schema.reviews.stage, stage), eq(schema.reviews.proposalId, proposalId)))
          .orderBy(asc(schema.reviewers.name));
        const [consensus] = await deps.db
          .select()
          .from(schema.consensusScores)
          .where(
            and(eq(schema.consensusScores.stage, stage), eq(schema.consensusScores.proposalId, proposalId)),
          );
        return {
          proposalId,
          acronym: proposal.document.acronym,
          stage,
          state: proposal.state,
          reviews: reviews.map((r) => ({
            reviewerId: r.review.reviewerId,
            reviewerName: r.name,
            assignmentStatus: r.assignmentStatus,
            status: r.review.status,
            scores: r.review.scores,
            submittedAt: r.review.submittedAt?.toISOString() ?? null,
          })),
          consensus: consensus
            ? {
                scores: consensus.scores,
                justification: consensus.justification,
                decidedBy: consensus.decidedByLabel,
                decidedAt: consensus.decidedAt.toISOString(),
              }
            : null,
          rebuttal: stage === 'full-proposal' ? await readRebuttal(deps.db, proposalId) : null,
        };
      },
    );

    app.get(
      '/calls/:callId/ranking',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'getRanking',
          tags,
          summary: 'The ranking as the scores stand now (or the frozen list once frozen)',
          params: callParams,
          querystring: stageQuery,
          response: {
            200: z.object({
              stage: z.string(),
              frozen: frozenView.nullable(),
              cutoffs: z.object({ a: z.number(), b: z.number() }),
              tieBreak: z.array(z.record(z.string(), z.unknown())),
              entries: z.array(z.record(z.string(), z.unknown())),
              incomplete: z.array(z.record(z.string(), z.unknown())),
            }),
            ...problems,
          },
        },
      },
      async (request) => {
        const ctx = await officeContext(deps, request.principal!, request.params.callId);
        const stage = request.query.stage;
        requireStage(ctx, stage);
        const frozen = await findFrozenList(deps.db, ctx.callId, stage);
        const live = await computeRanking(deps.db, ctx, stage);
        return {
          stage,
          frozen: frozen ? await frozenResponse(frozen) : null,
          cutoffs: live.cutoffs,
          tieBreak: live.ranking.tieBreak,
          entries: live.ranking.entries.map((e) => {
            const s = live.scored.get(e.proposalId)!;
            return {
              ...e,
              acronym: s.acronym,
              reviewCount: s.consolidated.reviewCount,
              justification: s.consolidated.justification ?? null,
              consolidated: s.consolidated.criteria,
            };
          }),
          incomplete: live.incomplete.map((i) => ({ ...i })),
        };
      },
    );

    app.post(
      '/calls/:callId/ranking/freeze',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'freezeRanking',
          tags,
          summary:
            'Freeze the ranking list: once, hashed, naming the call version; steps FREEZE_RANKING (full stage) and RANK',
          params: callParams,
          body: z.object({ stage: stageInput }).strict(),
          response: {
            201: frozenView.extend({
              ranked: z.array(z.string()),
              notRanked: z.array(z.object({ proposalId: z.string(), state: z.string() })),
              callState: z.string().nullable(),
            }),
            ...problems,
          },
        },
      },
      async (request, reply) => {
        const ctx = await officeContext(deps, request.principal!, request.params.callId);
        const outcome = await freezeRanking(deps, actorOf(request.principal), ctx, request.body.stage);
        return reply.code(201).send({
          ...(await frozenResponse(outcome.list)),
          ranked: outcome.ranked,
          notRanked: outcome.notRanked,
          callState: outcome.callState,
        });
      },
    );

    app.get(
      '/calls/:callId/ranking/frozen',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'getFrozenRanking',
          tags,
          summary: 'The frozen ranking list of a stage, with its hash checked',
          params: callParams,
          querystring: stageQuery,
          response: { 200: frozenView, ...problems },
        },
      },
      async (request) => {
        const ctx = await officeContext(deps, request.principal!, request.params.callId);
        const row = await findFrozenList(deps.db, ctx.callId, request.query.stage);
        if (!row)
          throw new AppError('NOT_FOUND', `The ${request.query.stage} ranking list is not frozen yet`);
        return frozenResponse(row);
      },
    );

    app.post(
      '/calls/:callId/full-stage-invitations',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'decideFullStageInvitations',
          tags,
          summary:
            'Invite pre-proposals to the full stage down the frozen pre-proposal ranking (top N, threshold, budget cap): INVITE / NOT_INVITE',
          params: callParams,
          body: z
            .object({
              topN: z.number().int().min(0).max(10_000).optional(),
              threshold: z.number().min(0).max(1000).optional(),
              budgetCap: z.boolean().default(false),
              multiplier: z.number().positive().max(10).optional(),
            })
            .strict(),
          response: {
            200: z.object({
              invited: z.array(z.string()),
              notInvited: z.array(z.object({ proposalId: z.string(), reason: z.string() })),
              requested: z.object({ amountMinor: z.number(), currency: z.string() }).optional(),
              cap: z.object({ amountMinor: z.number(), currency: z.string() }).optional(),
            }),
            ...problems,
          },
        },
      },
      async (request) => {
        const ctx = await officeContext(deps, request.principal!, request.params.callId);
        return decideInvitations(deps, actorOf(request.principal), ctx, request.body);
      },
    );
  };
}
