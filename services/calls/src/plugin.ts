import { and, asc, desc, eq, inArray, isNotNull } from 'drizzle-orm';
import { z } from 'zod';
import { schema } from '@permed/db';
import { callDefinitionInput, ianaZone, storedCallDefinition } from '@permed/domain';
import {
  AppError,
  anyOf,
  publicAccess,
  requireScope,
  type FastifyPluginAsyncZod,
  ifMatchHeader,
  requiredIfMatchHeader,
} from '@permed/http';
import { describeRule } from '@permed/rules';
import { actorOf, ifMatchVersion, type ServiceDeps } from '@permed/service-kit';
import { allowedEvents, type PersistedSnapshot } from '@permed/workflow';
import { listVersions, requireCall, requirePublishedCall, requireVersion } from './call-store.ts';
import {
  advanceCall,
  manualCallEvents,
  noPendingFacts,
  visibleCallEvents,
  type StageFacts,
} from './advance-call.ts';
import { amendCall, createCall, publishCall, updateDraft } from './manage-calls.ts';
import { callCalendar, stagesView } from './public-view.ts';
import { callStatistics, proposalsByState } from './statistics.ts';

const slugParam = z.object({ slug: z.string().min(1).max(64) }).strict();
const definitionJson = z.record(z.string(), z.unknown());
const problemRefs = { 400: z.unknown(), 404: z.unknown(), 409: z.unknown() };
const etag = (n: number) => `"${n}"`;

