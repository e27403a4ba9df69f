import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { and, eq } from 'drizzle-orm';
import { schema } from '@permed/db';
import type { ProposalDocument } from '@permed/domain';
import type { App } from '@permed/http';
import { createTestContext, type TestContext, type TestUser } from '@permed/testing';
import type { z } from 'zod';
import { buildProposal } from '../../../packages/rules/src/testing/factories.ts';
import {
  buildTestApp,
  moveCallToEligibilityCheck,
  publishTestCall,
  submitTestProposal,
  type SubmittedProposal,
  type TestCall,
} from './testing/factory.ts';
import type { funderProposalsResponse, verdictHistoryResponse, workspaceResponse } from './route-schemas.ts';

const sample = (name: string): ProposalDocument =>
  JSON.parse(
    readFileSync(new URL(`../../../packages/rules/samples/proposal-${name}.json`, import.meta.url), 'utf8'),
  ) as ProposalDocument;

type Workspace = z.infer<typeof workspaceResponse>;
type FunderProposals = z.infer<typeof funderProposalsResponse>;
type Problem = { code: string; errors: { in: string; path: string }[] };

const trickyName = 'Klinikum "Rechts der Isar", München – Ærøskøbing';

let ctx: TestContext;
let app: App;
let call: TestCall;
const officer: Record<string, TestUser> = {};
let applicant: TestUser;
let A: SubmittedProposal; // PGX-HEART: bmbf, vr, frqs, isciii — eligible
let B: SubmittedProposal; // OMICS-RX: own-funded, bmbf over its cap, anr
let C: SubmittedProposal; // CSV-TEST: bmbf with a tricky name, anr, aka
let D: SubmittedProposal; // NO-BMBF: anr, aka, isciii

beforeAll(async () => {
  ctx = await createTestContext({ now: '2020-03-06T09:00:00Z' });
  app = await buildTestApp(ctx);
  call = await publishTestCall(ctx);
  for (const f of ['bmbf', 'vr', 'frqs', 'isciii', 'anr', 'aka'])
    officer[f] = await ctx.user([{ role: 'funder', scopeType: 'funder', scopeId: f }], `officer-${f}`);
  const ec = call.eligibilityCall;
  A = await submitTestProposal(ctx, call, sample('eligible'));
  B = await submitTestProposal(ctx, call, sample('ineligible'));
  const cDoc = buildProposal(
    {
      acronym: 'CSV-TEST',
      partners: [
        { id: 'tum', funderId: 'bmbf', name: trickyName, requestMinor: 123_456_78 },
        { id: 'inserm', funderId: 'anr' },
        { id: 'helsinki', funderId: 'aka' },
      ],
    },
    ec,
  );
  // The PI's name starts like a spreadsheet formula.
  cDoc.partners[0]!.pi.name = '=HYPERLINK("http://evil.example")';
  C = await submitTestProposal(ctx, call, cDoc);
  D = await submitTestProposal(
    ctx,
    call,
    buildProposal(
      {
        acronym: 'NO-BMBF',
        partners: [
          { id: 'lyon', funderId: 'anr' },
          { id: 'oulu', funderId: 'aka' },
          { id: 'valencia', funderId: 'isciii' },
        ],
      },
      ec,
    ),
  );
  applicant = await ctx.user([{ role: 'applicant', scopeType: 'proposal', scopeId: A.id }], 'applicant');
  await moveCallToEligibilityCheck(ctx, call);
});
afterAll(async () => {
  await app.close();
  await ctx.close();
});

const base = () => `/api/eligibility/calls/${call.slug}`;
const get = (url: string, who: TestUser) =>
  app.inject({ method: 'GET', url: `${base()}${url}`, headers: who.auth });
const putVerdict = (
  who: TestUser,
  funderId: string,
  proposalId: string,
  partnerId: string,
  payload: Record<string, unknown>,
) =>
  app.inject({
    method: 'PUT',
    url: `${base()}/funders/${funderId}/partners/${proposalId}/${partnerId}/verdict`,
    headers: who.auth,
    payload,
  });

