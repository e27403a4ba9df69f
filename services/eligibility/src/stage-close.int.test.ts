import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { loadWorkflowInstance, schema } from '@permed/db';
import type { ProposalDocument } from '@permed/domain';
import type { App } from '@permed/http';
import { createTestContext, type TestContext, type TestUser } from '@permed/testing';
import type { z } from 'zod';
import { buildProposal } from '../../../packages/rules/src/testing/factories.ts';
import { eligibilityStageFacts } from './funder-progress.ts';
import {
  buildTestApp,
  moveCallToEligibilityCheck,
  publishTestCall,
  stepProposal,
  submitTestProposal,
  type SubmittedProposal,
  type TestCall,
} from './testing/factory.ts';
import type { applyOutcomesResponse, fundersProgressResponse, overviewResponse } from './route-schemas.ts';

const sample = (name: string): ProposalDocument =>
  JSON.parse(
    readFileSync(new URL(`../../../packages/rules/samples/proposal-${name}.json`, import.meta.url), 'utf8'),
  ) as ProposalDocument;

type Overview = z.infer<typeof overviewResponse>;

let ctx: TestContext;
let app: App;
let call: TestCall;
const officer: Record<string, TestUser> = {};
let P1: SubmittedProposal; // all partners eligible
let P2: SubmittedProposal; // BMBF finds heidelberg not eligible
let P3: SubmittedProposal; // AKA never answers
let P4: SubmittedProposal; // nationally eligible, but no document and a long abstract: fails the formal check
let P5: SubmittedProposal; // withdrawn

beforeAll(async () => {
  ctx = await createTestContext({ now: '2020-03-06T09:00:00Z' });
  app = await buildTestApp(ctx);
  call = await publishTestCall(ctx);
  for (const f of ['bmbf', 'vr', 'frqs', 'isciii', 'anr', 'aka'])
    officer[f] = await ctx.user([{ role: 'funder', scopeType: 'funder', scopeId: f }], `officer-${f}`);
  const ec = call.eligibilityCall;
  P1 = await submitTestProposal(ctx, call, sample('eligible'));
  P2 = await submitTestProposal(ctx, call, sample('ineligible'));
  P3 = await submitTestProposal(
    ctx,
    call,
    buildProposal(
      {
        acronym: 'SILENT-AKA',
        partners: [
          { id: 'lyon', funderId: 'anr' },
          { id: 'oulu', funderId: 'aka' },
          { id: 'valencia', funderId: 'isciii' },
        ],
      },
      ec,
    ),
  );
  P4 = await submitTestProposal(
    ctx,
    call,
    {
      ...buildProposal(
        {
          acronym: 'NO-PDF',
          partners: [
            { id: 'munich', funderId: 'bmbf' },
            { id: 'paris', funderId: 'anr' },
            { id: 'turku', funderId: 'aka' },
          ],
        },
        ec,
      ),
      abstract: 'é'.repeat(1601),
    },
    { documents: [] },
  );
  P5 = await submitTestProposal(
    ctx,
    call,
    buildProposal(
      {
        acronym: 'GONE',
        partners: [
          { id: 'bonn', funderId: 'bmbf' },
          { id: 'nice', funderId: 'anr' },
          { id: 'espoo', funderId: 'aka' },
        ],
      },
      ec,
    ),
  );
  await stepProposal(ctx, P5.id, { type: 'WITHDRAW' });
  await moveCallToEligibilityCheck(ctx, call);
});
afterAll(async () => {
  await app.close();
  await ctx.close();
});

const base = () => `/api/eligibility/calls/${call.slug}`;
const verdict = (
  f: string,
  p: SubmittedProposal,
  partnerId: string,
  payload: Record<string, unknown> = { verdict: 'eligible' },
) =>
  app.inject({
    method: 'PUT',
    url: `${base()}/funders/${f}/partners/${p.id}/${partnerId}/verdict`,
    headers: officer[f]!.auth,
    payload,
  });
const done = (f: string) =>
  app.inject({ method: 'POST', url: `${base()}/funders/${f}/done`, headers: officer[f]!.auth });
const callEvent = (payload: Record<string, unknown>, who: TestUser = call.office) =>
  app.inject({ method: 'POST', url: `/api/calls/${call.slug}/events`, headers: who.auth, payload });
const apply = (who: TestUser = call.office) =>
  app.inject({ method: 'POST', url: `${base()}/outcomes/apply`, headers: who.auth });

