import { z } from 'zod';
import { anyOf, authenticated, requireScope, type FastifyPluginAsyncZod } from '@permed/http';
import { proposalStage } from '@permed/domain';
import type { ServiceDeps } from '@permed/service-kit';
import { applyOutcomes } from './apply-outcomes.ts';
import {
  checkedStage,
  CallProjectionCache,
  loadPublishedCall,
  requireCallFunder,
  submissionsOpen,
} from './call-context.ts';
import { callOfficeOverview } from './call-office-overview.ts';
import { budgetOverview } from './funder-budget.ts';
import { funderProgress } from './funder-progress.ts';
import { requireFunderPartner } from './funder-partner.ts';
import { funderWorkspace, verdictView, type FunderWorkspace } from './funder-workspace.ts';
import { markFunderDone } from './mark-funder-done.ts';
import { partnersCsv } from './partners-csv.ts';
import { preCheckBody, preCheckProposal } from './pre-check-proposal.ts';
import { verdictHistory } from './proposal-store.ts';
import { formalCheckInput, recordFormalCheck } from './record-formal-check.ts';
import { recordVerdict, verdictInput } from './record-verdict.ts';
import { runAutomaticChecks } from './run-automatic-checks.ts';
import {
  applyOutcomesResponse,
  budgetResponse,
  doneResponse,
  formalCheckResponse,
  funderParams,
  funderProposalsResponse,
  fundersProgressResponse,
  overviewResponse,
  partnerParams,
  preCheckResponse,
  problem,
  problems,
  recordVerdictResponse,
  runChecksResponse,
  slugParam,
  stageQuery,
  verdictHistoryResponse,
  workspaceResponse,
} from './route-schemas.ts';

const serviceRoles = ['funder', 'call-office'] as const;

function header(ws: FunderWorkspace) {
  return {
    call: { slug: ws.call.slug, version: ws.call.version, state: ws.call.state },
    funder: {
      id: ws.funder.id,
      name: ws.funder.name,
      acronym: ws.funder.acronym,
      currency: ws.funder.currency,
    },
    stage: ws.stage,
  };
}

export interface EligibilityServiceOptions {
  /** Shared projection cache (the benchmark reads its hit counts); one per plugin instance by default. */
  cache?: CallProjectionCache;
}