describe("a funder's partners", () => {
  it('lists only its own partners, with the automatic findings that concern them', async () => {
    const res = await get('/funders/bmbf/partners', officer.bmbf!);
    expect(res.statusCode).toBe(200);
    const body = res.json<Workspace>();
    expect(body).toMatchObject({
      call: { slug: call.slug, version: 1, state: 'eligibility-check' },
      funder: { id: 'bmbf', currency: 'EUR' },
      stage: 'pre-proposal',
      done: null,
    });
    const rows = body.partners.map((p) => `${p.acronym}/${p.partner.id}`).sort();
    expect(rows).toEqual(['CSV-TEST/tum', 'OMICS-RX/heidelberg', 'PGX-HEART/charite']);
    for (const p of body.partners) {
      expect(p.partner.budget.currency).toBe('EUR');
      expect(p.verdict).toBeNull();
      expect(p.proposalOutcome).toBe('pending');
      // Never another funder's national findings (they carry that funder's partners and amounts).
      for (const f of p.automatic.findings) expect([undefined, 'bmbf']).toContain(f.funderId);
    }
    const heidelberg = body.partners.find((p) => p.partner.id === 'heidelberg')!;
    expect(heidelberg.partner.requestedMinor).toBe(35_000_000);
    expect(heidelberg.automatic.errorCount).toBeGreaterThan(0);
    expect(heidelberg.automatic.findings.map((f) => f.ruleId)).toContain('bmbf-max-request-per-partner');
    // The response names no partner of another funder anywhere.
    expect(res.body).not.toContain('karolinska');
    expect(res.body).not.toContain('18000000');
  });

  it('stores the automatic checks once the submissions closed (one row per counted version)', async () => {
    const rows = await ctx.db.db
      .select()
      .from(schema.automaticChecks)
      .where(eq(schema.automaticChecks.callId, call.id));
    expect(rows.map((r) => r.proposalId).sort()).toEqual([A.id, B.id, C.id, D.id].sort());
    expect(rows.find((r) => r.proposalId === B.id)!.eligible).toBe(false);
    expect(rows.find((r) => r.proposalId === A.id)!.eligible).toBe(true);
  });

  it('refuses another funder (403), an applicant and the call office (403), and a funder outside the call (404)', async () => {
    for (const url of [
      '/funders/bmbf/partners',
      '/funders/bmbf/budget',
      '/funders/bmbf/partners.csv',
      '/funders/bmbf/proposals',
    ]) {
      const other = await get(url, officer.vr!);
      expect(other.statusCode, url).toBe(403);
      expect(other.json().code).toBe('FORBIDDEN');
      expect(other.body).not.toContain('heidelberg');
      expect((await get(url, applicant)).statusCode).toBe(403);
      expect((await get(url, call.office)).statusCode).toBe(403);
    }
    const outsider = await ctx.user([{ role: 'funder', scopeType: 'funder', scopeId: 'snsf' }], 'snsf');
    const res = await get('/funders/snsf/partners', outsider);
    expect(res.statusCode).toBe(404);
  });

  it("does not let a funder reach another funder's partner by URL", async () => {
    // Through the other funder's path: not its funder scope.
    const viaOther = await putVerdict(officer.vr!, 'bmbf', A.id, 'charite', {
      verdict: 'not-eligible',
      reasonCode: 'OTHER',
      note: 'x',
    });
    expect(viaOther.statusCode).toBe(403);
    // Through its own path: the partner does not ask this funder, indistinguishable from no partner.
    const viaOwn = await putVerdict(officer.vr!, 'vr', A.id, 'charite', {
      verdict: 'not-eligible',
      reasonCode: 'OTHER',
      note: 'x',
    });
    expect(viaOwn.statusCode).toBe(404);
    const missing = await putVerdict(officer.vr!, 'vr', A.id, 'nobody', { verdict: 'eligible' });
    expect(missing.statusCode).toBe(404);
    expect(viaOwn.json().code).toBe(missing.json().code);
    const history = await get(`/funders/bmbf/partners/${A.id}/charite/verdicts`, officer.vr!);
    expect(history.statusCode).toBe(403);
    // The history has the verdict's object check: another funder's partner through the funder's own
    // path, and a proposal that does not exist, are the same 404 — not an empty history.
    const otherHistory = await get(`/funders/vr/partners/${A.id}/charite/verdicts`, officer.vr!);
    const noProposal = await get(`/funders/vr/partners/${randomUUID()}/karolinska/verdicts`, officer.vr!);
    const ownHistory = await get(`/funders/vr/partners/${A.id}/karolinska/verdicts`, officer.vr!);
    expect([otherHistory.statusCode, noProposal.statusCode, ownHistory.statusCode]).toEqual([404, 404, 200]);
    expect(otherHistory.json().code).toBe('NOT_FOUND');
    expect(noProposal.json().code).toBe('NOT_FOUND');
    const rows = await ctx.db.db.select().from(schema.officialVerdicts);
    expect(rows).toHaveLength(0);
  });
});