describe('call office overview and formal checks', () => {
  it('lists every counted proposal with its formal completeness items; withdrawn ones are left out', async () => {
    const res = await app.inject({ method: 'GET', url: `${base()}/overview`, headers: call.office.auth });
    expect(res.statusCode).toBe(200);
    const body = res.json<Overview>();
    const proposal = (acronym: string) => body.proposals.find((p) => p.acronym === acronym)!;
    expect(body.proposals.map((p) => p.acronym)).toEqual(['NO-PDF', 'OMICS-RX', 'PGX-HEART', 'SILENT-AKA']);
    const items = (acronym: string) =>
      Object.fromEntries(proposal(acronym).formal.items.map((i) => [i.id, i.ok]));
    expect(items('PGX-HEART')).toEqual({
      'document-present': true,
      'abstract-length': true,
      'page-limit': true,
      'file-size': true,
    });
    expect(items('NO-PDF')).toMatchObject({
      'document-present': false,
      'abstract-length': false,
      'page-limit': false,
    });
    const noPdf = proposal('NO-PDF');
    expect(noPdf.formal.items.find((i) => i.id === 'abstract-length')!.facts).toEqual({
      characters: 1601,
      max: 1600,
    });
    expect(proposal('OMICS-RX').automatic).toMatchObject({
      eligible: false,
    });
    expect(body.pendingFunders).toBe(6);
    expect(body.funders.find((f) => f.funderId === 'bmbf')).toMatchObject({
      partners: 3,
      verdicts: 0,
      status: 'pending',
    });
    expect(body.funders.find((f) => f.funderId === 'zonmw')).toMatchObject({
      partners: 0,
      status: 'nothing-to-check',
    });
  });

  it('is for the call office of this call only', async () => {
    const otherOffice = await ctx.user(
      [{ role: 'call-office', scopeType: 'call', scopeId: P1.id }],
      'other-office',
    );
    for (const url of ['/overview', '/funders']) {
      expect(
        (await app.inject({ method: 'GET', url: `${base()}${url}`, headers: otherOffice.auth })).statusCode,
      ).toBe(403);
      expect(
        (await app.inject({ method: 'GET', url: `${base()}${url}`, headers: officer.bmbf!.auth })).statusCode,
      ).toBe(403);
    }
    expect((await apply(officer.bmbf)).statusCode).toBe(403);
  });

  it('records a formal check result; a failed one needs a note; audited', async () => {
    const url = `${base()}/proposals/${P4.id}/formal-check`;
    const noNote = await app.inject({
      method: 'PUT',
      url,
      headers: call.office.auth,
      payload: { result: 'failed' },
    });
    expect(noNote.statusCode).toBe(400);
    expect(noNote.json().errors[0].path).toBe('/note');
    const res = await app.inject({
      method: 'PUT',
      url,
      headers: call.office.auth,
      payload: { result: 'failed', note: 'No proposal document; abstract too long' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ result: 'failed', proposalSeq: 1, recordedBy: call.office.email });
    const audit = await ctx.db.db
      .select()
      .from(schema.auditEvents)
      .where(
        and(
          eq(schema.auditEvents.action, 'eligibility.formal_check_recorded'),
          eq(schema.auditEvents.targetId, P4.id),
        ),
      );
    expect(audit[0]).toMatchObject({
      actorUserId: call.office.id,
      details: expect.objectContaining({ result: 'failed' }),
    });
    const passed = await app.inject({
      method: 'PUT',
      url: `${base()}/proposals/${P1.id}/formal-check`,
      headers: call.office.auth,
      payload: { result: 'passed' },
    });
    expect(passed.statusCode).toBe(200);
    const withdrawn = await app.inject({
      method: 'PUT',
      url: `${base()}/proposals/${P5.id}/formal-check`,
      headers: call.office.auth,
      payload: { result: 'passed' },
    });
    expect(withdrawn.statusCode).toBe(404);
  });
});

describe('closing the eligibility stage', () => {
  it('records verdicts and completions; AKA stays silent', async () => {
    const verdicts: Array<[string, SubmittedProposal, string, Record<string, unknown>?]> = [
      ['bmbf', P1, 'charite'],
      ['vr', P1, 'karolinska'],
      ['frqs', P1, 'laval'],
      ['isciii', P1, 'clinic-bcn'],
      ['bmbf', P2, 'heidelberg', { verdict: 'not-eligible', reasonCode: 'BUDGET_CAP' }],
      ['anr', P2, 'curie'],
      ['anr', P3, 'lyon'],
      ['isciii', P3, 'valencia'],
      ['bmbf', P4, 'munich'],
      ['anr', P4, 'paris'],
      ['aka', P4, 'turku'],
    ];
    for (const [f, p, partner, payload] of verdicts)
      expect((await verdict(f, p, partner, payload)).statusCode).toBe(200);
    for (const f of ['bmbf', 'vr', 'frqs', 'isciii', 'anr']) expect((await done(f)).statusCode).toBe(200);
    expect((await done('aka')).json().code).toBe('VERDICTS_PENDING');
    expect(await eligibilityStageFacts(ctx.db.db).pendingFunders(call.id)).toBe(1);
    const progress = await app.inject({ method: 'GET', url: `${base()}/funders`, headers: call.office.auth });
    expect(progress.json().pendingFunders).toBe(1);
    expect(
      progress.json<z.infer<typeof fundersProgressResponse>>().funders.find((f) => f.funderId === 'aka'),
    ).toMatchObject({
      partners: 2,
      verdicts: 1,
      pending: 1,
      status: 'pending',
    });
  });

  it('refuses to apply outcomes before the stage closed', async () => {
    const res = await apply();
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'INVALID_TRANSITION', currentState: 'eligibility-check' });
  });

  it('refuses to close while a funder is pending (409 INVALID_TRANSITION)', async () => {
    const res = await callEvent({ event: 'CLOSE_ELIGIBILITY_CHECK' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'INVALID_TRANSITION', currentState: 'eligibility-check' });
    const inst = await loadWorkflowInstance(ctx.db.db, 'call', call.id);
    expect(inst!.state).toBe('eligibility-check');
  });

  it('closes with an override and a reason, audited with its actor', async () => {
    const reason = 'AKA did not answer within four weeks; the steering committee decided to proceed';
    const res = await callEvent({ event: 'CLOSE_ELIGIBILITY_CHECK', overrideReason: reason });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ from: 'eligibility-check', to: 'pre-proposal-evaluation' });
    const audit = await ctx.db.db
      .select()
      .from(schema.auditEvents)
      .where(
        and(eq(schema.auditEvents.action, 'call.stage_changed'), eq(schema.auditEvents.targetId, call.id)),
      );
    expect(audit.at(-1)).toMatchObject({
      actorUserId: call.office.id,
      details: expect.objectContaining({ event: 'CLOSE_ELIGIBILITY_CHECK', overrideReason: reason }),
    });
    const inst = await loadWorkflowInstance(ctx.db.db, 'call', call.id);
    const [transition] = await ctx.db.db
      .select()
      .from(schema.workflowTransitions)
      .where(
        and(
          eq(schema.workflowTransitions.instanceId, inst!.id),
          eq(schema.workflowTransitions.event, 'CLOSE_ELIGIBILITY_CHECK'),
        ),
      );
    expect(transition!.payload).toMatchObject({ pendingFunders: 1, overrideReason: reason });
  });

  it('refuses verdict changes, completions and formal checks once the stage closed (409)', async () => {
    const change = await verdict('bmbf', P2, 'heidelberg', { verdict: 'eligible' });
    expect(change.statusCode).toBe(409);
    expect(change.json()).toMatchObject({ code: 'STAGE_NOT_OPEN', currentState: 'pre-proposal-evaluation' });
    expect((await verdict('aka', P3, 'oulu')).statusCode).toBe(409);
    expect((await done('aka')).statusCode).toBe(409);
    const formal = await app.inject({
      method: 'PUT',
      url: `${base()}/proposals/${P1.id}/formal-check`,
      headers: call.office.auth,
      payload: { result: 'failed', note: 'late' },
    });
    expect(formal.statusCode).toBe(409);
    const rows = await ctx.db.db
      .select()
      .from(schema.officialVerdicts)
      .where(
        and(
          eq(schema.officialVerdicts.proposalId, P2.id),
          eq(schema.officialVerdicts.partnerId, 'heidelberg'),
        ),
      );
    expect(rows.map((r) => r.verdict)).toEqual(['not-eligible']);
  });

  it('applies the derived outcomes to the proposals: one transaction each, audited, coordinators told', async () => {
    const res = await apply();
    expect(res.statusCode).toBe(200);
    const body = res.json<z.infer<typeof applyOutcomesResponse>>();
    const applied = Object.fromEntries(body.applied.map((a) => [a.acronym, a]));
    expect(Object.keys(applied).sort()).toEqual(['NO-PDF', 'OMICS-RX', 'PGX-HEART']);
    expect(applied['PGX-HEART']).toMatchObject({
      outcome: 'eligible',
      event: 'DECLARE_ELIGIBLE',
      reason: null,
    });
    expect(applied['OMICS-RX']).toMatchObject({ outcome: 'declined', event: 'DECLARE_INELIGIBLE' });
    expect(applied['OMICS-RX']!.reason).toBe('BMBF found partner heidelberg not eligible (BUDGET_CAP)');
    expect(applied['NO-PDF']).toMatchObject({ outcome: 'declined' });
    expect(applied['NO-PDF']!.reason).toContain('formal check failed');
    expect(body.skipped).toEqual([
      {
        proposalId: P3.id,
        acronym: 'SILENT-AKA',
        reason: 'official verdicts are missing',
        pendingPartners: ['oulu'],
      },
    ]);
    expect(body.failed).toEqual([]);

    const state = async (p: SubmittedProposal) =>
      (await loadWorkflowInstance(ctx.db.db, 'proposal', p.id))!.state;
    expect(await state(P1)).toBe('eligible');
    expect(await state(P2)).toBe('declined');
    expect(await state(P3)).toBe('eligibility-check');
    expect(await state(P4)).toBe('declined');
    expect(await state(P5)).toBe('withdrawn');

    const audit = await ctx.db.db
      .select()
      .from(schema.auditEvents)
      .where(eq(schema.auditEvents.action, 'eligibility.outcome_applied'));
    expect(audit.map((a) => a.targetId).sort()).toEqual([P1.id, P2.id, P4.id].sort());
    expect(audit.every((a) => a.actorUserId === call.office.id)).toBe(true);

    const mail = await ctx.db.db.select().from(schema.outbox).where(eq(schema.outbox.kind, 'mail'));
    const toP2 = mail.find((m) => m.payload.to === P2.coordinator.email);
    expect(toP2!.payload).toMatchObject({ subject: 'OMICS-RX: outcome of the eligibility check' });
    expect(String(toP2!.payload.text)).toContain('declined');
    expect(mail.find((m) => m.payload.to === P1.coordinator.email)!.payload.text).toContain('passed');
    expect(mail.find((m) => m.payload.to === P3.coordinator.email)).toBeUndefined();
  });

  it('is safe to run again: only what is left is considered', async () => {
    const res = await apply();
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ applied: [], failed: [], notInCheck: 3 });
    expect(res.json().skipped).toHaveLength(1);
  });
});

