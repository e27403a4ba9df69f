import { randomUUID } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import { login } from '@permed/auth';
import { jtc2020Definition, seedFunderRegistry } from '@permed/calls-service';
import { canonicalHash, createWorkflowInstance, schema, systemActor, type Actor } from '@permed/db';
import type { CallDefinitionInput, ProposalDocument } from '@permed/domain';
import type { App } from '@permed/http';
import { advanceWorkflow } from '@permed/service-kit';
import { createTestContext, type TestContext, type TestUser } from '@permed/testing';
import { initialSnapshot, machineVersion, type CallEvent, type ProposalEvent } from '@permed/workflow';
import { createCall, publishCall } from '../../../calls/src/manage-calls.ts';
import { buildPlatform } from '../../../platform/src/app.ts';

/**
 * Test factories for the evaluation service. Proposals are written straight into `proposals`,
 * `proposal_versions` and the workflow tables, as the proposals service would leave them, so these
 * tests depend on no other service's code but the finished calls service.
 */

export interface World {
  ctx: TestContext;
  app: App;
  office: TestUser;
}

/** JTC2020 (real 2020 dates) stands in for the call; access tokens live a day so the clock can move. */
export async function createWorld(now = '2020-07-01T10:00:00Z'): Promise<World> {
  const ctx = await createTestContext({ now, config: { ACCESS_TOKEN_TTL_SECONDS: 86_400 } });
  await seedFunderRegistry(ctx.deps.db);
  const app = await buildPlatform(ctx.config, ctx.deps);
  const office = await ctx.user([{ role: 'call-office', scopeType: 'global', scopeId: '*' }], 'office');
  return { ctx, app, office };
}

/** A fresh access token at the current (moved) clock. */
export async function signIn(ctx: TestContext, user: TestUser): Promise<TestUser> {
  const tokens = await login(
    { db: ctx.deps.db, config: ctx.config, clock: ctx.clock },
    {
      email: user.email,
      password: user.password,
    },
  );
  user.token = tokens.accessToken;
  user.auth = { authorization: `Bearer ${tokens.accessToken}` };
  return user;
}

export interface TestCall {
  id: string;
  slug: string;
  title: string;
}

export async function publishedCall(
  ctx: TestContext,
  slug: string,
  change: (d: CallDefinitionInput) => CallDefinitionInput = (d) => d,
): Promise<TestCall> {
  const definition = change({ ...structuredClone(jtc2020Definition()), slug });
  const deps = { db: ctx.deps.db, clock: ctx.clock };
  const row = await createCall(deps, systemActor, definition);
  await publishCall(deps, systemActor, slug, 'test');
  return { id: row.id, slug, title: definition.title };
}

/** The next event from each state of a two-stage call with a rebuttal, towards the panel. */
const nextCallEvent: Record<string, CallEvent> = {
  'pre-announced': { type: 'OPEN_PRE_PROPOSALS' },
  'pre-proposals-open': { type: 'CLOSE_PRE_PROPOSALS' },
  'eligibility-check': { type: 'CLOSE_ELIGIBILITY_CHECK', pendingFunders: 0 },
  'pre-proposal-evaluation': { type: 'OPEN_FULL_PROPOSALS' },
  'full-proposals-open': { type: 'CLOSE_FULL_PROPOSALS' },
  'full-proposal-review': { type: 'OPEN_REBUTTAL' },
  rebuttal: { type: 'CLOSE_REBUTTAL' },
};

/** Steps a two-stage call with a rebuttal along its lifecycle until it reaches `state`. */
export async function moveCallTo(ctx: TestContext, callId: string, state: string): Promise<void> {
  await ctx.deps.db.transaction(async (tx) => {
    const [inst] = await tx
      .select({ state: schema.workflowInstances.state })
      .from(schema.workflowInstances)
      .where(and(eq(schema.workflowInstances.kind, 'call'), eq(schema.workflowInstances.subjectId, callId)));
    let current = inst!.state;
    while (current !== state) {
      const event = nextCallEvent[current];
      if (!event) throw new Error(`call cannot move from ${current} to ${state}`);
      const r = await advanceWorkflow(tx, {
        kind: 'call',
        subjectId: callId,
        event,
        actor: systemActor,
        at: ctx.clock.now(),
        callVersion: 1,
      });
      current = r.to;
    }
  });
}

export interface PartnerSpec {
  id: string;
  organisation: string;
  country: string;
  funderId: string | null;
  pi: { name: string; email: string; orcid?: string };
  rorId?: string;
  requestEur?: number;
}

