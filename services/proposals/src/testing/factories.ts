// Test factories for the proposals service: a published call with chosen stage instants, valid
// proposals and partners (the JTC2020 sample consortium), and multipart bodies for uploads.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { and, eq } from 'drizzle-orm';
import { schema } from '@permed/db';
import { validPdf } from '@permed/documents/testing';
import { login } from '@permed/auth';
import { seedFunderRegistry, liveDemoDefinition } from '@permed/calls-service';
import type { Config } from '@permed/config';
import type { CallDefinitionInput, StageKind } from '@permed/domain';
import type { App } from '@permed/http';
import { createTestContext, type TestContext, type TestUser } from '@permed/testing';
import { buildPlatform } from '../../../platform/src/app.ts';
import type { ProposalsExtras } from '../deps.ts';
import { findDocument } from '../proposal-store.ts';
import { samplePartners } from './sample-partners.ts';

export { samplePartners };

const DAY = 24 * 3600 * 1000;

/** Stage lengths in days, in lifecycle order, starting 20 days before "now". */
export const defaultStageDays: [StageKind, number][] = [
  ['pre-announcement', 10],
  ['pre-proposal-submission', 30],
  ['eligibility-check', 10],
  ['pre-proposal-evaluation', 10],
  ['full-proposal-submission', 20],
  ['full-proposal-review', 10],
  ['rebuttal', 7],
  ['panel', 10],
  ['funding-recommendation', 10],
  ['national-decisions', 10],
];

export interface CallTimes {
  /** Instant every stage is placed from (the pre-announcement opens 30 days before it). */
  now: Date;
  /** Override the instant of the pre-proposal deadline (later stages move with it). */
  preDeadline?: Date;
}

/** Every stage's UTC interval for a call laid out by `callDefinition`. */
export function stageTimes(times: CallTimes): Record<StageKind, { opensAt: Date; closesAt: Date }> {
  const out = {} as Record<StageKind, { opensAt: Date; closesAt: Date }>;
  let at = times.now.getTime() - 30 * DAY;
  for (const [kind, days] of defaultStageDays) {
    const opensAt = at;
    let closesAt = at + days * DAY;
    if (kind === 'pre-proposal-submission' && times.preDeadline) closesAt = times.preDeadline.getTime();
    out[kind] = { opensAt: new Date(opensAt), closesAt: new Date(closesAt) };
    at = closesAt;
  }
  return out;
}

/**
 * The JTC2020 demo call (its funders, rules and limits) with stages at chosen instants: by default
 * the pre-proposal window opened 20 days before `now` and closes 10 days after it.
 */
export function callDefinition(
  slug: string,
  times: CallTimes,
  overrides: Partial<CallDefinitionInput> = {},
): CallDefinitionInput {
  const base = liveDemoDefinition(times.now);
  const t = stageTimes(times);
  const zone = base.zone;
  const z = (d: Date) => ({ at: d.toISOString(), zone });
  return {
    ...base,
    slug,
    title: `Test call ${slug}`,
    stages: defaultStageDays.map(([kind]) => ({
      kind,
      opensAt: z(t[kind].opensAt),
      closesAt: z(t[kind].closesAt),
    })),
    ...overrides,
  };
}

/** A complete, eligible proposal body for POST /api/proposals (no document yet). */
export function completeProposal(callSlug: string, overrides: Record<string, unknown> = {}) {
  return {
    callSlug,
    acronym: 'PGX-HEART',
    title: 'Pharmacogenomic stratification of heart-failure therapy',
    abstract: 'Four partners from four countries combine clinical research, data and ethics.',
    keywords: ['pharmacogenomics', 'heart failure'],
    modules: ['1B', '2B', '3B'],
    durationMonths: 36,
    partners: samplePartners(),
    ...overrides,
  };
}