describe('official verdicts', () => {
  it('validates the body: a reason is needed for not-eligible, from the closed set; OTHER needs a note', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ verdict: 'not-eligible' }, '/reasonCode'],
      [{ verdict: 'not-eligible', reasonCode: 'BECAUSE' }, '/reasonCode'],
      [{ verdict: 'not-eligible', reasonCode: 'OTHER' }, '/note'],
      [{ verdict: 'maybe' }, '/verdict'],
      [{ verdict: 'eligible', extra: true }, '/extra'],
    ];
    for (const [payload, path] of cases) {
      const res = await putVerdict(officer.bmbf!, 'bmbf', A.id, 'charite', payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
      expect(res.json<Problem>().errors.map((e) => e.path)).toContain(path);
    }
    const badId = await putVerdict(officer.bmbf!, 'bmbf', 'not-a-uuid', 'charite', { verdict: 'eligible' });
    expect(badId.statusCode).toBe(400);
    expect(badId.json().errors[0]).toMatchObject({ in: 'params', path: '/proposalId' });
  });

  it('records a verdict with the call version, audited with its actor, and keeps the history when it changes', async () => {
    const first = await putVerdict(officer.bmbf!, 'bmbf', A.id, 'charite', { verdict: 'eligible' });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({
      funderId: 'bmbf',
      partnerId: 'charite',
      stage: 'pre-proposal',
      verdict: {
        verdict: 'eligible',
        reasonCode: null,
        callVersion: 1,
        proposalSeq: 1,
        recordedBy: officer.bmbf!.email,
      },
      previous: null,
      proposalOutcome: 'pending',
    });

    ctx.clock.advance(60_000);
    const changed = await putVerdict(officer.bmbf!, 'bmbf', A.id, 'charite', {
      verdict: 'not-eligible',
      reasonCode: 'ORGANISATION_TYPE',
      note: 'University hospital not eligible as such',
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({
      verdict: { verdict: 'not-eligible', reasonCode: 'ORGANISATION_TYPE' },
      previous: { verdict: 'eligible' },
      proposalOutcome: 'declined',
    });

    ctx.clock.advance(60_000);
    const back = await putVerdict(officer.bmbf!, 'bmbf', A.id, 'charite', {
      verdict: 'eligible',
      note: 'Checked again',
    });
    expect(back.json().proposalOutcome).toBe('pending');

    const history = await get(`/funders/bmbf/partners/${A.id}/charite/verdicts`, officer.bmbf!);
    expect(history.statusCode).toBe(200);
    expect(history.json<z.infer<typeof verdictHistoryResponse>>().history.map((h) => h.verdict)).toEqual([
      'eligible',
      'not-eligible',
      'eligible',
    ]);

    const audit = await ctx.db.db
      .select()
      .from(schema.auditEvents)
      .where(and(eq(schema.auditEvents.targetType, 'proposal'), eq(schema.auditEvents.targetId, A.id)));
    const verdictAudit = audit.filter((a) => a.action.startsWith('eligibility.verdict_'));
    expect(verdictAudit.map((a) => a.action)).toEqual([
      'eligibility.verdict_recorded',
      'eligibility.verdict_changed',
      'eligibility.verdict_changed',
    ]);
    expect(verdictAudit.every((a) => a.actorUserId === officer.bmbf!.id)).toBe(true);
    expect(verdictAudit[1]!.details).toMatchObject({
      funderId: 'bmbf',
      partnerId: 'charite',
      verdict: 'not-eligible',
      reasonCode: 'ORGANISATION_TYPE',
      callVersion: 1,
      previous: { verdict: 'eligible' },
    });

    const listed = await get('/funders/bmbf/partners', officer.bmbf!);
    const charite = listed.json<Workspace>().partners.find((p) => p.partner.id === 'charite')!;
    expect(charite.verdict).toMatchObject({ verdict: 'eligible', note: 'Checked again' });
  });
});

