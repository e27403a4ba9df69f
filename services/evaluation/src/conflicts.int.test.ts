import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { schema } from '@permed/db';
import {
  acceptedReviewer,
  assign,
  createProposal,
  createWorld,
  declareNoConflict,
  proposalDocument,
  publishedCall,
  simpleDocument,
  type TestCall,
  type TestReviewer,
  type World,
} from './testing/fixtures.ts';

let world: World;
let call: TestCall;
let strictCall: TestCall;
let p1: string;
let p2: string;
let q1: string;
let q2: string;
const r: Record<string, TestReviewer> = {};

const base = (c: TestCall) => `/api/evaluation/calls/${c.id}`;
const carberry = { name: 'Josiah Carberry', email: 'josiah@example.org', orcid: '0000-0002-1825-0097' };

beforeAll(async () => {
  world = await createWorld();
  call = await publishedCall(world.ctx, 'eval-coi-a');
  strictCall = await publishedCall(world.ctx, 'eval-coi-strict', (d) => ({
    ...d,
    evaluation: { ...d.evaluation, forbidReviewerSameCountryAsPartner: true },
  }));
  p1 = await createProposal(
    world.ctx,
    call.id,
    proposalDocument('HEART', [
      {
        id: 'charite',
        organisation: 'Charité – Universitätsmedizin Berlin',
        country: 'DE',
        funderId: 'bmbf',
        pi: carberry,
      },
      {
        id: 'karolinska',
        organisation: 'Karolinska Institutet',
        country: 'SE',
        funderId: 'vr',
        pi: { name: 'Anna Lindqvist', email: 'anna@example.org' },
      },
      {
        id: 'clinic',
        organisation: 'Hospital Clínic de Barcelona',
        country: 'ES',
        funderId: 'isciii',
        pi: { name: 'Jordi Puig', email: 'jordi@example.org' },
      },
    ]),
    'under-review',
  );
  p2 = await createProposal(world.ctx, call.id, simpleDocument('LUNG'), 'under-review');
  // A pre-proposal never invited further still makes its PIs applicants in the call.
  await createProposal(
    world.ctx,
    call.id,
    proposalDocument('OTHER', [
      {
        id: 'p1',
        organisation: 'Applicant University',
        country: 'PT',
        funderId: null,
        pi: { name: 'Maria Applicant', email: 'maria.applicant@example.org' },
      },
    ]),
    'eligible',
  );
  q1 = await createProposal(world.ctx, strictCall.id, simpleDocument('STRICTDE'), 'under-review');
  q2 = await createProposal(
    world.ctx,
    strictCall.id,
    proposalDocument('STRICTNL', [
      {
        id: 'nl',
        organisation: 'Erasmus MC',
        country: 'NL',
        funderId: 'zonmw',
        pi: { name: 'Noor Visser', email: 'noor@example.org' },
      },
    ]),
    'under-review',
  );
  r.org = await acceptedReviewer(world, call, {
    name: 'Olga Organisation',
    country: 'DE',
    organisation: { name: 'Charite - Universitatsmedizin Berlin' },
  });
  r.funder = await acceptedReviewer(world, call, {
    name: 'Fritz Funder',
    country: 'NL',
    employedByFunderId: 'vr',
  });
  r.collab = await acceptedReviewer(world, call, {
    name: 'Clara Collaborator',
    country: 'IT',
    collaborators: [{ name: 'J. Carberry', orcid: '0000-0002-1825-0097' }],
  });
  r.applicant = await acceptedReviewer(world, call, {
    name: 'Maria Applicant',
    email: 'maria.applicant@example.org',
    country: 'PT',
  });
  r.clean = await acceptedReviewer(world, call, { name: 'Chris Clean', country: 'AT' });
  r.reader = await acceptedReviewer(world, call, { name: 'Rita Reader', country: 'PL' });
  r.strict = await acceptedReviewer(world, strictCall, { name: 'Stefan Strict', country: 'DE' });
});
afterAll(async () => {
  await world.app.close();
  await world.ctx.close();
});

type ConflictView = {
  reviewerId: string;
  proposalId: string;
  reason: string;
  source: string;
  facts: unknown;
};

async function conflicts(c: TestCall): Promise<ConflictView[]> {
  const detect = await world.app.inject({
    method: 'POST',
    url: `${base(c)}/conflict-detections`,
    headers: world.office.auth,
    payload: { stage: 'full-proposal' },
  });
  expect(detect.statusCode).toBe(200);
  const res = await world.app.inject({ url: `${base(c)}/conflicts`, headers: world.office.auth });
  expect(res.statusCode).toBe(200);
  return res.json();
}

const reasons = (list: ConflictView[], reviewer: TestReviewer, proposalId: string) =>
  list.filter((c) => c.reviewerId === reviewer.id && c.proposalId === proposalId).map((c) => c.reason);