export function proposalDocument(
  acronym: string,
  partners: PartnerSpec[],
  keywords: string[] = ['pharmacogenomics'],
): ProposalDocument {
  return {
    acronym,
    title: `${acronym}: a test proposal on personalised medicine`,
    abstract: 'An abstract.',
    keywords,
    modules: ['1B', '3B'],
    durationMonths: 36,
    partners: partners.map((p, i) => ({
      id: p.id,
      organisation: {
        name: p.organisation,
        country: p.country,
        type: 'academia' as const,
        ...(p.rorId ? { rorId: p.rorId } : {}),
      },
      pi: p.pi,
      funderId: p.funderId,
      coordinator: i === 0,
      budget: {
        currency: 'EUR',
        personnel: (p.requestEur ?? 100_000) * 100,
        consumables: 0,
        equipment: 0,
        travel: 0,
        subcontracting: 0,
        overhead: 0,
      },
    })),
  };
}

/** Three partners in DE, ES and FR with distinct organisations and PIs, named after the acronym. */
export function simpleDocument(acronym: string, keywords?: string[], requestEur?: number): ProposalDocument {
  const slug = acronym.toLowerCase();
  const partner = (id: string, organisation: string, country: string, funderId: string): PartnerSpec => ({
    id,
    organisation: `${organisation} ${acronym}`,
    country,
    funderId,
    pi: { name: `PI ${id} ${acronym}`, email: `pi.${id}.${slug}@example.org` },
    ...(requestEur === undefined ? {} : { requestEur }),
  });
  return proposalDocument(
    acronym,
    [
      partner('de', 'Universität', 'DE', 'bmbf'),
      partner('es', 'Hospital', 'ES', 'isciii'),
      partner('fr', 'Institut', 'FR', 'anr'),
    ],
    keywords,
  );
}

const toEligible: ProposalEvent[] = [
  { type: 'SUBMIT', blockingErrors: 0 },
  { type: 'START_ELIGIBILITY_CHECK' },
  { type: 'DECLARE_ELIGIBLE', pendingVerdicts: 0, ineligibleVerdicts: 0 },
];
const toUnderReview: ProposalEvent[] = [
  { type: 'INVITE' },
  { type: 'OPEN_FULL_PROPOSAL' },
  { type: 'SUBMIT_FULL', blockingErrors: 0 },
  { type: 'START_REVIEW' },
];

/**
 * A proposal of a two-stage call with a rebuttal, as the proposals service leaves it: the
 * pre-proposal version, and for later states the full version, with its lifecycle stepped to `state`.
 */
export async function createProposal(
  ctx: TestContext,
  callId: string,
  document: ProposalDocument,
  state: 'eligible' | 'under-review' | 'rebuttal',
): Promise<string> {
  const at = ctx.clock.now();
  const actor: Actor = systemActor;
  return ctx.deps.db.transaction(async (tx) => {
    const [p] = await tx
      .insert(schema.proposals)
      .values({
        callId,
        stage: state === 'eligible' ? 'pre-proposal' : 'full-proposal',
        acronym: document.acronym,
        coordinatorUserId: randomUUID(),
        draft: document,
        createdAt: at,
        updatedAt: at,
      })
      .returning({ id: schema.proposals.id });
    const id = p!.id;
    const version = async (seq: number, stage: 'pre-proposal' | 'full-proposal') =>
      tx.insert(schema.proposalVersions).values({
        proposalId: id,
        seq,
        callId,
        stage,
        callVersion: 1,
        document: document,
        documents: [],
        contentHash: canonicalHash({ document, documents: [] }),
        submittedAt: at,
        submittedBy: randomUUID(),
      });
    await version(1, 'pre-proposal');
    await createWorkflowInstance(tx, {
      kind: 'proposal',
      subjectId: id,
      callId,
      state: 'draft',
      snapshot: initialSnapshot('proposal', { twoStage: true, rebuttal: true }),
      machineVersion: machineVersion('proposal'),
      actor,
      at,
    });
    const events = [
      ...toEligible,
      ...(state === 'eligible' ? [] : toUnderReview),
      ...(state === 'rebuttal' ? [{ type: 'OPEN_REBUTTAL' } as const] : []),
    ];
    for (const event of events) {
      if (event.type === 'SUBMIT_FULL') await version(2, 'full-proposal');
      await advanceWorkflow(tx, { kind: 'proposal', subjectId: id, event, actor, at, callVersion: 1 });
    }
    return id;
  });
}

export async function proposalState(ctx: TestContext, proposalId: string): Promise<string> {
  const [row] = await ctx.deps.db
    .select({ state: schema.workflowInstances.state })
    .from(schema.workflowInstances)
    .where(
      and(eq(schema.workflowInstances.kind, 'proposal'), eq(schema.workflowInstances.subjectId, proposalId)),
    );
  return row!.state;
}

