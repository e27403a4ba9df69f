// Test data for the eligibility service, written straight into the tables the proposals service
// owns (proposals, proposal_versions, the proposal lifecycle), so these tests do not depend on it.
import { randomBytes } from 'node:crypto';
import { authRoutes } from '@permed/auth';
import { canonicalHash, createWorkflowInstance, schema, type Actor } from '@permed/db';
import type { ProposalDocument, ProposalStage } from '@permed/domain';
import { createHttpApp, type App } from '@permed/http';
import type { EligibilityCall } from '@permed/rules';
import { advanceWorkflow } from '@permed/service-kit';
import type { TestContext, TestUser } from '@permed/testing';
import { initialSnapshot, machineVersion, type CallEvent, type ProposalEvent } from '@permed/workflow';
import { callsService, jtc2020Definition, seedFunderRegistry } from '@permed/calls-service';
import { createCall, publishCall } from '../../../calls/src/manage-calls.ts';
import { CallProjectionCache, loadPublishedCall } from '../call-context.ts';
import { eligibilityStageFacts } from '../funder-progress.ts';
import { eligibilityService } from '../plugin.ts';

export const actorFor = (u: TestUser): Actor => ({ userId: u.id, label: u.email });

/**
 * The platform's wiring of the two services this one works with: the calls service with the
 * eligibility stage facts (what the lead wires in the platform), and this service.
 */
export async function buildTestApp(ctx: TestContext): Promise<App> {
  const deps = ctx.deps;
  const app = await createHttpApp(ctx.config, {
    name: 'eligibility test platform',
    authenticator: deps.authenticator,
    docs: false,
  });
  await app.register(authRoutes(deps), { prefix: '/api/auth' });
  await app.register(
    callsService({ ...deps, facts: { ...eligibilityStageFacts(deps.db), pendingDecisions: async () => 0 } }),
    { prefix: '/api/calls' },
  );
  await app.register(eligibilityService(deps), { prefix: '/api/eligibility' });
  return app;
}

export interface TestCall {
  id: string;
  slug: string;
  version: number;
  twoStage: boolean;
  office: TestUser;
  eligibilityCall: EligibilityCall;
}

let calls = 0;

/** A published copy of the JTC2020 demo call, its creator holding the call-office role for it. */
export async function publishTestCall(
  ctx: TestContext,
  options: { twoStage?: boolean; abstractMaxCharacters?: number } = {},
): Promise<TestCall> {
  await seedFunderRegistry(ctx.db.db);
  const office = await ctx.user([], 'office');
  calls += 1;
  const slug = `elig-test-${calls}-${randomBytes(3).toString('hex')}`;
  const base = jtc2020Definition();
  const twoStage = options.twoStage ?? true;
  const definition = {
    ...base,
    slug,
    twoStage,
    stages: twoStage ? base.stages : base.stages.filter((s) => !s.kind.startsWith('pre-proposal')),
    ...(options.abstractMaxCharacters ? { abstractMaxCharacters: options.abstractMaxCharacters } : {}),
  };
  const deps = { db: ctx.db.db, clock: ctx.clock };
  const row = await createCall(deps, actorFor(office), definition);
  await publishCall(deps, actorFor(office), slug, 'test');
  const loaded = await loadPublishedCall(ctx.db.db, new CallProjectionCache(), slug);
  return { id: row.id, slug, version: 1, twoStage, office, eligibilityCall: loaded.eligibilityCall };
}

/** Steps the call lifecycle as the scheduler would (the events come from the stage jobs). */
export async function stepCall(ctx: TestContext, call: TestCall, ...events: CallEvent[]): Promise<void> {
  for (const event of events) {
    await ctx.db.db.transaction((tx) =>
      advanceWorkflow(tx, {
        kind: 'call',
        subjectId: call.id,
        event,
        actor: { userId: null, label: 'scheduler' },
        at: ctx.clock.now(),
        callVersion: call.version,
      }),
    );
  }
}

/** Opens submissions and closes them: the call is then in its eligibility check. */
export async function moveCallToEligibilityCheck(ctx: TestContext, call: TestCall): Promise<void> {
  if (call.twoStage) {
    await stepCall(ctx, call, { type: 'OPEN_PRE_PROPOSALS' }, { type: 'CLOSE_PRE_PROPOSALS' });
  } else {
    await stepCall(ctx, call, { type: 'OPEN_FULL_PROPOSALS' }, { type: 'CLOSE_FULL_PROPOSALS' });
  }
}

export interface SubmittedProposal {
  id: string;
  coordinator: TestUser;
  doc: ProposalDocument;
}

export const defaultDocuments = [
  { kind: 'proposal', name: 'proposal.pdf', sha256: 'a'.repeat(64), bytes: 250_000, pages: 8 },
];

/**
 * A proposal with one submitted version, its lifecycle in `submitted` (or `eligibility-check` when
 * `startCheck`). Further versions: `addVersion`.
 */
export async function submitTestProposal(
  ctx: TestContext,
  call: TestCall,
  doc: ProposalDocument,
  options: { stage?: ProposalStage; documents?: Array<Record<string, unknown>>; startCheck?: boolean } = {},
): Promise<SubmittedProposal> {
  const stage = options.stage ?? (call.twoStage ? 'pre-proposal' : 'full-proposal');
  const coordinator = await ctx.user([], 'coordinator');
  const now = ctx.clock.now();
  const db = ctx.db.db;
  const [p] = await db
    .insert(schema.proposals)
    .values({
      callId: call.id,
      stage,
      acronym: doc.acronym,
      coordinatorUserId: coordinator.id,
      draft: doc,
      createdAt: now,
      updatedAt: now,
    })
    .returning({ id: schema.proposals.id });
  const id = p!.id;
  await db.transaction(async (tx) => {
    await createWorkflowInstance(tx, {
      kind: 'proposal',
      subjectId: id,
      callId: call.id,
      state: 'draft',
      snapshot: initialSnapshot('proposal', { twoStage: call.twoStage, rebuttal: true }),
      machineVersion: machineVersion('proposal'),
      actor: actorFor(coordinator),
      at: now,
    });
  });
  await addVersion(ctx, call, id, coordinator, doc, { stage, documents: options.documents, seq: 1 });
  await stepProposal(ctx, id, { type: 'SUBMIT', blockingErrors: 0 });
  if (options.startCheck ?? true) await stepProposal(ctx, id, { type: 'START_ELIGIBILITY_CHECK' });
  return { id, coordinator, doc };
}

export async function addVersion(
  ctx: TestContext,
  call: TestCall,
  proposalId: string,
  by: TestUser,
  doc: ProposalDocument,
  options: { stage: ProposalStage; seq: number; documents?: Array<Record<string, unknown>> | undefined },
): Promise<void> {
  const documents = options.documents ?? defaultDocuments;
  await ctx.db.db.insert(schema.proposalVersions).values({
    proposalId,
    seq: options.seq,
    callId: call.id,
    stage: options.stage,
    callVersion: call.version,
    document: doc,
    documents,
    contentHash: canonicalHash({ document: doc, documents }),
    submittedAt: ctx.clock.now(),
    submittedBy: by.id,
  });
}

export async function stepProposal(
  ctx: TestContext,
  proposalId: string,
  event: ProposalEvent,
): Promise<void> {
  await ctx.db.db.transaction((tx) =>
    advanceWorkflow(tx, {
      kind: 'proposal',
      subjectId: proposalId,
      event,
      actor: { userId: null, label: 'scheduler' },
      at: ctx.clock.now(),
    }),
  );
}
