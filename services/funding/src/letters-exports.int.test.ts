import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { unzipSync } from 'fflate';
import { parse } from 'csv-parse/sync';
import { schema, sha256Hex } from '@permed/db';
import { readPdf } from '@permed/documents/testing';
import type { App } from '@permed/http';
import { seedFunderRegistry } from '@permed/calls-service';
import { createTestContext, type TestContext, type TestUser } from '@permed/testing';
import type { EvaluationSummarySource } from './funding-deps.ts';
import { buildFundingApp } from './test-support/funding-app.ts';
import { createFundingCall, type FundingCall } from './test-support/funding-fixture.ts';
import { PLN, scenario, scenarioProposals } from './test-support/scenario.ts';

let ctx: TestContext;
let app: App;
let office: TestUser;
let bmbf: TestUser;
let isciii: TestUser;
let call: FundingCall;
let summariesAsked = 0;

const summaries: EvaluationSummarySource = {
  async summary(proposalId) {
    summariesAsked += 1;
    const acronym = [...call.proposalIds].find(([, id]) => id === proposalId)?.[0] ?? '?';
    return {
      reviews: [
        {
          label: 'Reviewer 1',
          comments: [
            { criterionId: 'excellence', text: `A convincing cohort design in ${acronym}.` },
            { criterionId: 'impact', text: 'Clear route to clinical guidelines.' },
          ],
        },
        {
          label: 'Reviewer 2',
          comments: [{ criterionId: 'implementation', text: 'Work package 3 is understaffed.' }],
        },
      ],
    };
  },
};

const id = (acronym: string) => call.proposalIds.get(acronym)!;
let dataDir: string;
/** Letter files in the blob store (its temporary folder aside). */
const storedFiles = async () =>
  (
    await readdir(path.join(dataDir, 'blobs', 'funding'), { recursive: true }).catch(() => [] as string[])
  ).filter((f) => /[0-9a-f]{64}$/.test(f));