describe('conflict detection, one source at a time', () => {
  it('finds the same organisation (normalised name), a funder employee, a listed collaborator and an applicant in the call', async () => {
    const list = await conflicts(call);
    expect(reasons(list, r.org!, p1)).toEqual(['same-organisation']);
    expect(list.find((c) => c.reviewerId === r.org!.id)!.facts).toMatchObject({
      partners: [{ partnerId: 'charite', matchedBy: 'name' }],
    });
    expect(reasons(list, r.funder!, p1)).toEqual(['funder-employee']);
    expect(reasons(list, r.funder!, p2)).toEqual([]);
    expect(reasons(list, r.collab!, p1)).toEqual(['listed-collaborator']);
    expect(list.find((c) => c.reviewerId === r.collab!.id)!.facts).toMatchObject({
      collaborators: [{ partnerId: 'charite', matchedBy: 'orcid' }],
    });
    // Applying anywhere in the call conflicts with every proposal of it.
    expect(reasons(list, r.applicant!, p1)).toEqual(['applicant-in-call']);
    expect(reasons(list, r.applicant!, p2)).toEqual(['applicant-in-call']);
    expect(list.filter((c) => c.reviewerId === r.clean!.id)).toEqual([]);
    // This call allows reviewers from a partner's country.
    expect(reasons(list, r.org!, p2)).toEqual([]);
  });

  it('finds the same country only where the call forbids it', async () => {
    const list = await conflicts(strictCall);
    expect(reasons(list, r.strict!, q1)).toEqual(['same-country']);
    expect(reasons(list, r.strict!, q2)).toEqual([]);
  });

  it('records a declared conflict, withdraws the reviewer, and audits every change', async () => {
    expect(
      (await assign(world, call, 'full-proposal', [{ proposalId: p1, reviewerId: r.clean!.id }])).statusCode,
    ).toBe(200);
    const declared = await world.app.inject({
      method: 'PUT',
      url: `${base(call)}/proposals/${p1}/coi-declaration`,
      headers: r.clean!.user.auth,
      payload: { conflict: true, note: 'former PhD supervisor of a PI' },
    });
    expect(declared.statusCode).toBe(200);
    expect(declared.json()).toMatchObject({ conflict: true, revision: 1, changed: true });
    expect(declared.json().declinedAssignments).toHaveLength(1);
    const list = await conflicts(call);
    expect(list.filter((c) => c.reviewerId === r.clean!.id)).toEqual([
      expect.objectContaining({ proposalId: p1, source: 'declared', reason: 'declared' }),
    ]);
    const [pair] = await world.ctx.deps.db
      .select()
      .from(schema.assignments)
      .where(and(eq(schema.assignments.proposalId, p1), eq(schema.assignments.reviewerId, r.clean!.id)));
    expect(pair).toMatchObject({ status: 'declined', reason: 'conflict of interest declared' });

    const changed = await world.app.inject({
      method: 'PUT',
      url: `${base(call)}/proposals/${p1}/coi-declaration`,
      headers: r.clean!.user.auth,
      payload: { conflict: false },
    });
    expect(changed.json()).toMatchObject({ conflict: false, revision: 2, changed: true });
    const audits = await world.ctx.deps.db
      .select()
      .from(schema.auditEvents)
      .where(eq(schema.auditEvents.targetId, p1));
    const coi = audits.filter((a) => a.action.startsWith('evaluation.coi_'));
    expect(coi.map((a) => a.action)).toEqual([
      'evaluation.coi_declared',
      'evaluation.coi_declaration_changed',
    ]);
    expect(coi[1]!.details).toMatchObject({ before: { conflict: true }, after: { conflict: false } });
    expect(coi.every((a) => a.actorUserId === r.clean!.user.id)).toBe(true);
    // The withdrawal stands: a declined pair does not come back by changing one's mind.
    const read = await world.app.inject({
      url: `${base(call)}/proposals/${p1}`,
      headers: r.clean!.user.auth,
    });
    expect(read.statusCode).toBe(403);
    expect(read.json().code).toBe('NOT_ASSIGNED');
  });

  it('refuses to assign a conflicted pair by override', async () => {
    const res = await assign(world, call, 'full-proposal', [{ proposalId: p1, reviewerId: r.org!.id }]);
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('ASSIGNMENT_CONSTRAINT_VIOLATED');
    expect(res.json().violations).toEqual([
      expect.objectContaining({ code: 'conflict', proposalIds: [p1], reviewerIds: [r.org!.id] }),
    ]);
  });
});