describe('a single-stage call where every funder finished', () => {
  it('closes without an override and goes to review; outcomes follow', async () => {
    const single = await publishTestCall(ctx, { twoStage: false });
    const p = await submitTestProposal(
      ctx,
      single,
      buildProposal(
        {
          acronym: 'ONE-STAGE',
          partners: [
            { id: 'ghent', funderId: 'anr', country: 'FR' },
            { id: 'tartu', funderId: 'aka' },
            { id: 'leipzig', funderId: 'bmbf' },
          ],
        },
        single.eligibilityCall,
      ),
    );
    await moveCallToEligibilityCheck(ctx, single);
    const url = (f: string, partner: string) =>
      `/api/eligibility/calls/${single.slug}/funders/${f}/partners/${p.id}/${partner}/verdict`;
    for (const [f, partner] of [
      ['anr', 'ghent'],
      ['aka', 'tartu'],
      ['bmbf', 'leipzig'],
    ] as const) {
      const res = await app.inject({
        method: 'PUT',
        url: url(f, partner),
        headers: officer[f]!.auth,
        payload: { verdict: 'eligible' },
      });
      expect(res.json()).toMatchObject({ stage: 'full-proposal' });
      const d = await app.inject({
        method: 'POST',
        url: `/api/eligibility/calls/${single.slug}/funders/${f}/done`,
        headers: officer[f]!.auth,
      });
      expect(d.statusCode).toBe(200);
    }
    expect(await eligibilityStageFacts(ctx.db.db).pendingFunders(single.id)).toBe(0);
    const close = await app.inject({
      method: 'POST',
      url: `/api/calls/${single.slug}/events`,
      headers: single.office.auth,
      payload: { event: 'CLOSE_ELIGIBILITY_CHECK' },
    });
    expect(close.statusCode).toBe(200);
    expect(close.json().to).toBe('full-proposal-review');
    const applied = await app.inject({
      method: 'POST',
      url: `/api/eligibility/calls/${single.slug}/outcomes/apply`,
      headers: single.office.auth,
    });
    expect(applied.json().applied).toEqual([
      expect.objectContaining({ proposalId: p.id, outcome: 'eligible', event: 'DECLARE_ELIGIBLE' }),
    ]);
    // Single-stage: the call is already in review, so the eligible proposal goes on to review.
    expect((await loadWorkflowInstance(ctx.db.db, 'proposal', p.id))!.state).toBe('under-review');
  });
});