export function callsService(deps: ServiceDeps & { facts?: StageFacts }): FastifyPluginAsyncZod {
  const useCase = { db: deps.db, clock: deps.clock };
  const facts = deps.facts ?? noPendingFacts;
  return async (app) => {
    // ---- public, unauthenticated ----
    app.get(
      '/',
      {
        config: { access: publicAccess },
        schema: {
          operationId: 'listCalls',
          tags: ['calls (public)'],
          summary: 'Published calls',
          response: {
            200: z.array(
              z.object({
                slug: z.string(),
                title: z.string(),
                topic: z.string(),
                version: z.number(),
                state: z.string(),
                zone: z.string(),
              }),
            ),
          },
        },
      },
      async () => {
        const rows = await deps.db
          .select({ call: schema.calls, version: schema.callVersions, state: schema.workflowInstances.state })
          .from(schema.calls)
          .innerJoin(
            schema.callVersions,
            and(
              eq(schema.callVersions.callId, schema.calls.id),
              eq(schema.callVersions.version, schema.calls.currentVersion),
            ),
          )
          .innerJoin(
            schema.workflowInstances,
            and(
              eq(schema.workflowInstances.kind, 'call'),
              eq(schema.workflowInstances.callId, schema.calls.id),
            ),
          )
          .where(isNotNull(schema.calls.currentVersion))
          .orderBy(desc(schema.callVersions.publishedAt));
        return rows.map((r) => {
          const d = storedCallDefinition(r.version.definition);
          return {
            slug: r.call.slug,
            title: d.title,
            topic: d.topic,
            version: r.version.version,
            state: r.state,
            zone: d.zone,
          };
        });
      },
    );

    app.get(
      '/funders',
      {
        config: { access: publicAccess },
        schema: {
          operationId: 'listFunderRegistry',
          tags: ['calls (public)'],
          summary: 'The funder registry: funding organisations, independent of calls',
          response: {
            200: z.array(
              z.object({
                id: z.string(),
                acronym: z.string().nullable(),
                name: z.string(),
                country: z.string(),
                region: z.string().nullable(),
                currency: z.string(),
                website: z.string().nullable(),
                nameConfirmed: z.boolean(),
              }),
            ),
          },
        },
      },
      async () => {
        const rows = await deps.db
          .select()
          .from(schema.funders)
          .orderBy(asc(schema.funders.country), asc(schema.funders.id));
        return rows.map(({ id, acronym, name, country, region, currency, website, nameConfirmed }) => ({
          id,
          acronym,
          name,
          country,
          region,
          currency,
          website,
          nameConfirmed,
        }));
      },
    );

    app.get(
      '/:slug',
      {
        config: { access: publicAccess },
        schema: {
          operationId: 'getCall',
          tags: ['calls (public)'],
          summary: 'A published call: its current version',
          params: slugParam,
          response: {
            200: z.object({
              slug: z.string(),
              version: z.number(),
              state: z.string(),
              publishedAt: z.string(),
              definitionHash: z.string(),
              definition: definitionJson,
            }),
            404: z.unknown(),
          },
        },
      },
      async (request, reply) => {
        const { call, version } = await requirePublishedCall(deps.db, request.params.slug);
        const [inst] = await deps.db
          .select({ state: schema.workflowInstances.state })
          .from(schema.workflowInstances)
          .where(
            and(eq(schema.workflowInstances.kind, 'call'), eq(schema.workflowInstances.subjectId, call.id)),
          );
        void reply.header('etag', etag(version.version));
        return {
          slug: call.slug,
          version: version.version,
          state: inst?.state ?? 'unknown',
          publishedAt: version.publishedAt.toISOString(),
          definitionHash: version.definitionHash,
          definition: version.definition,
        };
      },
    );

    app.get(
      '/:slug/stages',
      {
        config: { access: publicAccess },
        schema: {
          operationId: 'listCallStages',
          tags: ['calls (public)'],
          summary:
            "Stages with their instants in UTC, in the call's zone and optionally in the viewer's zone",
          params: slugParam,
          querystring: z.object({ zone: ianaZone.optional() }).strict(),
          response: {
            200: z.object({
              version: z.number(),
              zone: z.string(),
              serverTime: z.string(),
              stages: z.array(z.unknown()),
            }),
            404: z.unknown(),
          },
        },
      },
      async (request) => {
        const { version, definition } = await requirePublishedCall(deps.db, request.params.slug);
        const now = deps.clock.now();
        return {
          version: version.version,
          zone: definition.zone,
          serverTime: now.toISOString(),
          stages: stagesView(definition, now, request.query.zone),
        };
      },
    );

    app.get(
      '/:slug/funders',
      {
        config: { access: publicAccess },
        schema: {
          operationId: 'listCallFunders',
          tags: ['calls (public)'],
          summary: 'Participating funders with their commitments',
          params: slugParam,
          response: {
            200: z.object({ version: z.number(), funders: z.array(z.unknown()) }),
            404: z.unknown(),
          },
        },
      },
      async (request) => {
        const { version, definition } = await requirePublishedCall(deps.db, request.params.slug);
        const ids = definition.funders.map((f) => f.funderId);
        const registry = ids.length
          ? await deps.db.select().from(schema.funders).where(inArray(schema.funders.id, ids))
          : [];
        const byId = new Map(registry.map((f) => [f.id, f]));
        return {
          version: version.version,
          funders: definition.funders.map((f) => {
            const r = byId.get(f.funderId);
            return {
              id: f.funderId,
              acronym: r?.acronym ?? null,
              name: r?.name ?? f.funderId,
              country: r?.country ?? null,
              region: r?.region ?? null,
              commitment: f.commitment,
              ...(f.note ? { note: f.note } : {}),
            };
          }),
        };
      },
    );

    app.get(
      '/:slug/rules',
      {
        config: { access: publicAccess },
        schema: {
          operationId: 'listCallRules',
          tags: ['calls (public)'],
          summary: 'The call and national rules, as data and as readable text, each with its source',
          params: slugParam,
          response: { 200: z.object({ version: z.number(), rules: z.array(z.unknown()) }), 404: z.unknown() },
        },
      },
      async (request) => {
        const { version, definition } = await requirePublishedCall(deps.db, request.params.slug);
        const registry = await deps.db.select().from(schema.funders);
        return {
          version: version.version,
          rules: definition.rules.map((r) => ({ ...r, text: describeRule(r, registry) })),
        };
      },
    );

    app.get(
      '/:slug/calendar.ics',
      {
        config: { access: publicAccess },
        schema: {
          operationId: 'getCallCalendar',
          produces: ['text/calendar'],
          tags: ['calls (public)'],
          summary: 'The call deadlines as an iCalendar feed',
          params: slugParam,
        },
      },
      async (request, reply) => {
        const { version, definition } = await requirePublishedCall(deps.db, request.params.slug);
        const base = deps.config.PUBLIC_URL ?? `http://${request.host}`;
        return reply
          .type('text/calendar; charset=utf-8')
          .header('content-disposition', `inline; filename="${definition.slug}.ics"`)
          .send(
            callCalendar(definition, {
              url: `${base}/api/calls/${definition.slug}`,
              version: version.version,
              now: deps.clock.now(),
            }),
          );
      },
    );

    app.get(
      '/:slug/versions',
      {
        config: { access: publicAccess },
        schema: {
          operationId: 'listCallVersions',
          tags: ['calls (public)'],
          summary: 'The change log: every published version with who, when, why and what changed',
          params: slugParam,
          response: {
            200: z.array(
              z.object({
                version: z.number(),
                publishedAt: z.string(),
                publishedBy: z.string(),
                reason: z.string(),
                definitionHash: z.string(),
                changes: z.array(z.unknown()),
              }),
            ),
            404: z.unknown(),
          },
        },
      },
      async (request) => {
        const { call } = await requirePublishedCall(deps.db, request.params.slug);
        return (await listVersions(deps.db, call.id)).map((v) => ({
          version: v.version,
          publishedAt: v.publishedAt.toISOString(),
          publishedBy: v.publishedByLabel,
          reason: v.reason,
          definitionHash: v.definitionHash,
          changes: v.changes,
        }));
      },
    );

    app.get(
      '/:slug/versions/:version',
      {
        config: { access: publicAccess },
        schema: {
          operationId: 'getCallVersion',
          tags: ['calls (public)'],
          summary: 'One published version, immutable',
          params: z
            .object({ slug: z.string().min(1).max(64), version: z.coerce.number().int().min(1).max(100_000) })
            .strict(),
          response: {
            200: z.object({ version: z.number(), definitionHash: z.string(), definition: definitionJson }),
            404: z.unknown(),
          },
        },
      },
      async (request, reply) => {
        const { call } = await requirePublishedCall(deps.db, request.params.slug);
        const v = await requireVersion(deps.db, call.id, request.params.version);
        void reply
          .header('etag', etag(v.version))
          .header('cache-control', 'public, max-age=31536000, immutable');
        return { version: v.version, definitionHash: v.definitionHash, definition: v.definition };
      },
    );

    // ---- call office ----
    app.post(
      '/',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'createCall',
          tags: ['calls (call office)'],
          summary: 'Create a draft call',
          body: callDefinitionInput,
          response: {
            201: z.object({ id: z.string(), slug: z.string(), revision: z.number() }),
            ...problemRefs,
          },
        },
      },
      async (request, reply) => {
        requireScope(request.principal!, 'call-office', 'global', '*');
        const row = await createCall(useCase, actorOf(request.principal), request.body);
        return reply
          .code(201)
          .header('etag', etag(row.draftRevision))
          .header('location', `/api/calls/${row.slug}/draft`)
          .send({
            id: row.id,
            slug: row.slug,
            revision: row.draftRevision,
          });
      },
    );

    app.get(
      '/:slug/draft',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'getCallDraft',
          tags: ['calls (call office)'],
          summary: 'The draft definition (before publication) and its revision (ETag)',
          params: slugParam,
          response: {
            200: z.object({
              slug: z.string(),
              revision: z.number(),
              published: z.boolean(),
              definition: definitionJson,
            }),
            404: z.unknown(),
          },
        },
      },
      async (request, reply) => {
        const call = await requireCall(deps.db, request.params.slug);
        requireScope(request.principal!, 'call-office', 'call', call.id);
        void reply.header('etag', etag(call.draftRevision));
        return {
          slug: call.slug,
          revision: call.draftRevision,
          published: call.currentVersion !== null,
          definition: call.draft,
        };
      },
    );

    app.put(
      '/:slug/draft',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'replaceCallDraft',
          tags: ['calls (call office)'],
          summary:
            'Replace the draft (If-Match: the revision you read); a published call changes only by new versions',
          params: slugParam,
          headers: z.looseObject({ ...requiredIfMatchHeader }),
          body: callDefinitionInput,
          response: {
            200: z.object({ slug: z.string(), revision: z.number() }),
            412: z.unknown(),
            428: z.unknown(),
            ...problemRefs,
          },
        },
      },
      async (request, reply) => {
        const call = await requireCall(deps.db, request.params.slug);
        requireScope(request.principal!, 'call-office', 'call', call.id);
        const expected = ifMatchVersion(request.headers['if-match'], true)!;
        const row = await updateDraft(useCase, actorOf(request.principal), call.slug, expected, request.body);
        void reply.header('etag', etag(row.draftRevision));
        return { slug: row.slug, revision: row.draftRevision };
      },
    );

    app.post(
      '/:slug/publish',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'publishCall',
          tags: ['calls (call office)'],
          summary: 'Publish the draft as version 1 (needs at least one funder)',
          params: slugParam,
          body: z
            .object({ reason: z.string().min(1).max(2000).default('First publication') })
            .strict()
            .default({ reason: 'First publication' }),
          response: { 200: z.object({ version: z.number() }), ...problemRefs },
        },
      },
      async (request) => {
        const call = await requireCall(deps.db, request.params.slug);
        requireScope(request.principal!, 'call-office', 'call', call.id);
        return publishCall(useCase, actorOf(request.principal), call.slug, request.body.reason);
      },
    );

    app.post(
      '/:slug/versions',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'amendCall',
          tags: ['calls (call office)'],
          summary: 'Amend a published call: a new version with a reason (If-Match: the current version)',
          params: slugParam,
          headers: z.looseObject({ ...requiredIfMatchHeader }),
          body: z.object({ reason: z.string().min(3).max(2000), definition: callDefinitionInput }).strict(),
          response: {
            201: z.object({ version: z.number(), changes: z.array(z.unknown()) }),
            412: z.unknown(),
            428: z.unknown(),
            ...problemRefs,
          },
        },
      },
      async (request, reply) => {
        const call = await requireCall(deps.db, request.params.slug);
        requireScope(request.principal!, 'call-office', 'call', call.id);
        const basedOnVersion = ifMatchVersion(request.headers['if-match'], true)!;
        const result = await amendCall(useCase, actorOf(request.principal), call.slug, {
          definition: request.body.definition,
          reason: request.body.reason,
          basedOnVersion,
        });
        return reply.code(201).header('etag', etag(result.version)).send(result);
      },
    );

    app.put(
      '/:slug/versions/:version',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'replaceCallVersion',
          tags: ['calls (call office)'],
          summary: 'Always refused: published versions are immutable (409 PUBLISHED_IMMUTABLE)',
          params: z
            .object({ slug: z.string().min(1).max(64), version: z.coerce.number().int().min(1).max(100_000) })
            .strict(),
          response: problemRefs,
        },
      },
      async (request) => {
        const call = await requireCall(deps.db, request.params.slug);
        requireScope(request.principal!, 'call-office', 'call', call.id);
        await requireVersion(deps.db, call.id, request.params.version);
        throw new AppError(
          'PUBLISHED_IMMUTABLE',
          `Version ${request.params.version} is published and cannot change; POST a new version with a reason`,
        );
      },
    );

    app.get(
      '/:slug/lifecycle',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'getCallLifecycle',
          tags: ['calls (call office)'],
          summary: 'The call lifecycle: state, allowed events, and the transition history',
          params: slugParam,
          response: {
            200: z.object({
              state: z.string(),
              lockVersion: z.number(),
              machineVersion: z.string(),
              allowedEvents: z
                .array(z.string())
                .describe(
                  'What you may send now: PUBLISH (POST …/publish) or an event of POST …/events; never what the scheduler fires',
                ),
              transitions: z.array(
                z.object({
                  seq: z.number(),
                  event: z.string(),
                  from: z.string(),
                  to: z.string(),
                  at: z.string(),
                  actor: z.string(),
                  callVersion: z.number().nullable(),
                }),
              ),
            }),
            404: z.unknown(),
          },
        },
      },
      async (request, reply) => {
        const call = await requireCall(deps.db, request.params.slug);
        requireScope(request.principal!, 'call-office', 'call', call.id);
        const [inst] = await deps.db
          .select()
          .from(schema.workflowInstances)
          .where(
            and(eq(schema.workflowInstances.kind, 'call'), eq(schema.workflowInstances.subjectId, call.id)),
          );
        if (!inst) throw new AppError('NOT_FOUND');
        const transitions = await deps.db
          .select()
          .from(schema.workflowTransitions)
          .where(eq(schema.workflowTransitions.instanceId, inst.id))
          .orderBy(asc(schema.workflowTransitions.seq));
        void reply.header('etag', etag(inst.lockVersion));
        return {
          state: inst.state,
          lockVersion: inst.lockVersion,
          machineVersion: inst.machineVersion,
          allowedEvents: visibleCallEvents(
            allowedEvents('call', inst.snapshot as unknown as PersistedSnapshot<'call'>),
          ),
          transitions: transitions.map((t) => ({
            seq: t.seq,
            event: t.event,
            from: t.fromState,
            to: t.toState,
            at: t.at.toISOString(),
            actor: t.actorLabel,
            callVersion: t.callVersion,
          })),
        };
      },
    );

    app.post(
      '/:slug/events',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'advanceCall',
          tags: ['calls (call office)'],
          summary:
            'Advance a manual stage (close the eligibility check, open the rebuttal, ...); If-Match optional',
          params: slugParam,
          headers: z.looseObject({ ...ifMatchHeader }),
          body: z
            .object({
              event: z.enum(manualCallEvents),
              overrideReason: z
                .string()
                .trim()
                .min(3)
                .max(2000)
                .optional()
                .describe('Needed to close a stage while funders are pending'),
            })
            .strict(),
          response: {
            200: z.object({ from: z.string(), to: z.string(), lockVersion: z.number() }),
            412: z.unknown(),
            ...problemRefs,
          },
        },
      },
      async (request, reply) => {
        const call = await requireCall(deps.db, request.params.slug);
        requireScope(request.principal!, 'call-office', 'call', call.id);
        const expected = ifMatchVersion(request.headers['if-match'], false);
        const result = await advanceCall({ ...useCase, facts }, actorOf(request.principal), call.slug, {
          event: request.body.event,
          overrideReason: request.body.overrideReason,
          expectedLockVersion: expected,
        });
        void reply.header('etag', etag(result.lockVersion));
        return result;
      },
    );

    app.get(
      '/:slug/proposals',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'listCallProposals',
          tags: ['calls (call office)'],
          summary: 'Proposals of the call with their lifecycle state (filter with ?state=)',
          params: slugParam,
          querystring: z.object({ state: z.string().min(1).max(40).optional() }).strict(),
          response: {
            200: z.array(
              z.object({
                id: z.string(),
                acronym: z.string(),
                stage: z.string(),
                state: z.string(),
                updatedAt: z.string(),
              }),
            ),
            404: z.unknown(),
          },
        },
      },
      async (request) => {
        const call = await requireCall(deps.db, request.params.slug);
        requireScope(request.principal!, 'call-office', 'call', call.id);
        return proposalsByState(deps.db, call.id, request.query.state);
      },
    );

    app.get(
      '/:slug/statistics',
      {
        config: { access: anyOf('call-office') },
        schema: {
          operationId: 'getCallProposalStatistics',
          tags: ['calls (call office)'],
          summary:
            'Proposals per lifecycle state; research groups and requested amounts per country and per funder',
          params: slugParam,
          response: { 200: z.record(z.string(), z.unknown()), 404: z.unknown() },
        },
      },
      async (request) => {
        const call = await requireCall(deps.db, request.params.slug);
        requireScope(request.principal!, 'call-office', 'call', call.id);
        return callStatistics(deps.db, call.id);
      },
    );
  };
}