/** The last e-mail queued for an address, through the outbox (kind 'mail'). */
export async function lastMailTo(
  ctx: TestContext,
  to: string,
): Promise<{ to: string; subject: string; text: string }> {
  const rows = await ctx.deps.db
    .select()
    .from(schema.outbox)
    .where(eq(schema.outbox.kind, 'mail'))
    .orderBy(desc(schema.outbox.id));
  const row = rows.find((r) => r.payload.to === to);
  if (!row) throw new Error(`no mail to ${to}`);
  return row.payload as { to: string; subject: string; text: string };
}

export function tokenIn(text: string): string {
  const m = /review-invitation#([A-Za-z0-9_-]+)/.exec(text);
  if (!m) throw new Error('no invitation token in the mail');
  return m[1]!;
}

export interface ReviewerSpec {
  name: string;
  email?: string;
  organisation?: { name: string; rorId?: string };
  country: string;
  expertise?: string[];
  orcid?: string;
  employedByFunderId?: string;
  collaborators?: { name: string; email?: string; orcid?: string }[];
  maxLoad?: number;
}

export interface TestReviewer {
  id: string;
  user: TestUser;
  email: string;
}

/**
 * An expert through the whole front door: listed by the office, invited by e-mail, accepted with
 * the mailed token by a signed-in user, confidentiality accepted (unless told otherwise).
 */
export async function acceptedReviewer(
  world: World,
  call: TestCall,
  spec: ReviewerSpec,
  options: { confidentiality?: boolean } = {},
): Promise<TestReviewer> {
  const { app, ctx, office } = world;
  const user = await ctx.user([], spec.name.replaceAll(' ', '-').toLowerCase());
  const email = spec.email ?? user.email;
  const added = await app.inject({
    method: 'POST',
    url: `/api/evaluation/calls/${call.id}/reviewers`,
    headers: office.auth,
    payload: {
      name: spec.name,
      email,
      organisation: spec.organisation ?? { name: `Organisation of ${spec.name}` },
      country: spec.country,
      expertise: spec.expertise ?? ['pharmacogenomics'],
      ...(spec.orcid ? { orcid: spec.orcid } : {}),
      ...(spec.employedByFunderId ? { employedByFunderId: spec.employedByFunderId } : {}),
      collaborators: spec.collaborators ?? [],
      ...(spec.maxLoad === undefined ? {} : { maxLoad: spec.maxLoad }),
    },
  });
  if (added.statusCode !== 201) throw new Error(`add reviewer: ${added.statusCode} ${added.body}`);
  const id = added.json<{ id: string }>().id;
  const invited = await app.inject({
    method: 'POST',
    url: `/api/evaluation/calls/${call.id}/reviewers/${id}/invitations`,
    headers: office.auth,
  });
  if (invited.statusCode !== 201) throw new Error(`invite: ${invited.statusCode} ${invited.body}`);
  const token = tokenIn((await lastMailTo(ctx, email.toLowerCase())).text);
  const accepted = await app.inject({
    method: 'POST',
    url: '/api/evaluation/invitations/accept',
    headers: user.auth,
    payload: { token },
  });
  if (accepted.statusCode !== 200) throw new Error(`accept: ${accepted.statusCode} ${accepted.body}`);
  if (options.confidentiality !== false) await acceptConfidentiality(world, call, user);
  return { id, user, email: email.toLowerCase() };
}

export async function acceptConfidentiality(world: World, call: TestCall, user: TestUser): Promise<void> {
  const statement = await world.app.inject({
    url: `/api/evaluation/calls/${call.id}/confidentiality`,
    headers: user.auth,
  });
  const res = await world.app.inject({
    method: 'POST',
    url: `/api/evaluation/calls/${call.id}/confidentiality`,
    headers: user.auth,
    payload: { statementHash: statement.json<{ statementHash: string }>().statementHash },
  });
  if (res.statusCode !== 200) throw new Error(`confidentiality: ${res.statusCode} ${res.body}`);
}

/** The office adds pairs directly (the optimiser has its own tests). */
export async function assign(
  world: World,
  call: TestCall,
  stage: 'pre-proposal' | 'full-proposal',
  pairs: { proposalId: string; reviewerId: string }[],
) {
  return world.app.inject({
    method: 'POST',
    url: `/api/evaluation/calls/${call.id}/assignment-overrides`,
    headers: world.office.auth,
    payload: { stage, add: pairs, reason: 'test set-up' },
  });
}

export async function declareNoConflict(
  world: World,
  call: TestCall,
  reviewer: TestReviewer,
  proposalId: string,
) {
  return world.app.inject({
    method: 'PUT',
    url: `/api/evaluation/calls/${call.id}/proposals/${proposalId}/coi-declaration`,
    headers: reviewer.user.auth,
    payload: { conflict: false },
  });
}