describe('derived outcome', () => {
  it('is pending while verdicts are missing, eligible when every funded partner is eligible', async () => {
    for (const [f, partner] of [
      ['vr', 'karolinska'],
      ['frqs', 'laval'],
    ] as const) {
      const res = await putVerdict(officer[f]!, f, A.id, partner, { verdict: 'eligible' });
      expect(res.json().proposalOutcome).toBe('pending');
    }
    const last = await putVerdict(officer.isciii!, 'isciii', A.id, 'clinic-bcn', { verdict: 'eligible' });
    expect(last.json().proposalOutcome).toBe('eligible');
  });

  it('is declined as soon as one funded partner is officially not eligible, even with verdicts missing', async () => {
    const res = await putVerdict(officer.bmbf!, 'bmbf', B.id, 'heidelberg', {
      verdict: 'not-eligible',
      reasonCode: 'BUDGET_CAP',
    });
    expect(res.json().proposalOutcome).toBe('declined');
    // The own-funded Swiss coordinator needs no verdict; ANR has not answered.
    const list = await get('/funders/anr/proposals', officer.anr!);
    expect(list.statusCode).toBe(200);
    const outcomes = Object.fromEntries(
      list.json<FunderProposals>().proposals.map((p) => [p.acronym, p.outcome]),
    );
    expect(outcomes).toEqual({ 'CSV-TEST': 'pending', 'NO-BMBF': 'pending', 'OMICS-RX': 'declined' });
    const omics = list.json<FunderProposals>().proposals.find((p) => p.acronym === 'OMICS-RX');
    expect(omics).toMatchObject({ ownPartners: 1, ownPending: 1 });
    // Another funder sees that the proposal is declined, but not whose verdict or why.
    expect(list.body).not.toContain('BUDGET_CAP');
    expect(list.body).not.toContain('heidelberg');
  });

  it('shows each funder the outcomes of the proposals with its partners', async () => {
    const bmbfRows = await get('/funders/bmbf/proposals', officer.bmbf!);
    expect(
      Object.fromEntries(bmbfRows.json<FunderProposals>().proposals.map((p) => [p.acronym, p.outcome])),
    ).toEqual({
      'CSV-TEST': 'pending',
      'OMICS-RX': 'declined',
      'PGX-HEART': 'eligible',
    });
  });
});