/** multipart/form-data with one file part, as browsers send it. */
export function multipart(
  bytes: Uint8Array,
  filename = 'proposal.pdf',
  contentType = 'application/pdf',
  field = 'file',
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----permed${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    payload: Buffer.concat([head, Buffer.from(bytes), tail]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/**
 * The conditional header an upload of `kind` needs now: If-Match with the ETag of the document in
 * the proposal's current stage, or If-None-Match: * when there is none yet.
 */
export async function uploadConditions(
  db: TestContext['db']['db'],
  proposalId: string,
  kind: 'proposal' | 'annex' = 'proposal',
): Promise<Record<string, string>> {
  const [proposal] = await db
    .select({ stage: schema.proposals.stage })
    .from(schema.proposals)
    .where(eq(schema.proposals.id, proposalId));
  const current = proposal ? await findDocument(db, proposalId, proposal.stage, kind) : null;
  return current ? { 'if-match': `"${current.sha256}"` } : { 'if-none-match': '*' };
}

export interface World {
  ctx: TestContext;
  app: App;
  office: TestUser;
  dataDir: string;
  /** Publishes a call (through the calls API, as the call office) and returns its slug. */
  publishCall(
    slug: string,
    times?: Partial<CallTimes>,
    overrides?: Partial<CallDefinitionInput>,
  ): Promise<string>;
  /** A fresh access token for the user at the clock's current time (tokens expire by that clock). */
  signIn(user: TestUser): Promise<TestUser>;
  close(): Promise<void>;
}

/** A platform on a fresh test database with the funder registry, a call office and its own data dir. */
export async function createWorld(
  options: { now?: string; extras?: ProposalsExtras; poolMax?: number; config?: Partial<Config> } = {},
): Promise<World> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'proposals-'));
  const ctx = await createTestContext({
    now: options.now ?? '2026-01-15T10:00:00Z',
    config: { DATA_DIR: dataDir, PUBLIC_URL: 'https://permed.example.org', ...options.config },
    ...(options.poolMax ? { poolMax: options.poolMax } : {}),
  });
  await seedFunderRegistry(ctx.db.db);
  const app = await buildPlatform(ctx.config, { ...ctx.deps, ...options.extras });
  const office = await ctx.user([{ role: 'call-office', scopeType: 'global', scopeId: '*' }], 'office');
  return {
    ctx,
    app,
    office,
    dataDir,
    async publishCall(slug, times = {}, overrides = {}) {
      const definition = callDefinition(slug, { now: ctx.clock.now(), ...times }, overrides);
      const created = await app.inject({
        method: 'POST',
        url: '/api/calls',
        headers: office.auth,
        payload: definition,
      });
      if (created.statusCode !== 201) throw new Error(`call not created: ${created.body}`);
      const published = await app.inject({
        method: 'POST',
        url: `/api/calls/${slug}/publish`,
        headers: office.auth,
        payload: {},
      });
      if (published.statusCode !== 200) throw new Error(`call not published: ${published.body}`);
      return slug;
    },
    async signIn(user) {
      const tokens = await login({ db: ctx.db.db, config: ctx.config, clock: ctx.clock }, user);
      return { ...user, token: tokens.accessToken, auth: { authorization: `Bearer ${tokens.accessToken}` } };
    },
    async close() {
      await app.close();
      await ctx.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Creates a complete draft proposal for the call as `user` and returns its id. */
export async function createDraft(world: World, user: TestUser, callSlug: string): Promise<string> {
  const created = await world.app.inject({
    method: 'POST',
    url: '/api/proposals',
    headers: user.auth,
    payload: completeProposal(callSlug),
  });
  if (created.statusCode !== 201) throw new Error(`proposal not created: ${created.body}`);
  return created.json<{ id: string }>().id;
}

/** Uploads the first proposal document of a draft (a valid two-page PDF) as `user`. */
export async function uploadFirstPdf(world: World, user: TestUser, proposalId: string): Promise<void> {
  const upload = multipart(await validPdf({ pages: 2 }));
  const up = await world.app.inject({
    method: 'PUT',
    url: `/api/proposals/${proposalId}/documents/proposal`,
    headers: { ...user.auth, ...upload.headers, 'if-none-match': '*' },
    payload: upload.payload,
  });
  if (up.statusCode !== 200) throw new Error(`document not uploaded: ${up.body}`);
}

export const localIn = (iso: string, zone: string): string =>
  DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone).toISO({ suppressMilliseconds: true })!;

/** The lifecycle state of a proposal as stored (what the scheduler and the use cases left it in). */
export async function proposalState(world: World, proposalId: string): Promise<string | undefined> {
  const [row] = await world.ctx.db.db
    .select({ state: schema.workflowInstances.state })
    .from(schema.workflowInstances)
    .where(
      and(eq(schema.workflowInstances.kind, 'proposal'), eq(schema.workflowInstances.subjectId, proposalId)),
    );
  return row?.state;
}
