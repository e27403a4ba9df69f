import { z } from 'zod';
import type { FastifyReply } from 'fastify';
import {
  allocationDiff,
  allocationResult,
  budgetChange,
  tieRule,
  topUpPlan,
  type AllocationResult,
} from '@permed/allocation';
import { money } from '@permed/domain';
import { AppError, anyOf, hasScope, type FastifyPluginAsyncZod } from '@permed/http';
import { requirePublishedCall } from '@permed/calls-service';
import { actorOf } from '@permed/service-kit';
import { callReportPdf, statisticsCsv, statisticsTables } from './call-report.ts';
import { callStatistics, callStatisticsSchema } from './call-statistics.ts';
import {
  allocationInputOf,
  loadAllocationContext,
  runAllocation,
  runTopUp,
  runWhatIf,
} from './compute-allocation.ts';
import { decisionHistory } from './decision-store.ts';
import { exportCsv, exportDatasets } from './export-csv.ts';
import { fundingBlobStore, noEvaluationSummaries, type FundingDeps } from './funding-deps.ts';
import { findRecommendation, requireCallOffice } from './funding-store.ts';
import { generateFundingLetters } from './generate-funding-letters.ts';
import { generateOutcomeLetters } from './generate-outcome-letters.ts';
import { latestBatch, latestLetters, lettersOfBatch, type LetterRow } from './letter-store.ts';
import { partnersToDecide, visibleFunders } from './list-decisions.ts';
import { nationalDecisionKinds } from './proposal-outcome.ts';
import { recordDecision, requirePartner } from './record-decision.ts';
import { recordRecommendation } from './record-recommendation.ts';
import { toCsv } from './csv.ts';
import {
  attachment,
  batchView,
  decisionView,
  recommendationView,
  toDecisionView,
  toRecommendationView,
} from './views.ts';
import { zipFiles } from './zip-files.ts';

const serviceRoles = ['call-office', 'funder'] as const;
const slugParam = z.object({ slug: z.string().min(1).max(64) }).strict();
const partnerParams = z
  .object({ slug: z.string().min(1).max(64), proposalId: z.uuid(), partnerId: z.string().min(1).max(32) })
  .strict();
const problems = {
  400: z.unknown(),
  401: z.unknown(),
  403: z.unknown(),
  404: z.unknown(),
  409: z.unknown(),
  422: z.unknown(),
};
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in lower-case hex');

const excludedView = z.object({
  proposalId: z.string(),
  acronym: z.string(),
  rank: z.number().int(),
  state: z.string(),
  reason: z.string(),
});