describe('budget overview', () => {
  it('adds up its partners’ requests against its commitment, in its currency', async () => {
    const res = await get('/funders/bmbf/budget', officer.bmbf!);
    expect(res.statusCode).toBe(200);
    const charite = 29_000_000; // 210k + 30k + 10k + 40k in the sample
    const heidelberg = 35_000_000;
    const tum = 12_345_678;
    expect(res.json()).toMatchObject({
      funderId: 'bmbf',
      currency: 'EUR',
      commitment: { amountMinor: 400_000_000, currency: 'EUR' },
      requested: { partners: 3, proposals: 3, amountMinor: charite + heidelberg + tum },
      byVerdict: {
        eligible: { partners: 1, amountMinor: charite },
        notEligible: { partners: 1, amountMinor: heidelberg },
        pending: { partners: 1, amountMinor: tum },
      },
      byProposalOutcome: {
        eligible: { partners: 1, amountMinor: charite },
        pending: { partners: 1, amountMinor: tum },
        declined: { partners: 1, amountMinor: heidelberg },
      },
      stillInPlayMinor: charite + tum,
      gapMinor: charite + tum - 400_000_000,
      notInFunderCurrency: [],
    });
    expect(res.json().coverageRatio).toBeCloseTo((charite + tum) / 400_000_000, 3);
  });

  it('keeps CAD for FRQS (its currency for the call)', async () => {
    const res = await get('/funders/frqs/budget', officer.frqs!);
    expect(res.json()).toMatchObject({
      currency: 'CAD',
      commitment: { currency: 'CAD' },
      requested: { partners: 1 },
    });
  });
});

describe('CSV export', () => {
  it('quotes commas, quotes and non-ASCII properly, neutralises formulas, and parses back', async () => {
    const res = await get('/funders/bmbf/partners.csv', officer.bmbf!);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toContain(`${call.slug}-bmbf-pre-proposal-partners.csv`);
    const raw = res.rawPayload;
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = raw.toString('utf8');
    expect(text).toContain('"Klinikum ""Rechts der Isar"", München – Ærøskøbing"');
    expect(text).toContain('\r\n');
    const records: Record<string, string>[] = parse(text, { bom: true, columns: true });
    expect(records).toHaveLength(3);
    const tum = records.find((r) => r.partner_id === 'tum')!;
    expect(tum).toMatchObject({
      proposal_acronym: 'CSV-TEST',
      organisation: trickyName,
      pi_name: `'=HYPERLINK("http://evil.example")`,
      currency: 'EUR',
      requested: '123456.78',
      verdict: 'pending',
    });
    const heidelberg = records.find((r) => r.partner_id === 'heidelberg')!;
    expect(heidelberg).toMatchObject({
      verdict: 'not-eligible',
      reason_code: 'BUDGET_CAP',
      proposal_outcome: 'declined',
    });
    expect(text).not.toContain('karolinska');
  });
});

describe('marking the national check done', () => {
  it('refuses while a partner has no verdict, then records it once', async () => {
    const early = await app.inject({
      method: 'POST',
      url: `${base()}/funders/bmbf/done`,
      headers: officer.bmbf!.auth,
    });
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({
      code: 'VERDICTS_PENDING',
      pendingCount: 1,
      pending: [{ proposalId: C.id, partnerId: 'tum' }],
    });

    await putVerdict(officer.bmbf!, 'bmbf', C.id, 'tum', { verdict: 'eligible' });
    const done = await app.inject({
      method: 'POST',
      url: `${base()}/funders/bmbf/done`,
      headers: officer.bmbf!.auth,
    });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({
      funderId: 'bmbf',
      stage: 'pre-proposal',
      alreadyDone: false,
      partners: 3,
    });
    const again = await app.inject({
      method: 'POST',
      url: `${base()}/funders/bmbf/done`,
      headers: officer.bmbf!.auth,
    });
    expect(again.json()).toMatchObject({ alreadyDone: true, doneAt: done.json().doneAt });

    const other = await app.inject({
      method: 'POST',
      url: `${base()}/funders/bmbf/done`,
      headers: officer.vr!.auth,
    });
    expect(other.statusCode).toBe(403);

    const audit = await ctx.db.db
      .select()
      .from(schema.auditEvents)
      .where(eq(schema.auditEvents.action, 'eligibility.funder_check_done'));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorUserId: officer.bmbf!.id, targetId: call.id });

    const listed = await get('/funders/bmbf/partners', officer.bmbf!);
    expect(listed.json().done).toMatchObject({ by: officer.bmbf!.email });
  });
});
