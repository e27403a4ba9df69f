// The world the authorisation matrix is asked in: one published single-stage call taken through its
// stages by the services' own HTTP routes, two consortia (A and B), the funders' officers, the call
// office of this call and of another one, three reviewers and an administrator.
//
// Direct database writes, and why:
// - none for the proposals' lifecycle: the platform moves them with their call (the world only
//   asserts that it did);
// - the timed call events (closing submissions) are fired by the durable scheduler (`runDueJobs`
//   with the calls service's job handlers) after moving the clock, as in production;
// - users and their grants are made by the test harness (there is no route that grants roles).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { login } from '@permed/auth';
import { callJobHandlers, liveDemoDefinition, seedFunderRegistry } from '@permed/calls-service';
import { runDueJobs, schema } from '@permed/db';
import type { CallDefinitionInput, Partner } from '@permed/domain';
import { validPdf } from '@permed/documents/testing';
import type { App } from '@permed/http';
import { buildPlatform } from '@permed/platform';
import { createTestContext, type TestContext, type TestUser } from '@permed/testing';
import type { Live, Refs, Role, Stage } from './matrix-types.ts';
import { stages } from './matrix-types.ts';
import { uploadConditions } from '../../services/proposals/src/testing/factories.ts';

const DAY = 24 * 3600 * 1000;
/** The world starts ten days before the submission deadline. */
export const T0 = new Date('2026-03-02T10:00:00Z');
const at = (days: number) => new Date(T0.getTime() + days * DAY);
const ZONE = 'Europe/Brussels';

export interface Response {
  statusCode: number;
  body: string;
  json(): unknown;
  headers: Record<string, unknown>;
}

export interface Request {
  method: string;
  url: string;
  payload?: unknown;
  headers?: Record<string, string>;
}

/** A single-stage call (no rebuttal) on the JTC2020 demo rules, funders and commitments. */
export function callDefinition(slug: string): CallDefinitionInput {
  const base = liveDemoDefinition(T0);
  const stage = (kind: string, from: number, to: number) => ({
    kind,
    opensAt: { at: at(from).toISOString(), zone: ZONE },
    closesAt: { at: at(to).toISOString(), zone: ZONE },
  });
  return {
    ...base,
    slug,
    title: `Authorisation matrix call ${slug}`,
    twoStage: false,
    stages: [
      stage('pre-announcement', -40, -20),
      stage('full-proposal-submission', -20, 10),
      stage('full-proposal-review', 10, 30),
      stage('panel', 30, 40),
      stage('funding-recommendation', 40, 50),
      stage('national-decisions', 50, 60),
    ] as CallDefinitionInput['stages'],
    evaluation: { ...base.evaluation, reviewersPerProposal: 2, maxLoadPerReviewer: 5 },
    rebuttal: { enabled: false, maxCharacters: 6000 },
  };
}

/** The eligible four-partner consortium (DE/BMBF, SE/VR, CA-QC/FRQS, ES/ISCIII) under a prefix. */
export function consortium(prefix: string): Partner[] {
  const budget = (currency: string, personnel: number) => ({
    currency,
    personnel,
    consumables: 1_000_000,
    equipment: 0,
    travel: 500_000,
    subcontracting: 0,
    overhead: 1_000_000,
  });
  const pi = (name: string) => ({
    name: `${name} ${prefix}`,
    email: `${name.toLowerCase().replaceAll(' ', '.')}.${prefix.toLowerCase()}@example.org`,
  });
  return [
    {
      id: 'charite',
      organisation: {
        name: `Charité – Universitätsmedizin Berlin ${prefix}`,
        country: 'DE',
        region: 'DE-BE',
        type: 'clinical-public-health',
      },
      pi: pi('Josiah Carberry'),
      funderId: 'bmbf',
      coordinator: true,
      budget: budget('EUR', 21_000_000),
    },
    {
      id: 'karolinska',
      organisation: { name: `Karolinska Institutet ${prefix}`, country: 'SE', type: 'academia' },
      pi: pi('Anna Lindqvist'),
      funderId: 'vr',
      coordinator: false,
      budget: budget('EUR', 18_000_000),
    },
    {
      id: 'laval',
      organisation: { name: `Université Laval ${prefix}`, country: 'CA', region: 'CA-QC', type: 'academia' },
      pi: pi('Marie Tremblay'),
      funderId: 'frqs',
      coordinator: false,
      budget: budget('CAD', 30_000_000),
    },
    {
      id: 'clinic-bcn',
      organisation: {
        name: `Hospital Clínic de Barcelona ${prefix}`,
        country: 'ES',
        region: 'ES-CT',
        type: 'clinical-public-health',
      },
      pi: pi('Jordi Puig'),
      funderId: 'isciii',
      coordinator: false,
      budget: budget('EUR', 15_000_000),
    },
  ];
}