export function fundingService(deps: FundingDeps): FastifyPluginAsyncZod {
  const useCase = { db: deps.db, clock: deps.clock };
  const summaries = deps.evaluationSummaries ?? noEvaluationSummaries;
  const blobs = fundingBlobStore(deps);
  const letterDeps = { ...useCase, blobs };

  return async (app) => {
    app.get(
      '/access',
      {
        config: { access: anyOf(...serviceRoles) },
        schema: {
          operationId: 'getFundingAccess',
          tags: ['funding'],
          summary: 'The roles and scopes the signed-in user holds in this service',
          response: {
            200: z.object({
              service: z.literal('funding'),
              grants: z.array(z.object({ role: z.string(), scopeType: z.string(), scopeId: z.string() })),
            }),
          },
        },
      },
      async (request) => ({
        service: 'funding' as const,
        grants: request
          .principal!.grants.filter(
            (g) => g.role === 'admin' || (serviceRoles as readonly string[]).includes(g.role),
          )
          .map(({ role, scopeType, scopeId }) => ({ role, scopeType, scopeId })),
      }),
    );

    // ---- allocation (call office) ----
    app.get(
      '/calls/:slug/allocation',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'computeAllocation',
          tags: ['funding (call office)'],
          summary:
            "Walk the frozen ranking list against the funders' commitments: funded / fundable with a top-up / not fundable, per funder committed, allocated, remaining",
          params: slugParam,
          querystring: z.object({ ties: tieRule.default('fund-most') }).strict(),
          response: {
            200: z.object({
              call: z.object({ slug: z.string(), version: z.number().int() }),
              rankingList: z.object({ id: z.string(), hash: z.string(), frozenAt: z.string() }),
              excluded: z.array(excludedView),
              allocation: allocationResult,
            }),
            ...problems,
          },
        },
      },
      async (request) => {
        const published = await requireCallOffice(deps.db, request.principal!, request.params.slug);
        const context = await loadAllocationContext(deps.db, published);
        const allocation = runAllocation(allocationInputOf(context, { ties: request.query.ties }));
        return {
          call: { slug: published.definition.slug, version: published.version.version },
          rankingList: {
            id: context.ranking.id,
            hash: context.ranking.hash,
            frozenAt: context.ranking.frozenAt.toISOString(),
          },
          excluded: context.excluded,
          allocation,
        };
      },
    );

    app.post(
      '/calls/:slug/allocation/what-if',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'computeWhatIfAllocation',
          tags: ['funding (call office)'],
          summary: 'What changes if some funders commit a different budget (nothing is stored)',
          params: slugParam,
          body: z
            .object({
              budgets: z.array(budgetChange).min(1).max(100),
              ties: tieRule.default('fund-most'),
            })
            .strict(),
          response: {
            200: z.object({
              ties: tieRule,
              diff: allocationDiff,
              before: z.object({ fundedCount: z.number().int(), allocatedReporting: money }),
              after: allocationResult,
            }),
            ...problems,
          },
        },
      },
      async (request) => {
        const published = await requireCallOffice(deps.db, request.principal!, request.params.slug);
        const context = await loadAllocationContext(deps.db, published);
        // The budgets are checked against the call (funder, currency) before anything is walked.
        allocationInputOf(context, { ties: request.body.ties, budgets: request.body.budgets });
        const result = runWhatIf(
          allocationInputOf(context, { ties: request.body.ties }),
          request.body.budgets,
        );
        return {
          ties: request.body.ties,
          diff: result.diff,
          before: {
            fundedCount: result.before.fundedCount,
            allocatedReporting: result.before.allocatedReporting,
          },
          after: result.after,
        };
      },
    );

    app.get(
      '/calls/:slug/allocation/top-up',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'computeTopUp',
          tags: ['funding (call office)'],
          summary:
            'The smallest top-up per funder that funds every considered proposal down to a rank (a tie group it cuts is included whole)',
          params: slugParam,
          querystring: z
            .object({ rank: z.coerce.number().int().min(1).max(100_000), ties: tieRule.default('fund-most') })
            .strict(),
          response: {
            200: z.object({ ties: tieRule, note: z.string().nullable(), plan: topUpPlan }),
            ...problems,
          },
        },
      },
      async (request) => {
        const published = await requireCallOffice(deps.db, request.principal!, request.params.slug);
        const context = await loadAllocationContext(deps.db, published);
        const plan = runTopUp(allocationInputOf(context, { ties: request.query.ties }), request.query.rank);
        const note =
          plan.throughRank > plan.targetRank
            ? `Rank ${plan.targetRank} is in a group of proposals tied on score; the tie rule decides a tied group ` +
              `as a whole (funding as many of them as the budgets allow), so the plan funds every proposal down to rank ${plan.throughRank}.`
            : null;
        return { ties: request.query.ties, note, plan };
      },
    );

    // ---- recommendation (call office) ----
    app.post(
      '/calls/:slug/recommendation',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'recordRecommendation',
          tags: ['funding (call office)'],
          summary:
            "Record the Call Steering Committee's recommendation once: a frozen, hashed snapshot; the call moves to national decisions",
          params: slugParam,
          body: z
            .object({
              ties: tieRule.default('fund-most'),
              budgets: z
                .array(budgetChange)
                .max(100)
                .optional()
                .describe('Commitments the committee agreed to change (e.g. top-ups) before recommending'),
              rankingHash: sha256.optional().describe('The ranking list you reviewed; refused if it differs'),
              note: z.string().trim().min(1).max(2000).optional(),
            })
            .strict()
            .default({ ties: 'fund-most' }),
          response: { 201: recommendationView, ...problems },
        },
      },
      async (request, reply) => {
        const published = await requireCallOffice(deps.db, request.principal!, request.params.slug);
        const row = await recordRecommendation(useCase, actorOf(request.principal), published, request.body);
        return reply.code(201).send(toRecommendationView(row));
      },
    );

    app.get(
      '/calls/:slug/recommendation',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'getRecommendation',
          tags: ['funding (call office)'],
          summary: 'The frozen recommendation with its snapshot and SHA-256',
          params: slugParam,
          response: { 200: recommendationView, ...problems },
        },
      },
      async (request) => {
        const published = await requireCallOffice(deps.db, request.principal!, request.params.slug);
        const row = await findRecommendation(deps.db, published.call.id);
        if (!row) throw new AppError('NOT_FOUND', 'No recommendation is recorded for this call');
        return toRecommendationView(row);
      },
    );

    // ---- national decisions (funders; the call office reads) ----
    app.get(
      '/calls/:slug/decisions',
      {
        config: { access: anyOf('call-office', 'funder') },
        schema: {
          operationId: 'listDecisions',
          tags: ['funding (funders)'],
          summary:
            'Partners of recommended projects with their requested budget and current national decision (a funder sees its own partners)',
          params: slugParam,
          response: {
            200: z.object({
              recommendationHash: z.string().nullable(),
              partners: z.array(
                z.object({
                  proposalId: z.string(),
                  acronym: z.string(),
                  rank: z.number().int(),
                  proposalState: z.string(),
                  partnerId: z.string(),
                  organisation: z.string(),
                  country: z.string(),
                  funderId: z.string(),
                  requested: money,
                  current: decisionView.nullable(),
                }),
              ),
            }),
            ...problems,
          },
        },
      },
      async (request) => {
        const published = await requirePublishedCall(deps.db, request.params.slug);
        const funders = visibleFunders(request.principal!, published.call.id);
        const recommendation = await findRecommendation(deps.db, published.call.id);
        const partners = await partnersToDecide(deps.db, published, funders);
        return {
          recommendationHash: recommendation?.hash ?? null,
          partners: partners.map((p) => ({ ...p, current: p.current ? toDecisionView(p.current) : null })),
        };
      },
    );

    app.put(
      '/calls/:slug/decisions/:proposalId/:partnerId',
      {
        config: { access: anyOf('funder') },
        schema: {
          operationId: 'recordDecision',
          tags: ['funding (funders)'],
          summary:
            "Record (or revise) the national funding decision on one of the funder's own partners; appended to its history",
          params: partnerParams,
          body: z
            .object({
              decision: z.enum(nationalDecisionKinds),
              amount: money
                .optional()
                .describe(
                  "Granted, in the funder's currency; required for funded-reduced, at most the request",
                ),
              reason: z.string().trim().min(3).max(2000),
            })
            .strict(),
          response: {
            200: z.object({
              decision: decisionView,
              changed: z.boolean(),
              proposal: z.object({
                state: z.string(),
                outcome: z.enum(['pending', 'funded', 'not-funded']),
                pendingPartners: z.array(z.string()),
              }),
            }),
            ...problems,
          },
        },
      },
      async (request) => {
        const published = await requirePublishedCall(deps.db, request.params.slug);
        const result = await recordDecision(
          useCase,
          request.principal!,
          published,
          { proposalId: request.params.proposalId, partnerId: request.params.partnerId },
          request.body,
        );
        return {
          decision: toDecisionView(result.decision),
          changed: result.changed,
          proposal: {
            state: result.proposalState,
            outcome: result.outcome.outcome,
            pendingPartners: result.outcome.pendingPartners,
          },
        };
      },
    );

    app.get(
      '/calls/:slug/decisions/:proposalId/:partnerId',
      {
        config: { access: anyOf('call-office', 'funder') },
        schema: {
          operationId: 'getDecision',
          tags: ['funding (funders)'],
          summary: "A partner's national decision and its full history (oldest first)",
          params: partnerParams,
          response: {
            200: z.object({ current: decisionView.nullable(), history: z.array(decisionView) }),
            ...problems,
          },
        },
      },
      async (request) => {
        const published = await requirePublishedCall(deps.db, request.params.slug);
        const { partner } = await requirePartner(
          deps.db,
          published,
          request.params.proposalId,
          request.params.partnerId,
        );
        const principal = request.principal!;
        const allowed =
          hasScope(principal, 'call-office', 'call', published.call.id) ||
          (partner.funderId !== null && hasScope(principal, 'funder', 'funder', partner.funderId));
        if (!allowed)
          throw new AppError('FORBIDDEN', "Only the partner's funder or the call office may read this");
        const history = await decisionHistory(deps.db, published.call.id, {
          proposalId: request.params.proposalId,
          partnerId: request.params.partnerId,
        });
        return {
          current: history.length ? toDecisionView(history.at(-1)!) : null,
          history: history.map(toDecisionView),
        };
      },
    );

    // ---- letters ----
    app.post(
      '/calls/:slug/letters/outcome',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'generateOutcomeLetters',
          tags: ['funding (call office)'],
          summary:
            'Generate one outcome letter per proposal (outcome, scores, anonymised reviews), all or nothing; 422 lists the letters that failed',
          params: slugParam,
          body: z
            .object({ notify: z.boolean().default(false).describe('E-mail each coordinator after commit') })
            .strict()
            .default({ notify: false }),
          response: { 201: batchView, ...problems },
        },
      },
      async (request, reply) => {
        const published = await requireCallOffice(deps.db, request.principal!, request.params.slug);
        const batch = await generateOutcomeLetters(
          { ...letterDeps, evaluationSummaries: summaries },
          actorOf(request.principal),
          published,
          request.body,
        );
        return reply.code(201).send({ ...batch, generatedAt: batch.generatedAt.toISOString() });
      },
    );

    app.get(
      '/calls/:slug/letters/outcome',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'getOutcomeLetterBatch',
          tags: ['funding (call office)'],
          summary: 'The latest batch of outcome letters',
          params: slugParam,
          response: { 200: batchView, ...problems },
        },
      },
      async (request) => {
        const published = await requireCallOffice(deps.db, request.principal!, request.params.slug);
        const batch = await latestBatch(deps.db, published.call.id, 'outcome');
        if (!batch) throw new AppError('NOT_FOUND', 'No outcome letters were generated yet');
        const letters = await lettersOfBatch(deps.db, batch.id);
        const recommendation = await findRecommendation(deps.db, published.call.id);
        const acronyms = new Map(
          ((recommendation?.snapshot.allocation as AllocationResult | undefined)?.proposals ?? []).map(
            (p) => [p.proposalId, p.acronym],
          ),
        );
        return {
          batchId: batch.id,
          kind: batch.kind,
          generatedAt: batch.generatedAt.toISOString(),
          manifestHash: batch.manifestHash,
          items: letters.map((l) => ({
            proposalId: l.proposalId,
            acronym: acronyms.get(l.proposalId) ?? '',
            partnerId: l.partnerId,
            funderId: l.funderId,
            outcome: l.outcome,
            fileName: l.fileName,
            ok: true,
            sha256: l.sha256,
            sizeBytes: l.sizeBytes,
          })),
        };
      },
    );

    app.get(
      '/calls/:slug/letters/outcome.zip',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'downloadOutcomeLettersZip',
          produces: ['application/zip'],
          tags: ['funding (call office)'],
          summary: 'The latest batch of outcome letters as one zip (with manifest.csv)',
          params: slugParam,
        },
      },
      async (request, reply) => {
        const published = await requireCallOffice(deps.db, request.principal!, request.params.slug);
        const batch = await latestBatch(deps.db, published.call.id, 'outcome');
        if (!batch) throw new AppError('NOT_FOUND', 'No outcome letters were generated yet');
        const zip = await zipOf(await lettersOfBatch(deps.db, batch.id), batch.generatedAt);
        return reply
          .type('application/zip')
          .header('content-disposition', attachment(`${published.definition.slug}-outcome-letters.zip`))
          .send(zip);
      },
    );

    app.get(
      '/calls/:slug/letters/outcome/:proposalId',
      {
        config: { access: anyOf('call-office', 'applicant') },
        schema: {
          operationId: 'downloadOutcomeLetter',
          produces: ['application/pdf'],
          tags: ['funding (call office)', 'funding (applicants)'],
          summary:
            "A proposal's latest outcome letter (PDF): the call office, or the proposal's own consortium",
          params: z.object({ slug: z.string().min(1).max(64), proposalId: z.uuid() }).strict(),
        },
      },
      async (request, reply) => {
        const published = await requirePublishedCall(deps.db, request.params.slug);
        const principal = request.principal!;
        if (
          !hasScope(principal, 'call-office', 'call', published.call.id) &&
          !hasScope(principal, 'applicant', 'proposal', request.params.proposalId)
        ) {
          throw new AppError(
            'FORBIDDEN',
            'Only the call office or this consortium may read its outcome letter',
          );
        }
        const [letter] = await latestLetters(deps.db, published.call.id, 'outcome', {
          proposalId: request.params.proposalId,
        });
        if (!letter) throw new AppError('NOT_FOUND', 'No outcome letter for this proposal yet');
        return sendPdf(reply, letter);
      },
    );

    app.post(
      '/calls/:slug/letters/funding',
      {
        config: { access: anyOf('call-office', 'funder') },
        schema: {
          operationId: 'generateFundingLetters',
          tags: ['funding (funders)'],
          summary:
            'Generate the national funding letters of funded partners (call office: all funders; funder: its own), all or nothing',
          params: slugParam,
          response: { 201: batchView, ...problems },
        },
      },
      async (request, reply) => {
        const published = await requirePublishedCall(deps.db, request.params.slug);
        const funders = visibleFunders(request.principal!, published.call.id);
        const batch = await generateFundingLetters(
          letterDeps,
          actorOf(request.principal),
          published,
          funders,
        );
        return reply.code(201).send({ ...batch, generatedAt: batch.generatedAt.toISOString() });
      },
    );

    app.get(
      '/calls/:slug/letters/funding.zip',
      {
        config: { access: anyOf('call-office', 'funder') },
        schema: {
          operationId: 'downloadFundingLettersZip',
          produces: ['application/zip'],
          tags: ['funding (funders)'],
          summary: 'The latest funding letter of each funded partner as one zip (a funder gets its own only)',
          params: slugParam,
        },
      },
      async (request, reply) => {
        const published = await requirePublishedCall(deps.db, request.params.slug);
        const funders = visibleFunders(request.principal!, published.call.id);
        const letters = await latestLetters(
          deps.db,
          published.call.id,
          'funding',
          funders === '*' ? {} : { funderIds: funders },
        );
        if (letters.length === 0) throw new AppError('NOT_FOUND', 'No funding letters were generated yet');
        const newest = letters.reduce(
          (a, l) => (l.generatedAt > a ? l.generatedAt : a),
          letters[0]!.generatedAt,
        );
        return reply
          .type('application/zip')
          .header('content-disposition', attachment(`${published.definition.slug}-funding-letters.zip`))
          .send(await zipOf(letters, newest));
      },
    );

    app.get(
      '/calls/:slug/letters/funding/:proposalId/:partnerId',
      {
        config: { access: anyOf('call-office', 'funder') },
        schema: {
          operationId: 'downloadFundingLetter',
          produces: ['application/pdf'],
          tags: ['funding (funders)'],
          summary: "A partner's latest funding letter (PDF), for its funder or the call office",
          params: partnerParams,
        },
      },
      async (request, reply) => {
        const published = await requirePublishedCall(deps.db, request.params.slug);
        const funders = visibleFunders(request.principal!, published.call.id);
        const [letter] = await latestLetters(deps.db, published.call.id, 'funding', {
          proposalId: request.params.proposalId,
          partnerId: request.params.partnerId,
        });
        if (!letter) throw new AppError('NOT_FOUND', 'No funding letter for this partner yet');
        if (funders !== '*' && !funders.includes(letter.funderId ?? '')) {
          throw new AppError(
            'FORBIDDEN',
            "Only the partner's funder or the call office may read this letter",
          );
        }
        return sendPdf(reply, letter);
      },
    );

    // ---- exports and report (call office) ----
    app.get(
      '/calls/:slug/exports/:dataset',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'exportCallDataset',
          produces: ['text/csv'],
          tags: ['funding (call office)'],
          summary: 'CSV export: proposals, partners, budgets, reviews, ranking or decisions',
          params: z.object({ slug: z.string().min(1).max(64), dataset: z.enum(exportDatasets) }).strict(),
        },
      },
      async (request, reply) => {
        const published = await requireCallOffice(deps.db, request.principal!, request.params.slug);
        const csv = await exportCsv(
          { db: deps.db, evaluationSummaries: summaries },
          published,
          request.params.dataset,
        );
        return reply
          .type('text/csv; charset=utf-8')
          .header(
            'content-disposition',
            attachment(`${published.definition.slug}-${request.params.dataset}.csv`),
          )
          .send(csv);
      },
    );

    app.get(
      '/calls/:slug/statistics',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'getCallStatistics',
          tags: ['funding (call office)'],
          summary:
            'Call statistics: proposals per stage, research groups, countries, funders; committed, requested and granted per funder',
          params: slugParam,
          response: { 200: callStatisticsSchema, ...problems },
        },
      },
      async (request) => {
        const published = await requireCallOffice(deps.db, request.principal!, request.params.slug);
        return callStatistics(deps.db, published);
      },
    );

    app.get(
      '/calls/:slug/statistics.csv',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'exportCallStatisticsCsv',
          produces: ['text/csv'],
          tags: ['funding (call office)'],
          summary: 'Call statistics as CSV: summary, funders or countries',
          params: slugParam,
          querystring: z.object({ table: z.enum(statisticsTables).default('funders') }).strict(),
        },
      },
      async (request, reply) => {
        const published = await requireCallOffice(deps.db, request.principal!, request.params.slug);
        const stats = await callStatistics(deps.db, published);
        return reply
          .type('text/csv; charset=utf-8')
          .header(
            'content-disposition',
            attachment(`${published.definition.slug}-statistics-${request.query.table}.csv`),
          )
          .send(statisticsCsv(stats, request.query.table));
      },
    );

    app.get(
      '/calls/:slug/report.pdf',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'downloadCallReport',
          produces: ['application/pdf'],
          tags: ['funding (call office)'],
          summary: 'The call report (PDF): key figures, requested vs committed per funder (chart), tables',
          params: slugParam,
        },
      },
      async (request, reply) => {
        const published = await requireCallOffice(deps.db, request.principal!, request.params.slug);
        const stats = await callStatistics(deps.db, published);
        const pdf = await callReportPdf(stats, deps.clock.now(), published.definition.zone);
        return reply
          .type('application/pdf')
          .header('content-disposition', attachment(`${published.definition.slug}-report.pdf`))
          .send(Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength));
      },
    );

    async function zipOf(letters: readonly LetterRow[], mtime: Date): Promise<Buffer> {
      const files: { name: string; bytes: Uint8Array }[] = [];
      for (const letter of letters) {
        files.push({ name: letter.fileName, bytes: await readLetter(letter) });
      }
      const manifest = toCsv(
        ['file_name', 'sha256', 'size_bytes', 'proposal_id', 'partner_id', 'funder_id', 'outcome'],
        letters.map((l) => [
          l.fileName,
          l.sha256,
          l.sizeBytes,
          l.proposalId,
          l.partnerId,
          l.funderId,
          l.outcome,
        ]),
      );
      files.push({ name: 'manifest.csv', bytes: new TextEncoder().encode(manifest) });
      return zipFiles(files, mtime);
    }

    async function readLetter(letter: LetterRow): Promise<Buffer> {
      if (!(await blobs.has(letter.sha256))) {
        throw new AppError('INTERNAL', `Letter ${letter.fileName} is missing from the blob store`);
      }
      return blobs.read(letter.sha256);
    }

    async function sendPdf(reply: FastifyReply, letter: LetterRow): Promise<FastifyReply> {
      const bytes = await readLetter(letter);
      return reply
        .type('application/pdf')
        .header('content-disposition', attachment(letter.fileName))
        .header('etag', `"${letter.sha256}"`)
        .send(bytes);
    }
  };
}