const csv = (body: string) => parse<Record<string, string>>(body, { columns: true, bom: true });

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'funding-letters-'));
  ctx = await createTestContext({ now: '2020-10-01T08:00:00Z', config: { DATA_DIR: dataDir } });
  await seedFunderRegistry(ctx.db.db);
  app = await buildFundingApp(ctx, summaries);
  const proposals = scenarioProposals.map((p) =>
    p.acronym === 'EPSILON'
      ? {
          ...p,
          partners: [
            { ...p.partners[0]!, name: '=HYPERLINK("http://evil.example","click")' },
            p.partners[1]!,
          ],
        }
      : p,
  );
  call = await createFundingCall(ctx.deps, scenario('funding-letters', { proposals }));
  office = await ctx.user([{ role: 'call-office', scopeType: 'call', scopeId: call.callId }], 'office');
  bmbf = await ctx.user([{ role: 'funder', scopeType: 'funder', scopeId: 'bmbf' }], 'bmbf');
  isciii = await ctx.user([{ role: 'funder', scopeType: 'funder', scopeId: 'isciii' }], 'isciii');
  const ncbr = await ctx.user([{ role: 'funder', scopeType: 'funder', scopeId: 'ncbr' }], 'ncbr');
  const anr = await ctx.user([{ role: 'funder', scopeType: 'funder', scopeId: 'anr' }], 'anr');

  const ok = (res: { statusCode: number; body: string }) =>
    expect(res.statusCode, res.body).toBeLessThan(300);
  ok(
    await app.inject({
      method: 'POST',
      url: `/api/funding/calls/${call.slug}/recommendation`,
      headers: office.auth,
      payload: {},
    }),
  );
  const decide = async (
    who: TestUser,
    acronym: string,
    partnerId: string,
    payload: Record<string, unknown>,
  ) =>
    ok(
      await app.inject({
        method: 'PUT',
        url: `/api/funding/calls/${call.slug}/decisions/${id(acronym)}/${partnerId}`,
        headers: who.auth,
        payload,
      }),
    );
  await decide(bmbf, 'ALPHA', 'charite', {
    decision: 'funded-reduced',
    amount: { amountMinor: 18_000_000, currency: 'EUR' },
    reason: 'Equipment not eligible nationally',
  });
  await decide(isciii, 'ALPHA', 'isciii-lab', { decision: 'funded', reason: 'Approved' });
  await decide(ncbr, 'ALPHA', 'lodz', { decision: 'funded', reason: 'Approved' });
  await decide(bmbf, 'BETA', 'tum', { decision: 'funded', reason: 'Approved' });
  await decide(anr, 'BETA', 'inserm', { decision: 'not-funded', reason: 'Budget exhausted' });
  await decide(isciii, 'DELTA', 'valencia', { decision: 'funded', reason: 'Approved' });
});
afterAll(async () => {
  await app?.close();
  await ctx?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('outcome letters', () => {
  it('are all or nothing: one letter that cannot be built stores none and the report says which and why', async () => {
    const broken: EvaluationSummarySource = {
      async summary(proposalId) {
        const good = await summaries.summary(proposalId);
        if (proposalId !== id('GAMMA')) return good;
        return {
          reviews: [
            { label: 'Reviewer 3', comments: [{ criterionId: 'novelty', text: 'Not scored here.' }] },
          ],
        };
      },
    };
    const brokenApp = await buildFundingApp(ctx, broken);
    try {
      const res = await brokenApp.inject({
        method: 'POST',
        url: `/api/funding/calls/${call.slug}/letters/outcome`,
        headers: office.auth,
        payload: {},
      });
      expect(res.statusCode).toBe(422);
      const body = res.json();
      expect(body.code).toBe('UNPROCESSABLE');
      expect(body.items).toHaveLength(6);
      const failed = body.items.filter((i: { ok: boolean }) => !i.ok);
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({ acronym: 'GAMMA', ok: false });
      expect(failed[0].error).toContain('novelty');
      expect(await ctx.db.db.select().from(schema.fundingLetters)).toHaveLength(0);
      expect(await ctx.db.db.select().from(schema.fundingLetterBatches)).toHaveLength(0);
      expect(await storedFiles()).toEqual([]);
    } finally {
      await brokenApp.close();
    }
  });

  it('generates one letter per proposal with the outcome, the scores and the anonymised comments', async () => {
    summariesAsked = 0;
    const res = await app.inject({
      method: 'POST',
      url: `/api/funding/calls/${call.slug}/letters/outcome`,
      headers: office.auth,
      payload: { notify: true },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.items).toHaveLength(6);
    expect(summariesAsked).toBe(6);
    // Content-addressed: one file per distinct letter, named by its SHA-256.
    expect((await storedFiles()).map((f) => path.basename(f)).sort()).toEqual(
      body.items.map((i: { sha256: string }) => i.sha256).sort(),
    );
    expect(body.items.map((i: { acronym: string; outcome: string }) => [i.acronym, i.outcome])).toEqual([
      ['ALPHA', 'recommended-for-funding'],
      ['BETA', 'recommended-for-funding'],
      ['GAMMA', 'fundable-if-budget-allows'],
      ['DELTA', 'recommended-for-funding'],
      ['EPSILON', 'fundable-if-budget-allows'],
      ['ZETA', 'not-recommended-for-funding'],
    ]);
    const mails = await ctx.db.db.select().from(schema.outbox).where(eq(schema.outbox.kind, 'mail'));
    expect(mails.filter((m) => String(m.dedupeKey).startsWith('funding:outcome-letter:'))).toHaveLength(6);

    const letter = await app.inject({
      url: `/api/funding/calls/${call.slug}/letters/outcome/${id('ALPHA')}`,
      headers: office.auth,
    });
    expect(letter.statusCode).toBe(200);
    expect(letter.headers['content-type']).toBe('application/pdf');
    const pdf = await readPdf(letter.rawPayload);
    expect(pdf.text).toContain('ALPHA');
    expect(pdf.text).toContain('The proposal is recommended for funding.');
    expect(pdf.text).toContain('A convincing cohort design in ALPHA.');
    expect(pdf.text).toContain('Reviewer 2');
    expect(pdf.text).toContain('the project is funded');
    expect(pdf.text).toContain('1 of 6');
    expect(sha256Hex(letter.rawPayload)).toBe(body.items[0].sha256);

    const gamma = await readPdf(
      (
        await app.inject({
          url: `/api/funding/calls/${call.slug}/letters/outcome/${id('GAMMA')}`,
          headers: office.auth,
        })
      ).rawPayload,
    );
    expect(gamma.text).toContain('fundable if budget becomes available');
  });

  it('downloads as a zip of every letter plus a manifest', async () => {
    const res = await app.inject({
      url: `/api/funding/calls/${call.slug}/letters/outcome.zip`,
      headers: office.auth,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toContain('funding-letters-outcome-letters.zip');
    const files = unzipSync(new Uint8Array(res.rawPayload));
    const names = Object.keys(files).sort();
    expect(names).toHaveLength(7);
    expect(names).toContain('001-ALPHA-outcome.pdf');
    expect(names).toContain('manifest.csv');
    const manifest = csv(new TextDecoder().decode(files['manifest.csv']));
    expect(manifest).toHaveLength(6);
    for (const row of manifest) expect(sha256Hex(files[row.file_name!]!)).toBe(row.sha256);
    const beta = await readPdf(files['002-BETA-outcome.pdf']!);
    expect(beta.text).toContain('BETA');
    expect(beta.text).toContain('the project is not funded');
  });

  it('lets a consortium read its own letter, never another’s', async () => {
    const alpha = await ctx.user(
      [{ role: 'applicant', scopeType: 'proposal', scopeId: id('ALPHA'), subRole: 'coordinator' }],
      'alpha',
    );
    const own = await app.inject({
      url: `/api/funding/calls/${call.slug}/letters/outcome/${id('ALPHA')}`,
      headers: alpha.auth,
    });
    expect(own.statusCode).toBe(200);
    const other = await app.inject({
      url: `/api/funding/calls/${call.slug}/letters/outcome/${id('BETA')}`,
      headers: alpha.auth,
    });
    expect(other.statusCode).toBe(403);
    const zip = await app.inject({
      url: `/api/funding/calls/${call.slug}/letters/outcome.zip`,
      headers: alpha.auth,
    });
    expect(zip.statusCode).toBe(403);
  });
});

describe('funding letters', () => {
  it('go to the funded partners of funded projects; a funder generates and downloads its own only', async () => {
    const res = await app.inject({
      method: 'POST',
      url: `/api/funding/calls/${call.slug}/letters/funding`,
      headers: bmbf.auth,
    });
    expect(res.statusCode).toBe(201);
    // BETA's TUM is funded by BMBF but BETA is not funded: no letter. ALPHA's Charité gets one.
    expect(
      res
        .json()
        .items.map((i: { acronym: string; partnerId: string; outcome: string }) => [
          i.acronym,
          i.partnerId,
          i.outcome,
        ]),
    ).toEqual([['ALPHA', 'charite', 'funded-reduced']]);
    const letter = await app.inject({
      url: `/api/funding/calls/${call.slug}/letters/funding/${id('ALPHA')}/charite`,
      headers: bmbf.auth,
    });
    expect(letter.statusCode).toBe(200);
    const pdf = await readPdf(letter.rawPayload);
    expect(pdf.text).toContain('ALPHA');
    expect(pdf.text).toContain('€180,000.00');
    expect(pdf.text).toContain('€200,000.00');
    expect(pdf.text).toContain('Charité');

    const foreign = await app.inject({
      url: `/api/funding/calls/${call.slug}/letters/funding/${id('ALPHA')}/charite`,
      headers: isciii.auth,
    });
    expect(foreign.statusCode).toBe(403);
  });

  it('the call office generates all of them; each funder’s zip holds its own letters', async () => {
    const res = await app.inject({
      method: 'POST',
      url: `/api/funding/calls/${call.slug}/letters/funding`,
      headers: office.auth,
    });
    expect(res.statusCode).toBe(201);
    expect(
      res
        .json()
        .items.map((i: { partnerId: string }) => i.partnerId)
        .sort(),
    ).toEqual(['charite', 'isciii-lab', 'lodz']);
    const lodz = await readPdf(
      (
        await app.inject({
          url: `/api/funding/calls/${call.slug}/letters/funding/${id('ALPHA')}/lodz`,
          headers: office.auth,
        })
      ).rawPayload,
    );
    expect(lodz.text).toContain('400,000.00');
    expect(lodz.text).toContain('Łodzi');

    const mine = await app.inject({
      url: `/api/funding/calls/${call.slug}/letters/funding.zip`,
      headers: isciii.auth,
    });
    expect(mine.statusCode).toBe(200);
    expect(Object.keys(unzipSync(new Uint8Array(mine.rawPayload))).sort()).toEqual([
      '001-ALPHA-isciii-lab-ISCIII.pdf',
      'manifest.csv',
    ]);
    const all = await app.inject({
      url: `/api/funding/calls/${call.slug}/letters/funding.zip`,
      headers: office.auth,
    });
    expect(Object.keys(unzipSync(new Uint8Array(all.rawPayload)))).toHaveLength(4);
  });
});

describe('CSV exports', () => {
  const get = (dataset: string, who: TestUser = office) =>
    app.inject({ url: `/api/funding/calls/${call.slug}/exports/${dataset}`, headers: who.auth });

  it('exports proposals, partners and budgets that parse back', async () => {
    const proposals = await get('proposals');
    expect(proposals.statusCode).toBe(200);
    expect(proposals.headers['content-type']).toBe('text/csv; charset=utf-8');
    const rows = csv(proposals.body);
    expect(rows.map((r) => r.acronym).sort()).toEqual(['ALPHA', 'BETA', 'DELTA', 'EPSILON', 'GAMMA', 'ZETA']);
    const alpha = rows.find((r) => r.acronym === 'ALPHA')!;
    expect(alpha).toMatchObject({ state: 'funded', stage: 'full-proposal', partners: '3', countries: '3' });
    // EUR 200,000 + EUR 150,000 + PLN 400,000 / 4.4373 (= EUR 90,144.907..., rounded once).
    expect(alpha.requested_eur).toBe('440144.91');

    const partners = csv((await get('partners')).body);
    expect(partners).toHaveLength(13);
    expect(partners.find((p) => p.partner_id === 'pharma')).toMatchObject({
      funder_id: 'own-funded',
      country: 'CH',
    });
    // A name a spreadsheet would run as a formula is neutralised.
    expect(partners.find((p) => p.partner_id === 'lyon')!.organisation).toBe(
      '\'=HYPERLINK("http://evil.example","click")',
    );

    const budgets = csv((await get('budgets')).body);
    expect(budgets.find((b) => b.partner_id === 'lodz')).toMatchObject({
      currency: 'PLN',
      personnel: '400000.00',
      total: '400000.00',
      total_eur: '90144.91',
    });
  });

  it('exports the ranking with the recommendation, the reviews and the decision history', async () => {
    const ranking = csv((await get('ranking')).body);
    expect(ranking.map((r) => [r.position, r.acronym, r.recommendation])).toEqual([
      ['1', 'ALPHA', 'funded'],
      ['2', 'BETA', 'funded'],
      ['3', 'GAMMA', 'fundable-with-top-up'],
      ['4', 'DELTA', 'funded'],
      ['5', 'EPSILON', 'fundable-with-top-up'],
      ['6', 'ZETA', 'not-considered'],
    ]);
    expect(ranking[0]).toHaveProperty('excellence');

    const reviews = csv((await get('reviews')).body);
    expect(reviews).toHaveLength(18);
    expect(reviews[0]).toHaveProperty('reviewer');

    const decisions = csv((await get('decisions')).body);
    expect(decisions).toHaveLength(6);
    expect(decisions.find((d) => d.partner_id === 'charite')).toMatchObject({
      decision: 'funded-reduced',
      amount: '180000.00',
      requested: '200000.00',
      current: 'true',
      call_version: '1',
    });
    expect(decisions.find((d) => d.partner_id === 'lodz')).toMatchObject({
      currency: 'PLN',
      amount: '400000.00',
    });
  });

  it('is for the call office only, and refuses an unknown dataset with 400', async () => {
    expect((await get('decisions', bmbf)).statusCode).toBe(403);
    const unknown = await get('secrets');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0]).toMatchObject({ in: 'params', path: '/dataset' });
  });
});

describe('statistics and the call report', () => {
  it('counts the stages, groups, countries and funders, and the amounts per funder', async () => {
    const res = await app.inject({ url: `/api/funding/calls/${call.slug}/statistics`, headers: office.auth });
    expect(res.statusCode).toBe(200);
    const s = res.json();
    expect(s.proposals).toEqual({
      preProposals: 6,
      eligible: 6,
      invited: 6,
      fullProposals: 6,
      ranked: 6,
      recommended: 3,
      funded: 1,
      notFunded: 1,
      withdrawn: 0,
    });
    expect(s.researchGroups).toEqual({ preProposals: 13, fullProposals: 13, funded: 3 });
    expect(s.countries.fullProposals).toBe(5); // DE, ES, PL, FR, CH
    expect(s.funders).toMatchObject({ askedInFullProposals: 4, funding: 3 });
    const ncbr = s.byFunder.find((f: { funderId: string }) => f.funderId === 'ncbr');
    expect(ncbr).toMatchObject({
      partners: 3,
      requested: { amountMinor: PLN(1_100_000), currency: 'PLN' },
      granted: { amountMinor: PLN(400_000), currency: 'PLN' },
      recommended: { amountMinor: PLN(900_000), currency: 'PLN' },
    });
    const bmbfRow = s.byFunder.find((f: { funderId: string }) => f.funderId === 'bmbf');
    expect(bmbfRow.granted).toEqual({ amountMinor: 18_000_000, currency: 'EUR' });
  });

  it('exports the statistics as CSV tables', async () => {
    const funders = csv(
      (await app.inject({ url: `/api/funding/calls/${call.slug}/statistics.csv`, headers: office.auth }))
        .body,
    );
    expect(funders.find((f) => f.funder_id === 'ncbr')).toMatchObject({
      requested: '1100000.00',
      granted: '400000.00',
    });
    const summary = csv(
      (
        await app.inject({
          url: `/api/funding/calls/${call.slug}/statistics.csv?table=summary`,
          headers: office.auth,
        })
      ).body,
    );
    expect(summary.find((r) => r.figure === 'Full proposals submitted')!.value).toBe('6');
  });

  it('renders the call report PDF with the tables and the requested-vs-committed chart', async () => {
    const res = await app.inject({ url: `/api/funding/calls/${call.slug}/report.pdf`, headers: office.auth });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const pdf = await readPdf(res.rawPayload);
    for (const text of [
      'Call report',
      'Requested and committed budget per funder (EUR)',
      'Requested',
      'Committed',
      'Budget per funder',
      'Partners per country',
      'Coordinators',
      'Full proposals submitted',
      'NCBR',
    ]) {
      expect(pdf.text).toContain(text);
    }
  });
});