describe('the visibility gate', () => {
  it('shows an undeclared reviewer only the COI screen, and the proposal after declaring no conflict', async () => {
    expect(
      (await assign(world, call, 'full-proposal', [{ proposalId: p2, reviewerId: r.reader!.id }])).statusCode,
    ).toBe(200);
    const before = await world.app.inject({
      url: `${base(call)}/proposals/${p2}`,
      headers: r.reader!.user.auth,
    });
    expect(before.statusCode).toBe(403);
    expect(before.json()).toMatchObject({
      code: 'COI_DECLARATION_REQUIRED',
      coiScreen: `/api/evaluation/calls/${call.id}/proposals/${p2}/coi-screen`,
    });
    const review = await world.app.inject({
      method: 'PUT',
      url: `${base(call)}/proposals/${p2}/review`,
      headers: r.reader!.user.auth,
      payload: { scores: [] },
    });
    expect(review.json().code).toBe('COI_DECLARATION_REQUIRED');

    const screen = await world.app.inject({
      url: `${base(call)}/proposals/${p2}/coi-screen`,
      headers: r.reader!.user.auth,
    });
    expect(screen.statusCode).toBe(200);
    const body = screen.json();
    expect(body).toMatchObject({
      acronym: 'LUNG',
      title: expect.stringContaining('LUNG'),
      declaration: null,
    });
    expect(body.partners).toHaveLength(3);
    expect(Object.keys(body.partners[0]).sort()).toEqual([
      'coordinator',
      'country',
      'organisation',
      'principalInvestigator',
    ]);
    // Only acronym, title and partners: no abstract, no budget, no e-mail addresses.
    expect(screen.body).not.toContain('abstract');
    expect(screen.body).not.toContain('personnel');
    expect(screen.body).not.toContain('@example.org');

    expect((await declareNoConflict(world, call, r.reader!, p2)).statusCode).toBe(200);
    const after = await world.app.inject({
      url: `${base(call)}/proposals/${p2}`,
      headers: r.reader!.user.auth,
    });
    expect(after.statusCode).toBe(200);
    expect(after.json()).toMatchObject({
      proposalId: p2,
      stage: 'full-proposal',
      document: { acronym: 'LUNG', abstract: 'An abstract.' },
    });
  });

  it('closes the proposal again when a conflict appears later, leaving only the COI screen', async () => {
    // The reader turns out to be a PI of another proposal of the call.
    await createProposal(
      world.ctx,
      call.id,
      proposalDocument('LATE', [
        {
          id: 'x',
          organisation: 'Somewhere',
          country: 'PL',
          funderId: null,
          pi: { name: 'Rita Reader', email: r.reader!.email },
        },
      ]),
      'eligible',
    );
    const read = await world.app.inject({
      url: `${base(call)}/proposals/${p2}`,
      headers: r.reader!.user.auth,
    });
    expect(read.statusCode).toBe(403);
    expect(read.json()).toMatchObject({ code: 'CONFLICT_OF_INTEREST', reasons: ['applicant-in-call'] });
    const review = await world.app.inject({
      method: 'POST',
      url: `${base(call)}/proposals/${p2}/review/submit`,
      headers: r.reader!.user.auth,
      payload: {},
    });
    expect(review.statusCode).toBe(403);
    expect(review.json().code).toBe('CONFLICT_OF_INTEREST');
    const screen = await world.app.inject({
      url: `${base(call)}/proposals/${p2}/coi-screen`,
      headers: r.reader!.user.auth,
    });
    expect(screen.statusCode).toBe(200);
    expect(screen.json().detectedConflicts).toEqual([
      expect.objectContaining({ reason: 'applicant-in-call' }),
    ]);
  });

  it('never shows a proposal that is not assigned, or of another call', async () => {
    const notMine = await world.app.inject({
      url: `${base(call)}/proposals/${p1}`,
      headers: r.funder!.user.auth,
    });
    expect(notMine.statusCode).toBe(403);
    expect(notMine.json().code).toBe('NOT_ASSIGNED');
    const screen = await world.app.inject({
      url: `${base(call)}/proposals/${p1}/coi-screen`,
      headers: r.funder!.user.auth,
    });
    expect(screen.statusCode).toBe(403);
    const otherCall = await world.app.inject({
      url: `${base(call)}/proposals/${q1}`,
      headers: r.funder!.user.auth,
    });
    expect(otherCall.statusCode).toBe(404);
    const wrongCallPath = await world.app.inject({
      url: `${base(strictCall)}/proposals/${q1}`,
      headers: r.funder!.user.auth,
    });
    expect(wrongCallPath.statusCode).toBe(403);
    const declare = await world.app.inject({
      method: 'PUT',
      url: `${base(call)}/proposals/${p1}/coi-declaration`,
      headers: r.funder!.user.auth,
      payload: { conflict: false },
    });
    expect(declare.statusCode).toBe(403);
    expect(declare.json().code).toBe('NOT_ASSIGNED');
  });
});