export function eligibilityService(
  deps: ServiceDeps,
  options: EligibilityServiceOptions = {},
): FastifyPluginAsyncZod {
  const cache = options.cache ?? new CallProjectionCache();
  const { db, clock } = deps;
  const useCase = () => ({ db, cache, now: clock.now() });
  return async (app) => {
    app.get(
      '/access',
      {
        config: { access: anyOf(...serviceRoles) },
        schema: {
          operationId: 'getEligibilityAccess',
          tags: ['eligibility'],
          summary: 'The roles and scopes the signed-in user holds in this service',
          response: {
            200: z.object({
              service: z.literal('eligibility'),
              grants: z.array(z.object({ role: z.string(), scopeType: z.string(), scopeId: z.string() })),
            }),
          },
        },
      },
      async (request) => ({
        service: 'eligibility' as const,
        grants: request
          .principal!.grants.filter(
            (g) => g.role === 'admin' || (serviceRoles as readonly string[]).includes(g.role),
          )
          .map(({ role, scopeType, scopeId }) => ({ role, scopeType, scopeId })),
      }),
    );

    // ---- applicants (any signed-in user) ----
    app.post(
      '/calls/:slug/pre-check',
      {
        config: { access: authenticated },
        schema: {
          operationId: 'checkDraftEligibility',
          tags: ['eligibility (applicants)'],
          summary:
            "Check a draft proposal against the call's current rules: findings with rule, level, funder, partners, facts, message and source",
          params: slugParam,
          body: preCheckBody,
          response: { 200: preCheckResponse, 400: problem, 404: problem },
        },
      },
      async (request) => {
        const { call, verdict } = await preCheckProposal(db, cache, {
          slug: request.params.slug,
          body: request.body,
        });
        return { ...verdict, call };
      },
    );

    // ---- funders: each officer sees only its own funder's partners ----
    app.get(
      '/calls/:slug/funders/:funderId/partners',
      {
        config: { access: anyOf('funder') },
        schema: {
          operationId: 'listFunderPartners',
          tags: ['eligibility (funders)'],
          summary:
            'Your partners in the submitted proposals, with the automatic findings about them and your official verdicts',
          params: funderParams,
          querystring: stageQuery,
          response: { 200: workspaceResponse, ...problems },
        },
      },
      async (request) => {
        const ws = await funderWorkspace(db, cache, request.principal!, {
          ...request.params,
          stage: request.query.stage,
          now: clock.now(),
        });
        return { ...header(ws), done: ws.done, partners: ws.partners };
      },
    );

    app.get(
      '/calls/:slug/funders/:funderId/partners.csv',
      {
        config: { access: anyOf('funder') },
        schema: {
          operationId: 'exportFunderPartnersCsv',
          produces: ['text/csv'],
          tags: ['eligibility (funders)'],
          summary: 'Your partners as CSV (UTF-8 with BOM, RFC 4180 quoting)',
          params: funderParams,
          querystring: stageQuery,
          response: { 200: z.string(), ...problems },
        },
      },
      async (request, reply) => {
        const ws = await funderWorkspace(db, cache, request.principal!, {
          ...request.params,
          stage: request.query.stage,
          now: clock.now(),
        });
        const name = `${ws.call.slug}-${ws.funder.id}-${ws.stage}-partners.csv`;
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${name}"`)
          .header('cache-control', 'no-store')
          .serializer((s: string) => s)
          .send(partnersCsv(ws));
      },
    );

    app.get(
      '/calls/:slug/funders/:funderId/proposals',
      {
        config: { access: anyOf('funder') },
        schema: {
          operationId: 'listFunderProposals',
          tags: ['eligibility (funders)'],
          summary:
            "The proposals with your partners and each one's derived outcome (declined, pending or eligible)",
          params: funderParams,
          querystring: stageQuery,
          response: { 200: funderProposalsResponse, ...problems },
        },
      },
      async (request) => {
        const ws = await funderWorkspace(db, cache, request.principal!, {
          ...request.params,
          stage: request.query.stage,
          now: clock.now(),
        });
        return { ...header(ws), proposals: ws.proposals };
      },
    );

    app.get(
      '/calls/:slug/funders/:funderId/budget',
      {
        config: { access: anyOf('funder') },
        schema: {
          operationId: 'getFunderBudget',
          tags: ['eligibility (funders)'],
          summary: 'Requested by your partners against your commitment, in your currency for the call',
          params: funderParams,
          querystring: stageQuery,
          response: { 200: budgetResponse, ...problems },
        },
      },
      async (request) => {
        const ws = await funderWorkspace(db, cache, request.principal!, {
          ...request.params,
          stage: request.query.stage,
          now: clock.now(),
        });
        return budgetOverview(ws);
      },
    );

    app.put(
      '/calls/:slug/funders/:funderId/partners/:proposalId/:partnerId/verdict',
      {
        config: { access: anyOf('funder') },
        schema: {
          operationId: 'recordVerdict',
          tags: ['eligibility (funders)'],
          summary:
            'Record or change your official verdict on one of your partners (until the eligibility check closes)',
          params: partnerParams,
          body: verdictInput,
          response: { 200: recordVerdictResponse, ...problems },
        },
      },
      async (request) => {
        const { slug, funderId, proposalId, partnerId } = request.params;
        const result = await recordVerdict(useCase(), request.principal!, {
          slug,
          funderId,
          proposalId,
          partnerId,
          input: request.body,
        });
        return {
          proposalId,
          partnerId,
          funderId,
          stage: result.verdict.stage,
          verdict: verdictView(result.verdict),
          previous: result.previous ? verdictView(result.previous) : null,
          proposalOutcome: result.outcome.outcome,
        };
      },
    );

    app.get(
      '/calls/:slug/funders/:funderId/partners/:proposalId/:partnerId/verdicts',
      {
        config: { access: anyOf('funder') },
        schema: {
          operationId: 'listVerdicts',
          tags: ['eligibility (funders)'],
          summary: 'The history of your verdicts on one of your partners, oldest first',
          params: partnerParams,
          querystring: stageQuery,
          response: { 200: verdictHistoryResponse, ...problems },
        },
      },
      async (request) => {
        const { slug, funderId, proposalId, partnerId } = request.params;
        requireScope(request.principal!, 'funder', 'funder', funderId);
        const call = await loadPublishedCall(db, cache, slug);
        requireCallFunder(call, funderId);
        const stage = request.query.stage ?? checkedStage(call.definition);
        // The same object check as the verdict itself: another funder's partner, or a proposal id
        // that is not a submitted proposal of this call, is 404, not an empty history.
        await requireFunderPartner(db, { callId: call.callId, stage, funderId, proposalId, partnerId });
        // Only this funder's own rows: a partner that moved from another funder keeps that funder's
        // verdicts out of sight.
        const history = (await verdictHistory(db, { proposalId, stage, partnerId })).filter(
          (v) => v.funderId === funderId && v.callId === call.callId,
        );
        return { proposalId, partnerId, stage, history: history.map(verdictView) };
      },
    );

    app.post(
      '/calls/:slug/funders/:funderId/done',
      {
        config: { access: anyOf('funder') },
        schema: {
          operationId: 'markFunderDone',
          tags: ['eligibility (funders)'],
          summary: 'Declare your national check finished (every partner of yours needs a verdict)',
          params: funderParams,
          response: { 200: doneResponse, ...problems },
        },
      },
      async (request) => {
        const { slug, funderId } = request.params;
        const result = await markFunderDone(useCase(), request.principal!, { slug, funderId });
        return {
          funderId,
          stage: result.stage,
          doneAt: result.at.toISOString(),
          doneBy: result.by,
          alreadyDone: result.alreadyDone,
          partners: result.partners,
        };
      },
    );

    // ---- call office of the call ----
    app.get(
      '/calls/:slug/overview',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'getEligibilityOverview',
          tags: ['eligibility (call office)'],
          summary:
            'Formal checks, derived national outcomes and automatic-check summary per proposal, and which funders have finished',
          params: slugParam,
          querystring: stageQuery,
          response: { 200: overviewResponse, ...problems },
        },
      },
      async (request) => {
        const o = await callOfficeOverview(db, cache, request.principal!, {
          slug: request.params.slug,
          stage: request.query.stage,
          now: clock.now(),
        });
        return {
          call: { slug: o.call.slug, version: o.call.version, state: o.call.state },
          stage: o.stage,
          pendingFunders: o.pendingFunders,
          funders: o.funders,
          proposals: o.proposals,
        };
      },
    );

    app.get(
      '/calls/:slug/funders',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'listFunderProgress',
          tags: ['eligibility (call office)'],
          summary: "Each funder's progress: partners, verdicts recorded, pending, done",
          params: slugParam,
          querystring: stageQuery,
          response: { 200: fundersProgressResponse, ...problems },
        },
      },
      async (request) => {
        const call = await loadPublishedCall(db, cache, request.params.slug);
        requireScope(request.principal!, 'call-office', 'call', call.callId);
        const stage = request.query.stage ?? checkedStage(call.definition);
        const funders = await funderProgress(db, call, stage);
        return {
          call: { slug: call.slug, version: call.version, state: call.state },
          stage,
          pendingFunders: funders.filter((f) => f.status === 'pending').length,
          funders,
        };
      },
    );

    app.put(
      '/calls/:slug/proposals/:proposalId/formal-check',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'recordFormalCheck',
          tags: ['eligibility (call office)'],
          summary:
            'Record the formal check of a proposal (a failed check declines it when outcomes are applied)',
          params: z.object({ slug: z.string().min(1).max(64), proposalId: z.uuid() }).strict(),
          body: formalCheckInput,
          response: { 200: formalCheckResponse, ...problems },
        },
      },
      async (request) => {
        const { row, items } = await recordFormalCheck(useCase(), request.principal!, {
          slug: request.params.slug,
          proposalId: request.params.proposalId,
          input: request.body,
        });
        return {
          proposalId: row.proposalId,
          stage: row.stage,
          proposalSeq: row.proposalSeq,
          result: row.result,
          note: row.note,
          items,
          recordedAt: row.recordedAt.toISOString(),
          recordedBy: row.recordedByLabel,
        };
      },
    );

    app.post(
      '/calls/:slug/automatic-checks/run',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'runAutomaticChecks',
          tags: ['eligibility (call office)'],
          summary:
            'Run the automatic check of every counted proposal version under the current call version and store the results',
          params: slugParam,
          querystring: z
            .object({
              stage: proposalStage.optional(),
              onlyMissing: z.enum(['true', 'false']).optional().describe('Default true'),
            })
            .strict(),
          response: { 200: runChecksResponse, ...problems },
        },
      },
      async (request) => {
        const call = await loadPublishedCall(db, cache, request.params.slug);
        requireScope(request.principal!, 'call-office', 'call', call.callId);
        const stage = request.query.stage ?? checkedStage(call.definition);
        const summary = await runAutomaticChecks(db, call, {
          stage,
          at: clock.now(),
          onlyMissing: request.query.onlyMissing !== 'false',
          // While submissions are open a later one could change a one-proposal-per-PI finding.
          store: !submissionsOpen(call.definition, call.state),
        });
        return {
          stage,
          callVersion: call.version,
          proposals: summary.proposals,
          evaluated: summary.evaluated,
          eligible: summary.eligible,
          stored: summary.stored,
          timings: summary.timings,
        };
      },
    );

    app.post(
      '/calls/:slug/outcomes/apply',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'applyEligibilityOutcomes',
          tags: ['eligibility (call office)'],
          summary:
            'After the eligibility check closed: declare every proposal still in eligibility-check eligible or declined',
          params: slugParam,
          response: { 200: applyOutcomesResponse, ...problems },
        },
      },
      async (request) => applyOutcomes(useCase(), request.principal!, { slug: request.params.slug }),
    );
  };
}