/** The partner a DELETE cell may remove: added before each such cell while the draft is editable. */
export const scratchPartner: Partner = {
  id: 'scratch',
  organisation: { name: 'Scratch Institute', country: 'PT', type: 'academia' },
  pi: { name: 'Sara Scratch', email: 'sara.scratch@example.org' },
  funderId: null,
  coordinator: false,
  budget: {
    currency: 'EUR',
    personnel: 100_000,
    consumables: 0,
    equipment: 0,
    travel: 0,
    subcontracting: 0,
    overhead: 0,
  },
};

function multipart(bytes: Uint8Array, filename = 'proposal.pdf') {
  const boundary = `----authz${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/pdf\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    payload: Buffer.concat([head, Buffer.from(bytes), tail]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

const rowsOf = <T>(result: unknown): T[] =>
  Array.isArray(result) ? (result as T[]) : ((result as { rows: T[] }).rows ?? []);

export interface World {
  ctx: TestContext;
  app: App;
  refs: Refs;
  live: Live;
  stage: Stage;
  /** The matrix's users, by role (null: anonymous). */
  users: Record<Role, TestUser | null>;
  /** Moves the world forward to a stage (never back). */
  advanceTo(stage: Stage): Promise<void>;
  /** Sends a request as a role. */
  send(role: Role, request: Request): Promise<Response>;
  /**
   * What a refused request must leave as it was: `data` sums up row counts, versions and states of
   * every table a route writes; `audited` counts audit rows other than access denials.
   */
  fingerprint(): Promise<{ data: string; audited: number }>;
  /** Audit rows (not access denials) written after the given id. */
  auditAfter(id: number): Promise<{ id: number; actorUserId: string | null; action: string }[]>;
  lastAuditId(): Promise<number>;
  multipart: typeof multipart;
  /** Direct writes the world had to make around platform bugs (reported, printed after the run). */
  workarounds: string[];
  close(): Promise<void>;
}

export async function createWorld(): Promise<World> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'authz-'));
  const ctx = await createTestContext({
    now: T0,
    config: {
      DATA_DIR: dataDir,
      PUBLIC_URL: 'https://permed.example.org',
      ACCESS_TOKEN_TTL_SECONDS: 86_400,
      AUTH_RATE_LIMIT_PER_MINUTE: 100_000,
    },
  });
  const db = ctx.db.db;
  await seedFunderRegistry(db);
  const app = await buildPlatform(ctx.config, ctx.deps);

  const call = async (user: TestUser | null, request: Request): Promise<Response> => {
    const res = await app.inject({
      method: request.method as 'GET',
      url: request.url,
      ...(request.payload === undefined ? {} : { payload: request.payload as string }),
      headers: { ...(user ? user.auth : {}), ...(request.headers ?? {}) },
    });
    return res;
  };
  /** A step of the world that must succeed: anything else is a broken world, not a matrix cell. */
  const must = async (user: TestUser | null, request: Request, status: number): Promise<Response> => {
    const res = await call(user, request);
    if (res.statusCode !== status) {
      throw new Error(
        `world: ${request.method} ${request.url} → ${res.statusCode} (wanted ${status}) ${res.body}`,
      );
    }
    return res;
  };

  // ---- the calls ----
  const setupOffice = await ctx.user(
    [{ role: 'call-office', scopeType: 'global', scopeId: '*' }],
    'setup-office',
  );
  const publish = async (slug: string): Promise<string> => {
    const created = await must(
      setupOffice,
      { method: 'POST', url: '/api/calls', payload: callDefinition(slug) },
      201,
    );
    await must(setupOffice, { method: 'POST', url: `/api/calls/${slug}/publish`, payload: {} }, 200);
    return (created.json() as { id: string }).id;
  };
  const callId = await publish('authz-call');
  const otherCallId = await publish('authz-other-call');
  // The opening of the submission stage is in the past: the scheduler opens both calls.
  await runDueJobs(db, () => ctx.clock.now(), callJobHandlers);

  // ---- users ----
  const scoped = (
    role: 'funder' | 'call-office',
    scopeType: 'funder' | 'call',
    scopeId: string,
    name: string,
  ) => ctx.user([{ role, scopeType, scopeId }], name);
  const users: Record<Role, TestUser | null> = {
    anonymous: null,
    coordinator: await ctx.user([], 'coordinator'),
    partnerEditor: await ctx.user([], 'partner-editor'),
    viewer: await ctx.user([], 'viewer'),
    funderOfPartner: await scoped('funder', 'funder', 'vr', 'vr-officer'),
    otherFunder: await scoped('funder', 'funder', 'bmbf', 'bmbf-officer'),
    callOffice: await scoped('call-office', 'call', callId, 'office'),
    otherCallOffice: await scoped('call-office', 'call', otherCallId, 'other-office'),
    reviewerAssigned: await ctx.user([], 'reviewer-assigned'),
    reviewerUnassigned: await ctx.user([], 'reviewer-unassigned'),
    reviewerConflicted: await ctx.user([], 'reviewer-conflicted'),
    admin: await ctx.user([{ role: 'admin', scopeType: 'global', scopeId: '*' }], 'admin'),
  };
  // Helpers outside the matrix: B's coordinator and the officers of the consortia's other funders.
  const coordinatorB = await ctx.user([], 'coordinator-b');
  const frqs = await scoped('funder', 'funder', 'frqs', 'frqs-officer');
  const isciii = await scoped('funder', 'funder', 'isciii', 'isciii-officer');
  const helpers = [setupOffice, coordinatorB, frqs, isciii];
  const office = users.callOffice!;

  const mailTo = async (email: string, pattern: RegExp): Promise<string> => {
    const mails = await db.select().from(schema.outbox).where(eq(schema.outbox.kind, 'mail'));
    const mail = mails.filter((m) => m.payload.to === email.toLowerCase()).at(-1);
    const text = mail?.payload.text;
    const token = pattern.exec(typeof text === 'string' ? text : '')?.[1];
    if (!token) throw new Error(`world: no invitation mail to ${email}`);
    return token;
  };

  // ---- consortium A: coordinator, a partner's editor and a viewer, by invitation ----
  const pdf = await validPdf({ pages: 2 });
  const createProposal = async (coordinator: TestUser, acronym: string, prefix: string): Promise<string> => {
    const created = await must(
      coordinator,
      {
        method: 'POST',
        url: '/api/proposals',
        payload: {
          callSlug: 'authz-call',
          acronym,
          title: `${acronym}: pharmacogenomic stratification`,
          abstract: 'Four partners from four countries combine clinical research, data and ethics.',
          keywords: ['pharmacogenomics'],
          modules: ['1B', '2B', '3B'],
          durationMonths: 36,
          partners: consortium(prefix),
        },
      },
      201,
    );
    const id = (created.json() as { id: string }).id;
    const file = multipart(pdf);
    await must(
      coordinator,
      {
        method: 'PUT',
        url: `/api/proposals/${id}/documents/proposal`,
        payload: file.payload,
        headers: { ...file.headers, 'if-none-match': '*' },
      },
      200,
    );
    return id;
  };
  const A = await createProposal(users.coordinator!, 'PGX-HEART', 'A');
  const B = await createProposal(coordinatorB, 'ONCO-B', 'B');
  const join = async (user: TestUser, body: Record<string, unknown>) => {
    await must(
      users.coordinator,
      { method: 'POST', url: `/api/proposals/${A}/invitations`, payload: { email: user.email, ...body } },
      201,
    );
    const token = await mailTo(user.email, /"token": "([A-Za-z0-9_-]+)"/);
    await must(user, { method: 'POST', url: '/api/proposals/invitations/accept', payload: { token } }, 200);
  };
  await join(users.partnerEditor!, { role: 'editor', partnerId: 'karolinska' });
  await join(users.viewer!, { role: 'viewer' });
  for (const [user, id] of [
    [users.coordinator!, A],
    [coordinatorB, B],
  ] as const) {
    await must(
      user,
      { method: 'POST', url: `/api/proposals/${id}/submit`, headers: { 'idempotency-key': `first-${id}` } },
      201,
    );
  }

  // ---- the reviewer pool, built while submissions are open ----
  const reviewerIds: Partial<Record<Role, string>> = {};
  const pool: [Role, string, number][] = [
    ['reviewerAssigned', 'NL', 3],
    ['reviewerUnassigned', 'IT', 1],
    ['reviewerConflicted', 'PL', 3],
  ];
  for (const [role, country, maxLoad] of pool) {
    const user = users[role]!;
    const added = await must(
      office,
      {
        method: 'POST',
        url: `/api/evaluation/calls/${callId}/reviewers`,
        payload: {
          name: `Reviewer ${role}`,
          email: user.email,
          organisation: { name: `University of ${role}` },
          country,
          expertise: ['pharmacogenomics'],
          maxLoad,
        },
      },
      201,
    );
    const reviewerId = (added.json() as { id: string }).id;
    reviewerIds[role] = reviewerId;
    await must(
      office,
      { method: 'POST', url: `/api/evaluation/calls/${callId}/reviewers/${reviewerId}/invitations` },
      201,
    );
    const token = await mailTo(user.email, /review-invitation#([A-Za-z0-9_-]+)/);
    await must(user, { method: 'POST', url: '/api/evaluation/invitations/accept', payload: { token } }, 200);
    const statement = await must(
      user,
      { method: 'GET', url: `/api/evaluation/calls/${callId}/confidentiality` },
      200,
    );
    await must(
      user,
      {
        method: 'POST',
        url: `/api/evaluation/calls/${callId}/confidentiality`,
        payload: { statementHash: (statement.json() as { statementHash: string }).statementHash },
      },
      200,
    );
  }

  const refs: Refs = {
    slug: 'authz-call',
    callId,
    otherSlug: 'authz-other-call',
    otherCallId,
    A,
    B,
    partner: 'karolinska',
    otherPartner: 'charite',
    funder: 'vr',
    otherFunder: 'bmbf',
    declinedAssignment: '00000000-0000-4000-8000-000000000000',
    reviewerAssignedId: reviewerIds.reviewerAssigned!,
  };

  const signInAll = async () => {
    for (const user of [...Object.values(users), ...helpers]) {
      if (!user) continue;
      const tokens = await login(
        { db, config: ctx.config, clock: ctx.clock },
        { email: user.email, password: user.password },
      );
      user.token = tokens.accessToken;
      user.auth = { authorization: `Bearer ${tokens.accessToken}` };
    }
  };

  /**
   * The platform now moves proposals with their call (the deadline starts the eligibility check,
   * applying eligible outcomes in a single-stage call starts the review); this asserts it did.
   */
  const stepProposals = async (event: { type: 'START_ELIGIBILITY_CHECK' } | { type: 'START_REVIEW' }) => {
    const expected = event.type === 'START_ELIGIBILITY_CHECK' ? 'eligibility-check' : 'under-review';
    const rows = await db
      .select({ id: schema.workflowInstances.subjectId, state: schema.workflowInstances.state })
      .from(schema.workflowInstances)
      .where(inArray(schema.workflowInstances.subjectId, [A, B]));
    for (const r of rows) {
      if (r.state !== expected) throw new Error(`proposal ${r.id} is in ${r.state}, expected ${expected}`);
    }
  };

  const verdictsAndChecks = async () => {
    const officers: [TestUser, string][] = [
      [users.otherFunder!, 'bmbf'],
      [users.funderOfPartner!, 'vr'],
      [frqs, 'frqs'],
      [isciii, 'isciii'],
    ];
    const partnerOf: Record<string, string> = {
      bmbf: 'charite',
      vr: 'karolinska',
      frqs: 'laval',
      isciii: 'clinic-bcn',
    };
    for (const [officer, funderId] of officers) {
      for (const id of [A, B]) {
        await must(
          officer,
          {
            method: 'PUT',
            url: `/api/eligibility/calls/authz-call/funders/${funderId}/partners/${id}/${partnerOf[funderId]}/verdict`,
            payload: { verdict: 'eligible' },
          },
          200,
        );
      }
      await must(
        officer,
        { method: 'POST', url: `/api/eligibility/calls/authz-call/funders/${funderId}/done` },
        200,
      );
    }
    for (const id of [A, B]) {
      await must(
        office,
        {
          method: 'PUT',
          url: `/api/eligibility/calls/authz-call/proposals/${id}/formal-check`,
          payload: { result: 'passed' },
        },
        200,
      );
    }
  };

  const scores = (value: number) => ({
    scores: ['excellence', 'impact', 'implementation'].map((criterionId) => ({
      criterionId,
      score: value,
      comment: `Scored ${value}.`,
    })),
  });

  const transitions: Record<Exclude<Stage, 'submission'>, () => Promise<void>> = {
    async eligibility() {
      ctx.clock.set(at(10 + 1 / 24));
      await signInAll();
      await runDueJobs(db, () => ctx.clock.now(), callJobHandlers);
      await stepProposals({ type: 'START_ELIGIBILITY_CHECK' });
    },
    async review() {
      ctx.clock.set(at(12));
      await signInAll();
      await verdictsAndChecks();
      await must(
        office,
        {
          method: 'POST',
          url: '/api/calls/authz-call/events',
          payload: { event: 'CLOSE_ELIGIBILITY_CHECK' },
        },
        200,
      );
      await must(office, { method: 'POST', url: '/api/eligibility/calls/authz-call/outcomes/apply' }, 200);
      await stepProposals({ type: 'START_REVIEW' });
      const pair = (proposalId: string, role: Role) => ({ proposalId, reviewerId: reviewerIds[role]! });
      await must(
        office,
        {
          method: 'POST',
          url: `/api/evaluation/calls/${callId}/assignment-overrides`,
          payload: {
            stage: 'full-proposal',
            add: [pair(A, 'reviewerAssigned'), pair(A, 'reviewerConflicted'), pair(B, 'reviewerUnassigned')],
            reason: 'Panel built by hand for the authorisation matrix',
          },
        },
        200,
      );
      const declare = (role: Role, proposalId: string, conflict: boolean) =>
        must(
          users[role],
          {
            method: 'PUT',
            url: `/api/evaluation/calls/${callId}/proposals/${proposalId}/coi-declaration`,
            payload: { conflict, note: conflict ? 'I co-authored with the coordinator last year.' : '' },
          },
          200,
        );
      await declare('reviewerAssigned', A, false);
      await declare('reviewerUnassigned', B, false);
      await declare('reviewerConflicted', A, true);
      const [declined] = await db
        .select({ id: schema.assignments.id })
        .from(schema.assignments)
        .where(
          and(
            eq(schema.assignments.reviewerId, reviewerIds.reviewerConflicted!),
            eq(schema.assignments.proposalId, A),
          ),
        );
      refs.declinedAssignment = declined!.id;
    },
    async frozen() {
      ctx.clock.set(at(20));
      await signInAll();
      for (const [role, id] of [
        ['reviewerAssigned', A],
        ['reviewerUnassigned', B],
      ] as const) {
        await must(
          users[role],
          {
            method: 'POST',
            url: `/api/evaluation/calls/${callId}/proposals/${id}/review/submit`,
            payload: scores(4.5),
          },
          200,
        );
      }
      await must(
        office,
        { method: 'POST', url: '/api/calls/authz-call/events', payload: { event: 'OPEN_PANEL' } },
        200,
      );
      await must(
        office,
        {
          method: 'POST',
          url: `/api/evaluation/calls/${callId}/ranking/freeze`,
          payload: { stage: 'full-proposal' },
        },
        201,
      );
    },
    async decisions() {
      ctx.clock.set(at(41));
      await signInAll();
      const first = await call(office, {
        method: 'POST',
        url: '/api/funding/calls/authz-call/recommendation',
        payload: {},
      });
      if (first.statusCode !== 201) {
        throw new Error(`world: recommendation → ${first.statusCode} ${first.body}`);
      }
    },
  };

  let current: Stage = 'submission';
  const world: World = {
    ctx,
    app,
    refs,
    users,
    get stage() {
      return current;
    },
    set stage(s: Stage) {
      current = s;
    },
    live: {
      refs,
      uploadConditions: (proposalId) => uploadConditions(db, proposalId),
      async headerVersion(proposalId) {
        const [row] = await db
          .select({ v: schema.proposals.draftVersion })
          .from(schema.proposals)
          .where(eq(schema.proposals.id, proposalId));
        return row?.v ?? 1;
      },
      async partnerSection(proposalId, partnerId) {
        const [row] = await db
          .select()
          .from(schema.proposalPartners)
          .where(
            and(
              eq(schema.proposalPartners.proposalId, proposalId),
              eq(schema.proposalPartners.partnerId, partnerId),
            ),
          );
        return row ? { section: row.section, version: row.version } : null;
      },
      pdf: async () => pdf,
      async ensureScratchPartner() {
        if (current !== 'submission') return;
        const existing = await world.live.partnerSection(A, 'scratch');
        if (existing) return;
        await must(
          users.coordinator,
          { method: 'POST', url: `/api/proposals/${A}/partners`, payload: scratchPartner },
          201,
        );
      },
      async removeScratchPartner() {
        const scratch = await world.live.partnerSection(A, 'scratch');
        if (!scratch) return;
        await must(
          users.coordinator,
          {
            method: 'DELETE',
            url: `/api/proposals/${A}/partners/scratch`,
            headers: { 'if-match': `"${scratch.version}"` },
          },
          204,
        );
      },
      async removeExtraPair() {
        const rows = await db
          .select()
          .from(schema.assignments)
          .where(
            and(
              eq(schema.assignments.proposalId, B),
              eq(schema.assignments.reviewerId, reviewerIds.reviewerAssigned!),
              eq(schema.assignments.status, 'active'),
            ),
          );
        if (rows.length === 0) return;
        await must(
          office,
          {
            method: 'POST',
            url: `/api/evaluation/calls/${callId}/assignment-overrides`,
            payload: {
              stage: 'full-proposal',
              remove: [{ proposalId: B, reviewerId: reviewerIds.reviewerAssigned! }],
              reason: 'Undo the matrix cell',
            },
          },
          200,
        );
      },
    },
    async advanceTo(stage) {
      const target = stages.indexOf(stage);
      while (stages.indexOf(current) < target) {
        const next = stages[stages.indexOf(current) + 1]!;
        if (current === 'submission') await world.live.removeScratchPartner();
        await transitions[next as Exclude<Stage, 'submission'>]();
        current = next;
      }
    },
    send: (role, request) => call(users[role], request),
    async fingerprint() {
      const result = await db.execute(sql`
        select concat_ws('|',
          (select count(*) || ':' || coalesce(sum(draft_version), 0) from proposals),
          (select count(*) || ':' || coalesce(sum(version), 0) from proposal_partners),
          (select count(*) from proposal_members),
          (select count(*) from proposal_versions),
          (select count(*) || ':' || coalesce(md5(string_agg(sha256 || uploaded_at::text, ',' order by proposal_id, kind)), '') from proposal_documents),
          (select count(*) from proposal_invitations),
          (select count(*) from official_verdicts),
          (select count(*) from funder_check_completions),
          (select count(*) from formal_checks),
          (select count(*) || ':' || coalesce(md5(string_agg(status, ',' order by id)), '') from reviewers),
          (select count(*) from confidentiality_acceptances),
          (select count(*) || ':' || coalesce(sum(revision), 0) from coi_declarations),
          (select count(*) || ':' || coalesce(md5(string_agg(status, ',' order by id)), '') from assignments),
          (select count(*) || ':' || coalesce(sum(revision), 0) from reviews),
          (select count(*) || ':' || coalesce(sum(revision), 0) from consensus_scores),
          (select count(*) from ranking_lists),
          (select count(*) from funding_recommendations),
          (select count(*) from national_decisions),
          (select count(*) from role_grants),
          (select coalesce(sum(lock_version), 0) from workflow_instances),
          (select count(*) from workflow_transitions)
        ) as data,
        (select count(*) from audit_events where action not like 'access.%')::int as audited`);
      const row = rowsOf<{ data: string; audited: number }>(result)[0]!;
      return { data: row.data, audited: Number(row.audited) };
    },
    async lastAuditId() {
      const result = await db.execute(sql`select coalesce(max(id), 0)::int as id from audit_events`);
      return Number(rowsOf<{ id: number }>(result)[0]!.id);
    },
    async auditAfter(id) {
      const rows = await db
        .select({
          id: schema.auditEvents.id,
          actorUserId: schema.auditEvents.actorUserId,
          action: schema.auditEvents.action,
        })
        .from(schema.auditEvents)
        .where(sql`${schema.auditEvents.id} > ${id} and ${schema.auditEvents.action} not like 'access.%'`);
      return rows;
    },
    multipart,
    workarounds: [],
    async close() {
      await app.close();
      await ctx.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return world;
}
