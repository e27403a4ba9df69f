// The authorisation matrix as data: every row is one concrete request (method, URL, body) about one
// resource, and every cell the answer one role gets in one stage of the call. `matrix.test.ts` sends
// each cell's request and asserts its answer; `render-matrix.ts` prints the same rows for people
// (docs/authorization-matrix.md). The world the cells are asked in is described in `world.ts` and in
// `stageLabels` / `roleLabels`.
import {
  roles,
  stages,
  type Action,
  type Expected,
  type Live,
  type Operation,
  type Resource,
  type Role,
  type Stage,
} from './matrix-types.ts';

export * from './matrix-types.ts';

// ---- answers ----
const OK = '200';
const CREATED = '201';
const GONE = '204';
const UNAUTHENTICATED = '401 UNAUTHENTICATED';
const FORBIDDEN = '403 FORBIDDEN';
const HIDDEN = '404 NOT_FOUND';
const INVALID = '400 VALIDATION_FAILED';
const NO_ROUTE = '404 ROUTE_NOT_FOUND';
const NOT_ASSIGNED = '403 NOT_ASSIGNED';
const CONFLICT = '409 CONFLICT';
const STAGE_NOT_OPEN = '409 STAGE_NOT_OPEN';
const LATE = '409 DEADLINE_PASSED';

// ---- who: single roles, or groups of them ----
const groups = {
  members: ['coordinator', 'partnerEditor', 'viewer'],
  funders: ['funderOfPartner', 'otherFunder'],
  offices: ['callOffice', 'otherCallOffice'],
  reviewers: ['reviewerAssigned', 'reviewerUnassigned', 'reviewerConflicted'],
} as const satisfies Record<string, readonly Role[]>;
type Group = keyof typeof groups;
type Who = Role | Group | 'others';
type RowSpec = Partial<Record<Who, Expected>>;

/** Applies a spec onto a row: `others` first, then groups, then single roles (the most specific wins). */
function apply(base: Partial<Record<Role, Expected>>, spec: RowSpec): Partial<Record<Role, Expected>> {
  const out = { ...base };
  if (spec.others !== undefined) for (const r of roles) if (r !== 'anonymous') out[r] = spec.others;
  for (const g of Object.keys(groups) as Group[]) {
    const value = spec[g];
    if (value !== undefined) for (const r of groups[g]) out[r] = value;
  }
  for (const r of roles) if (spec[r] !== undefined) out[r] = spec[r];
  return out;
}

/**
 * The answers of a row in every stage: `all` for every stage, then per-stage specs laid over it.
 * An anonymous caller is refused with 401 unless the row says otherwise.
 */
function answers(
  all: RowSpec,
  per: Partial<Record<Stage, RowSpec>> = {},
): Record<Stage, Record<Role, Expected>> {
  const out = {} as Record<Stage, Record<Role, Expected>>;
  for (const stage of stages) {
    const row = apply(apply({ anonymous: UNAUTHENTICATED }, all), per[stage] ?? {});
    for (const r of roles)
      if (row[r] === undefined) throw new Error(`matrix: no answer for ${r} in ${stage}`);
    out[stage] = row as Record<Role, Expected>;
  }
  return out;
}
/** The same per-stage spec for several stages. */
const during = (list: Stage[], spec: RowSpec): Partial<Record<Stage, RowSpec>> =>
  Object.fromEntries(list.map((s) => [s, spec]));
const after = (stage: Stage, spec: RowSpec) => during(stages.slice(stages.indexOf(stage) + 1), spec);
const from = (stage: Stage, spec: RowSpec) => during(stages.slice(stages.indexOf(stage)), spec);

// ---- common shapes of rows ----
/** Proposal routes open to applicants and the call office (`anyOf('applicant', 'call-office')`). */
const proposalReaders: RowSpec = {
  others: FORBIDDEN,
  members: OK,
  callOffice: OK,
  otherCallOffice: HIDDEN,
  admin: OK,
};
/** The same route on the other consortium's proposal B: A's members learn nothing. */
const otherProposalReaders: RowSpec = { ...proposalReaders, members: HIDDEN };
/** Proposal routes open to applicants only (`anyOf('applicant')`): admin passes the role check. */
const applicantWriters: RowSpec = { others: FORBIDDEN, members: FORBIDDEN, admin: FORBIDDEN };
/** Routes for the call office of the call (`anyOf('call-office')` and the call scope). */
const officeOnly: RowSpec = { others: FORBIDDEN, callOffice: OK, admin: OK };
/** Routes for one funder's officers (`anyOf('funder')` and the funder in the URL). */
const vrOnly: RowSpec = { others: FORBIDDEN, funderOfPartner: OK, admin: OK };
/** Reviewer routes about proposal A (`anyOf('reviewer')`, then pool, confidentiality, assignment, COI). */
const reviewerOfA: RowSpec = { others: FORBIDDEN, reviewers: NOT_ASSIGNED, admin: FORBIDDEN };
/** Property-level rows: the route lets the role in, then the body is refused before anything runs. */
const smuggledBy = (who: Who[]): RowSpec =>
  Object.fromEntries([['others', FORBIDDEN], ...who.map((w) => [w, INVALID])]) as RowSpec;

const scores = (value: number) =>
  ['excellence', 'impact', 'implementation'].map((criterionId) => ({
    criterionId,
    score: value,
    comment: 'Sound.',
  }));
const ifMatch = (version: number) => ({ 'if-match': `"${version}"` });
const headerIfMatch = (id: 'A' | 'B') => async (live: Live) =>
  ifMatch(await live.headerVersion(live.refs[id]));
const partnerIfMatch = (partner: string) => async (live: Live) =>
  ifMatch((await live.partnerSection(live.refs.A, partner))?.version ?? 1);
const karolinska = async (live: Live) => (await live.partnerSection(live.refs.A, 'karolinska'))!.section;

// ---- content checks (what an allowed answer must not show) ----
const fundersOf: Partial<Record<Role, string[]>> = { funderOfPartner: ['vr'], otherFunder: ['bmbf'] };
const assignedTo = (role: Role, refs: Record<string, string>): string[] | null =>
  role === 'reviewerAssigned'
    ? [refs.A!]
    : role === 'reviewerUnassigned'
      ? [refs.B!]
      : role === 'reviewerConflicted'
        ? []
        : null;
/** A funder's workspace lists exactly the partners that ask that funder: `karolinska` of A and B for VR. */
const workspaceOf =
  (funderId: string, partnerId: string) =>
  ({ body }: { body: unknown }): string[] => {
    const rows = (
      body as {
        partners: {
          proposalId: string;
          partner: { id: string };
          automatic: { findings: { funderId?: string }[] };
        }[];
      }
    ).partners;
    const problems: string[] = [];
    if (rows.length !== 2) problems.push(`expected the 2 partners asking ${funderId}, got ${rows.length}`);
    for (const r of rows) {
      if (r.partner.id !== partnerId) problems.push(`sees partner ${r.partner.id} of ${r.proposalId}`);
      for (const f of r.automatic.findings)
        if (f.funderId !== undefined && f.funderId !== funderId)
          problems.push(`sees a finding of ${f.funderId}'s rules`);
    }
    return problems;
  };

type Row = Omit<Operation, 'resource' | 'action'>;
const rows: [Resource, Action, Row][] = [];
const add = (resource: Resource, action: Action, row: Row) => rows.push([resource, action, row]);

// ================================ draft ================================
add('draft', 'read', {
  id: 'draft-read',
  what: "A's draft (header, partner sections, documents)",
  method: 'GET',
  path: '/api/proposals/{A}',
  expect: answers(proposalReaders),
});
add('draft', 'read', {
  id: 'draft-read-other-consortium',
  what: "B's draft: another consortium's proposal",
  method: 'GET',
  path: '/api/proposals/{B}',
  expect: answers(otherProposalReaders),
  note: 'Object level: a member of A asking for B gets 404, the same answer as for an id that does not exist.',
});
add('draft', 'write', {
  id: 'draft-write',
  what: "A's header (keywords), If-Match",
  method: 'PATCH',
  path: '/api/proposals/{A}',
  headers: headerIfMatch('A'),
  body: () => ({ keywords: ['pharmacogenomics', 'authorisation'] }),
  expect: answers({ ...applicantWriters, coordinator: OK }, after('submission', { coordinator: LATE })),
  note: 'Only the coordinator and consortium-wide editors write the header; a partner-tied editor, a viewer and the administrator may not. After the deadline the draft is frozen (409 DEADLINE_PASSED naming the deadline).',
});
add('draft', 'write', {
  id: 'draft-write-other-consortium',
  what: "B's header",
  method: 'PATCH',
  path: '/api/proposals/{B}',
  headers: headerIfMatch('B'),
  body: () => ({ keywords: ['hijacked'] }),
  expect: answers({ ...applicantWriters, members: HIDDEN }),
});
add('draft', 'write', {
  id: 'draft-write-smuggled-state',
  what: "A's header with `state`, `verdict`, `score`, `status` smuggled in",
  method: 'PATCH',
  path: '/api/proposals/{A}',
  headers: headerIfMatch('A'),
  body: () => ({
    keywords: ['pharmacogenomics'],
    state: 'funded',
    verdict: 'eligible',
    score: 5,
    status: 'submitted',
  }),
  smuggled: ['state', 'verdict', 'score', 'status'],
  expect: answers(smuggledBy(['members', 'admin'])),
  note: 'Property level: the body schema is strict, so a lifecycle state, a verdict or a score is refused as an unknown field (400 with its path) before the handler runs, and nothing changes.',
});
add('draft', 'write', {
  id: 'proposal-create-smuggled-state',
  what: 'a new proposal created with `state` and `status`',
  method: 'POST',
  path: '/api/proposals',
  body: () => ({ callSlug: 'authz-call', acronym: 'SMUGGLED', state: 'submitted', status: 'funded' }),
  smuggled: ['state', 'status'],
  expect: answers({ others: INVALID }),
  note: 'Any signed-in user may start a proposal, so every role reaches the body check.',
});
add('draft', 'delete', {
  id: 'draft-delete-partner',
  what: "a partner section of A's draft (the throwaway `scratch`), If-Match",
  method: 'DELETE',
  path: '/api/proposals/{A}/partners/scratch',
  headers: partnerIfMatch('scratch'),
  prepare: (live) => live.ensureScratchPartner(),
  cleanup: (live) => live.removeScratchPartner(),
  expect: answers({ ...applicantWriters, coordinator: GONE }, after('submission', { coordinator: LATE })),
  note: 'A partner-tied editor may not remove partners, not even other sections.',
});

// ================================ submitted versions ================================
add('submitted versions', 'read', {
  id: 'versions-read',
  what: "A's submitted versions (receipts)",
  method: 'GET',
  path: '/api/proposals/{A}/versions',
  expect: answers(proposalReaders),
});
add('submitted versions', 'read', {
  id: 'version-read',
  what: "A's version 1 (the canonical document)",
  method: 'GET',
  path: '/api/proposals/{A}/versions/1',
  expect: answers(proposalReaders),
});
add('submitted versions', 'read', {
  id: 'version-read-other-consortium',
  what: "B's version 1",
  method: 'GET',
  path: '/api/proposals/{B}/versions/1',
  expect: answers(otherProposalReaders),
});
add('submitted versions', 'read', {
  id: 'version-read-as-reviewer',
  what: "A's counted version as the panel reads it",
  method: 'GET',
  path: '/api/evaluation/calls/{callId}/proposals/{A}',
  expect: answers(reviewerOfA, from('review', { reviewerAssigned: OK })),
  note: 'Only an assigned reviewer who declared no conflict (and has none detected) reads the proposal; the conflicted reviewer was withdrawn, so it is no longer assigned. The administrator is refused: it is not in the pool.',
});
add('submitted versions', 'write', {
  id: 'versions-submit',
  what: 'a new version of A (submit)',
  method: 'POST',
  path: '/api/proposals/{A}/submit',
  expect: answers({ ...applicantWriters, coordinator: CREATED }, after('submission', { coordinator: LATE })),
  note: 'Only the coordinator submits; every submission before the deadline is a new version. Afterwards, whatever state the call has moved the proposal on to, the answer names the deadline (409 DEADLINE_PASSED).',
});
add('submitted versions', 'delete', {
  id: 'version-delete',
  what: "A's version 1",
  method: 'DELETE',
  path: '/api/proposals/{A}/versions/1',
  expect: answers({ anonymous: NO_ROUTE, others: NO_ROUTE }),
  note: 'No route: submitted versions are immutable, nobody deletes them.',
});

// ================================ uploads ================================
add('uploads', 'read', {
  id: 'document-read',
  what: "A's proposal PDF (download)",
  method: 'GET',
  path: '/api/proposals/{A}/documents/proposal',
  expect: answers(proposalReaders),
});
add('uploads', 'read', {
  id: 'document-read-other-consortium',
  what: "B's proposal PDF",
  method: 'GET',
  path: '/api/proposals/{B}/documents/proposal',
  expect: answers(otherProposalReaders),
});
add('uploads', 'write', {
  id: 'document-upload',
  what: "A's proposal PDF (upload, multipart)",
  method: 'PUT',
  path: '/api/proposals/{A}/documents/proposal',
  upload: true,
  headers: async (live) => live.uploadConditions(live.refs.A),
  expect: answers({ ...applicantWriters, coordinator: OK }, after('submission', { coordinator: LATE })),
  note: 'The coordinator or a consortium-wide editor uploads; a partner-tied editor may not.',
});

// ================================ partner budgets ================================
add('partner budgets', 'read', {
  id: 'partner-read',
  what: "A's partner section `karolinska` (budget)",
  method: 'GET',
  path: '/api/proposals/{A}/partners/karolinska',
  expect: answers(proposalReaders),
});
add('partner budgets', 'read', {
  id: 'partner-read-other-consortium',
  what: "B's partner section `karolinska`",
  method: 'GET',
  path: '/api/proposals/{B}/partners/karolinska',
  expect: answers(otherProposalReaders),
});
add('partner budgets', 'write', {
  id: 'partner-write',
  what: "A's partner section `karolinska` (travel budget), If-Match",
  method: 'PUT',
  path: '/api/proposals/{A}/partners/karolinska',
  headers: partnerIfMatch('karolinska'),
  body: async (live) => {
    const section = await karolinska(live);
    return { ...section, budget: { ...(section.budget as object), travel: 600_000 } };
  },
  expect: answers(
    { ...applicantWriters, coordinator: OK, partnerEditor: OK },
    after('submission', { coordinator: LATE, partnerEditor: LATE }),
  ),
  note: "The partner's own editor writes its section.",
});
add('partner budgets', 'write', {
  id: 'partner-write-smuggled-verdict',
  what: 'the same section with `verdict`, `score`, `status`, `state` smuggled in',
  method: 'PUT',
  path: '/api/proposals/{A}/partners/karolinska',
  headers: partnerIfMatch('karolinska'),
  body: async (live) => ({
    ...(await karolinska(live)),
    verdict: 'eligible',
    score: 5,
    status: 'funded',
    state: 'eligible',
  }),
  smuggled: ['verdict', 'score', 'status', 'state'],
  expect: answers(smuggledBy(['members', 'admin'])),
});
add('partner budgets', 'read', {
  id: 'funder-partners',
  what: "VR's partners in the call, with budgets and findings",
  method: 'GET',
  path: '/api/eligibility/calls/{slug}/funders/vr/partners',
  expect: answers(vrOnly),
  visible: workspaceOf('vr', 'karolinska'),
  visibleRule:
    "exactly VR's partners (`karolinska` of A and B), and no finding of another funder's national rules",
  note: 'A funder officer reaches only `/funders/<its own id>/…`.',
});
add('partner budgets', 'read', {
  id: 'funder-partners-other-funder',
  what: "BMBF's partners in the call",
  method: 'GET',
  path: '/api/eligibility/calls/{slug}/funders/bmbf/partners',
  expect: answers({ others: FORBIDDEN, otherFunder: OK, admin: OK }),
  visible: workspaceOf('bmbf', 'charite'),
  visibleRule: "exactly BMBF's partners (`charite` of A and B)",
  note: "Object level: VR's officer asking for BMBF's partners (their budgets) is refused.",
});
add('partner budgets', 'read', {
  id: 'funder-budget',
  what: "VR's requested vs committed budget",
  method: 'GET',
  path: '/api/eligibility/calls/{slug}/funders/vr/budget',
  expect: answers(vrOnly),
});

// ================================ verdicts ================================
add('verdicts', 'read', {
  id: 'verdict-history',
  what: "VR's verdicts on A's partner `karolinska`",
  method: 'GET',
  path: '/api/eligibility/calls/{slug}/funders/vr/partners/{A}/karolinska/verdicts',
  expect: answers(vrOnly),
});
add('verdicts', 'read', {
  id: 'verdict-history-other-funders-partner',
  what: "VR's verdict history on BMBF's partner `charite` of A, through VR's own URL",
  method: 'GET',
  path: '/api/eligibility/calls/{slug}/funders/vr/partners/{A}/charite/verdicts',
  expect: answers({ others: FORBIDDEN, funderOfPartner: HIDDEN, admin: HIDDEN }),
  note: 'Object level: like the verdict itself, a partner that asks another funder is 404 (not an empty history), exactly like one that does not exist.',
});
add('verdicts', 'read', {
  id: 'verdict-history-unknown-proposal',
  what: "VR's verdict history on `karolinska` of a proposal id that does not exist",
  method: 'GET',
  path: '/api/eligibility/calls/{slug}/funders/vr/partners/00000000-0000-4000-8000-000000000000/karolinska/verdicts',
  expect: answers({ others: FORBIDDEN, funderOfPartner: HIDDEN, admin: HIDDEN }),
});
add('verdicts', 'read', {
  id: 'eligibility-overview',
  what: "the call office's overview of the eligibility check",
  method: 'GET',
  path: '/api/eligibility/calls/{slug}/overview',
  expect: answers(officeOnly),
});
add('verdicts', 'write', {
  id: 'verdict-write',
  what: "VR's official verdict on `karolinska` of A",
  method: 'PUT',
  path: '/api/eligibility/calls/{slug}/funders/vr/partners/{A}/karolinska/verdict',
  body: () => ({ verdict: 'eligible' }),
  expect: answers(
    { ...vrOnly, funderOfPartner: STAGE_NOT_OPEN, admin: STAGE_NOT_OPEN },
    during(['eligibility'], { funderOfPartner: OK, admin: OK }),
  ),
  note: 'Only while the call is in its eligibility check; the administrator holds every scope.',
});
add('verdicts', 'write', {
  id: 'verdict-write-other-funders-partner',
  what: "a verdict on VR's partner `karolinska` through BMBF's own URL",
  method: 'PUT',
  path: '/api/eligibility/calls/{slug}/funders/bmbf/partners/{A}/karolinska/verdict',
  body: () => ({ verdict: 'not-eligible', reasonCode: 'TERRITORY' }),
  expect: answers({ others: FORBIDDEN, otherFunder: HIDDEN, admin: HIDDEN }),
  note: "Object level: BMBF's officer, in its own scope, names a partner that asks VR: 404, exactly like a partner that does not exist.",
});
add('verdicts', 'write', {
  id: 'verdict-write-smuggled-state',
  what: 'a verdict with `state` and `status` smuggled in',
  method: 'PUT',
  path: '/api/eligibility/calls/{slug}/funders/vr/partners/{A}/karolinska/verdict',
  body: () => ({ verdict: 'eligible', state: 'eligible', status: 'final' }),
  smuggled: ['state', 'status'],
  expect: answers(smuggledBy(['funders', 'admin'])),
});
add('verdicts', 'write', {
  id: 'formal-check-write',
  what: "the call office's formal check of A",
  method: 'PUT',
  path: '/api/eligibility/calls/{slug}/proposals/{A}/formal-check',
  body: () => ({ result: 'passed' }),
  expect: answers(
    { ...officeOnly, callOffice: STAGE_NOT_OPEN, admin: STAGE_NOT_OPEN },
    during(['eligibility'], { callOffice: OK, admin: OK }),
  ),
});
add('verdicts', 'write', {
  id: 'formal-check-smuggled-verdict',
  what: 'a formal check with `verdict` and `state` smuggled in',
  method: 'PUT',
  path: '/api/eligibility/calls/{slug}/proposals/{A}/formal-check',
  body: () => ({ result: 'passed', verdict: 'eligible', state: 'eligible' }),
  smuggled: ['verdict', 'state'],
  expect: answers(smuggledBy(['offices', 'admin'])),
});
add('verdicts', 'delete', {
  id: 'verdict-delete',
  what: "VR's verdict on `karolinska`",
  method: 'DELETE',
  path: '/api/eligibility/calls/{slug}/funders/vr/partners/{A}/karolinska/verdict',
  expect: answers({ anonymous: NO_ROUTE, others: NO_ROUTE }),
  note: 'No route: verdicts are append-only (a change is a new row, the latest counts).',
});

// ================================ reviews ================================
add('reviews', 'read', {
  id: 'review-read',
  what: "the reviewer's own review of A",
  method: 'GET',
  path: '/api/evaluation/calls/{callId}/proposals/{A}/review',
  expect: answers(reviewerOfA, from('review', { reviewerAssigned: OK })),
});
add('reviews', 'write', {
  id: 'review-write',
  what: "the reviewer's own review of A (draft scores)",
  method: 'PUT',
  path: '/api/evaluation/calls/{callId}/proposals/{A}/review',
  body: () => ({ scores: scores(4.5) }),
  expect: answers(reviewerOfA, {
    review: { reviewerAssigned: OK },
    ...after('review', { reviewerAssigned: '409 RANKING_FROZEN' }),
  }),
  note: 'Once the ranking list is frozen no score changes (the submitted review would also be refused with 409 REVIEW_ALREADY_SUBMITTED; the freeze is checked first).',
});
add('reviews', 'write', {
  id: 'review-write-smuggled-status',
  what: 'a review with `status`, `state` and `score` smuggled in',
  method: 'PUT',
  path: '/api/evaluation/calls/{callId}/proposals/{A}/review',
  body: () => ({ scores: scores(4.5), status: 'submitted', state: 'ranked', score: 5 }),
  smuggled: ['status', 'state', 'score'],
  expect: answers(smuggledBy(['reviewers', 'admin'])),
});
add('reviews', 'read', {
  id: 'reviews-of-others',
  what: "the other reviews of A (anonymised), for A's reviewers",
  method: 'GET',
  path: '/api/evaluation/calls/{callId}/proposals/{A}/reviews',
  expect: answers(reviewerOfA, {
    review: { reviewerAssigned: FORBIDDEN },
    ...after('review', { reviewerAssigned: OK }),
  }),
  visible: ({ text, refs }) =>
    /Reviewer reviewer|reviewerId/.test(text) || text.includes(refs.reviewerAssignedId)
      ? ['names a reviewer']
      : [],
  visibleRule: 'anonymised: no reviewer id or name',
  note: 'A reviewer reads the others only once its own review is submitted.',
});
add('reviews', 'read', {
  id: 'panel-view',
  what: "the panel's view of A (every review with its reviewer)",
  method: 'GET',
  path: '/api/evaluation/calls/{callId}/proposals/{A}/evaluation?stage=full-proposal',
  expect: answers(officeOnly),
});
add('reviews', 'write', {
  id: 'consensus-write',
  what: "the panel's consensus score of A",
  method: 'PUT',
  path: '/api/evaluation/calls/{callId}/proposals/{A}/consensus',
  body: () => ({ stage: 'full-proposal', scores: scores(4.5), justification: 'Panel consensus.' }),
  expect: answers(
    { ...officeOnly, callOffice: OK, admin: OK },
    from('frozen', { callOffice: '409 RANKING_FROZEN', admin: '409 RANKING_FROZEN' }),
  ),
});
add('reviews', 'write', {
  id: 'consensus-smuggled-state',
  what: 'a consensus score with `state` and `status` smuggled in',
  method: 'PUT',
  path: '/api/evaluation/calls/{callId}/proposals/{A}/consensus',
  body: () => ({
    stage: 'full-proposal',
    scores: scores(4.5),
    justification: 'x',
    state: 'ranked',
    status: 'final',
  }),
  smuggled: ['state', 'status'],
  expect: answers(smuggledBy(['offices', 'admin'])),
});
add('reviews', 'read', {
  id: 'released-reviews',
  what: "A's reviews released to its coordinator",
  method: 'GET',
  path: '/api/evaluation/proposals/{A}/released-reviews',
  expect: answers({ others: FORBIDDEN, coordinator: STAGE_NOT_OPEN, admin: STAGE_NOT_OPEN }),
  note: 'Reviews are released to the coordinator at the opening of the rebuttal; this call has none (409 STAGE_NOT_OPEN), so the cell shows who passes the scope check.',
});

// ================================ COI declarations ================================
add('COI declarations', 'read', {
  id: 'coi-screen',
  what: "A's COI screen (acronym, title, partners, own declaration)",
  method: 'GET',
  path: '/api/evaluation/calls/{callId}/proposals/{A}/coi-screen',
  expect: answers(reviewerOfA, from('review', { reviewerAssigned: OK })),
  visible: ({ text }) => (/"budget"|"abstract"/.test(text) ? ['shows more than the COI screen may'] : []),
  visibleRule: 'no abstract, no budgets: only acronym, title and partners',
});
add('COI declarations', 'write', {
  id: 'coi-declare',
  what: 'a declaration of no conflict with A',
  method: 'PUT',
  path: '/api/evaluation/calls/{callId}/proposals/{A}/coi-declaration',
  body: () => ({ conflict: false, note: '' }),
  expect: answers(reviewerOfA, from('review', { reviewerAssigned: OK, reviewerConflicted: OK })),
  note: 'Any reviewer who was ever assigned to A may (re)declare, in any later stage. The conflicted reviewer thereby retracts its conflict (its declaration reads "no conflict" again, audited with before and after), but it stays withdrawn: its assignment remains declined and every later cell still answers it 403 NOT_ASSIGNED. Defensible; see the report.',
});
add('COI declarations', 'write', {
  id: 'coi-declare-smuggled-status',
  what: 'a declaration with `status` and `verdict` smuggled in',
  method: 'PUT',
  path: '/api/evaluation/calls/{callId}/proposals/{A}/coi-declaration',
  body: () => ({ conflict: false, note: '', status: 'cleared', verdict: 'no-conflict' }),
  smuggled: ['status', 'verdict'],
  expect: answers(smuggledBy(['reviewers', 'admin'])),
});
add('COI declarations', 'read', {
  id: 'conflicts-list',
  what: "the call's detected and declared conflicts",
  method: 'GET',
  path: '/api/evaluation/calls/{callId}/conflicts',
  expect: answers(officeOnly),
});

// ================================ assignments ================================
add('assignments', 'read', {
  id: 'assignments-read',
  what: "the call's assignments",
  method: 'GET',
  path: '/api/evaluation/calls/{callId}/assignments?stage=full-proposal',
  expect: answers(officeOnly),
});
add('assignments', 'read', {
  id: 'my-assignments',
  what: "the reviewer's own assignments",
  method: 'GET',
  path: '/api/evaluation/calls/{callId}/my-assignments',
  expect: answers({ others: FORBIDDEN, reviewers: OK, admin: FORBIDDEN }),
  visible: ({ role, stage, refs, body }) => {
    const mine = assignedTo(role, refs) ?? [];
    const seen = (body as { proposalId: string }[]).map((a) => a.proposalId).sort();
    const wanted = stages.indexOf(stage) >= stages.indexOf('review') ? mine : [];
    return JSON.stringify(seen) === JSON.stringify(wanted) ? [] : [`sees ${seen.join(', ') || 'nothing'}`];
  },
  visibleRule:
    'only its own active assignments (A for the assigned reviewer, B for the other, none for the conflicted one)',
});
add('assignments', 'write', {
  id: 'assignment-override',
  what: 'assign the assigned reviewer to B as well (undone after the cell)',
  method: 'POST',
  path: '/api/evaluation/calls/{callId}/assignment-overrides',
  body: (live) => ({
    stage: 'full-proposal',
    add: [{ proposalId: live.refs.B, reviewerId: live.refs.reviewerAssignedId }],
    reason: 'Matrix cell',
  }),
  cleanup: (live) => live.removeExtraPair(),
  expect: answers(
    {
      ...officeOnly,
      callOffice: '409 ASSIGNMENT_CONSTRAINT_VIOLATED',
      admin: '409 ASSIGNMENT_CONSTRAINT_VIOLATED',
    },
    from('review', { callOffice: OK, admin: OK }),
  ),
  note: 'Before the review stage B is not yet a proposal under evaluation ("unknown proposal"). Assignments can still be changed after the ranking is frozen (200): defensible, since the office acts within its call and a reviewer added then can no longer score (409 RANKING_FROZEN), but it opens the proposal to that reviewer after the evaluation is over; see the report.',
});
add('assignments', 'write', {
  id: 'assignment-decline-declined',
  what: "decline the conflicted reviewer's (already declined) assignment to A",
  method: 'POST',
  path: '/api/evaluation/calls/{callId}/assignments/{declinedAssignment}/decline',
  body: () => ({ reason: 'Matrix cell', replacement: 'none' }),
  expect: answers(
    { others: FORBIDDEN, reviewers: HIDDEN, callOffice: HIDDEN, admin: HIDDEN },
    from('review', { reviewerConflicted: CONFLICT, callOffice: CONFLICT, admin: CONFLICT }),
  ),
  note: "Object level: another reviewer's assignment is as unknown as a mistyped id (404). Before the review stage the id names no assignment yet.",
});

// ================================ ranking list ================================
add('ranking list', 'read', {
  id: 'ranking-read',
  what: 'the live ranking of the full proposals',
  method: 'GET',
  path: '/api/evaluation/calls/{callId}/ranking?stage=full-proposal',
  expect: answers(officeOnly),
});
add('ranking list', 'read', {
  id: 'ranking-frozen-read',
  what: 'the frozen ranking list',
  method: 'GET',
  path: '/api/evaluation/calls/{callId}/ranking/frozen?stage=full-proposal',
  expect: answers(
    { ...officeOnly, callOffice: HIDDEN, admin: HIDDEN },
    from('frozen', { callOffice: OK, admin: OK }),
  ),
});
add('ranking list', 'write', {
  id: 'ranking-freeze',
  what: 'freeze the ranking list',
  method: 'POST',
  path: '/api/evaluation/calls/{callId}/ranking/freeze',
  body: () => ({ stage: 'full-proposal' }),
  expect: answers(
    { ...officeOnly, callOffice: '409 RANKING_INCOMPLETE', admin: '409 RANKING_INCOMPLETE' },
    from('frozen', { callOffice: '409 RANKING_FROZEN', admin: '409 RANKING_FROZEN' }),
  ),
  note: 'The freeze itself (201) is the world step between "review" and "after ranking frozen", made by the call office of the call; a second freeze is refused.',
});

// ================================ recommendation ================================
add('recommendation', 'read', {
  id: 'allocation-read',
  what: "the funding walk of the frozen list against the funders' budgets",
  method: 'GET',
  path: '/api/funding/calls/{slug}/allocation',
  expect: answers(
    { ...officeOnly, callOffice: STAGE_NOT_OPEN, admin: STAGE_NOT_OPEN },
    from('frozen', { callOffice: OK, admin: OK }),
  ),
  note: 'The walk needs the frozen ranking list (409 STAGE_NOT_OPEN before).',
});
add('recommendation', 'read', {
  id: 'recommendation-read',
  what: 'the recorded recommendation',
  method: 'GET',
  path: '/api/funding/calls/{slug}/recommendation',
  expect: answers(
    { ...officeOnly, callOffice: HIDDEN, admin: HIDDEN },
    during(['decisions'], { callOffice: OK, admin: OK }),
  ),
});
add('recommendation', 'write', {
  id: 'recommendation-write',
  what: 'record the recommendation (naming a ranking hash that is not the frozen one)',
  method: 'POST',
  path: '/api/funding/calls/{slug}/recommendation',
  body: () => ({ rankingHash: '0'.repeat(64) }),
  expect: answers(
    { ...officeOnly, callOffice: STAGE_NOT_OPEN, admin: STAGE_NOT_OPEN },
    {
      frozen: { callOffice: CONFLICT, admin: CONFLICT },
      decisions: { callOffice: '409 ALREADY_EXISTS', admin: '409 ALREADY_EXISTS' },
    },
  ),
  note: 'Recorded once per call; the real one (201) is the world step between "after ranking frozen" and "national decisions", made by the call office. The cells name a wrong ranking hash so that an allowed role is refused after the scope check (409) instead of recording it; after the freeze the list\'s own hash check fails first today (the integration bug described under the world), with the same 409 CONFLICT.',
});
add('recommendation', 'write', {
  id: 'recommendation-smuggled-status',
  what: 'a recommendation with `status` and `state` smuggled in',
  method: 'POST',
  path: '/api/funding/calls/{slug}/recommendation',
  body: () => ({ status: 'final', state: 'national-decisions' }),
  smuggled: ['status', 'state'],
  expect: answers(smuggledBy(['offices', 'admin'])),
});

// ================================ decisions ================================
add('decisions', 'read', {
  id: 'decisions-list',
  what: 'partners of recommended projects with their decisions (a funder: its own)',
  method: 'GET',
  path: '/api/funding/calls/{slug}/decisions',
  expect: answers({ others: FORBIDDEN, funders: OK, callOffice: OK, admin: OK }),
  visible: ({ role, stage, body }) => {
    const rows = (body as { partners: { funderId: string; partnerId: string }[] }).partners;
    const own = fundersOf[role];
    const problems = rows
      .filter((r) => own && !own.includes(r.funderId))
      .map((r) => `sees ${r.funderId}'s partner ${r.partnerId}`);
    if (stage === 'decisions' && rows.length === 0) problems.push('sees no partner after the recommendation');
    if (stage !== 'decisions' && rows.length > 0) problems.push('sees partners before the recommendation');
    return problems;
  },
  visibleRule: "a funder only its own partners' requests and decisions; nothing before the recommendation",
});
add('decisions', 'read', {
  id: 'decision-read',
  what: "the national decision on A's `karolinska`",
  method: 'GET',
  path: '/api/funding/calls/{slug}/decisions/{A}/karolinska',
  expect: answers({ others: FORBIDDEN, funderOfPartner: OK, callOffice: OK, admin: OK }),
  note: "The partner is looked up before the scope is checked, so another funder's officer gets 403 for an existing partner (and would get 404 for an unknown one), where the eligibility service answers 404 for both. Defensible: proposal ids are random UUIDs; see the report.",
});
add('decisions', 'write', {
  id: 'decision-write',
  what: "VR's national decision on A's `karolinska`",
  method: 'PUT',
  path: '/api/funding/calls/{slug}/decisions/{A}/karolinska',
  body: () => ({ decision: 'funded', reason: 'Within the national budget.' }),
  expect: answers(
    { others: FORBIDDEN, funderOfPartner: STAGE_NOT_OPEN, admin: STAGE_NOT_OPEN },
    during(['decisions'], { funderOfPartner: OK, admin: OK }),
  ),
  note: "Only the partner's own funder decides, and only once the recommendation is recorded.",
});
add('decisions', 'write', {
  id: 'decision-write-smuggled-state',
  what: 'a decision with `state` and `status` smuggled in',
  method: 'PUT',
  path: '/api/funding/calls/{slug}/decisions/{A}/karolinska',
  body: () => ({
    decision: 'funded',
    reason: 'Within the national budget.',
    state: 'funded',
    status: 'final',
  }),
  smuggled: ['state', 'status'],
  expect: answers(smuggledBy(['funders', 'admin'])),
});
add('decisions', 'read', {
  id: 'outcome-letter-read',
  what: "A's outcome letter (PDF)",
  method: 'GET',
  path: '/api/funding/calls/{slug}/letters/outcome/{A}',
  expect: answers({ others: FORBIDDEN, members: HIDDEN, callOffice: HIDDEN, admin: HIDDEN }),
  note: 'The consortium (any member) and the call office pass the scope check; no letter has been generated in this world, so they get 404 after it, everyone else 403 before it.',
});
add('decisions', 'delete', {
  id: 'decision-delete',
  what: "the national decision on A's `karolinska`",
  method: 'DELETE',
  path: '/api/funding/calls/{slug}/decisions/{A}/karolinska',
  expect: answers({ anonymous: NO_ROUTE, others: NO_ROUTE }),
  note: 'No route: decisions are appended to a history, never deleted.',
});

// ================================ through another call's URL ================================
// Object level across calls: the other call's office (or a funder) names this call's proposal A
// under the other call's slug or id. The other call has no such proposal: 404.
add('verdicts', 'write', {
  id: 'formal-check-through-other-call',
  what: "a formal check of A under the other call's slug",
  method: 'PUT',
  path: '/api/eligibility/calls/{otherSlug}/proposals/{A}/formal-check',
  body: () => ({ result: 'failed', note: 'Matrix cell' }),
  expect: answers({ others: FORBIDDEN, otherCallOffice: HIDDEN, admin: HIDDEN }),
});
add('verdicts', 'write', {
  id: 'verdict-through-other-call',
  what: "VR's verdict on A's `karolinska` under the other call's slug",
  method: 'PUT',
  path: '/api/eligibility/calls/{otherSlug}/funders/vr/partners/{A}/karolinska/verdict',
  body: () => ({ verdict: 'not-eligible', reasonCode: 'TERRITORY' }),
  expect: answers({ others: FORBIDDEN, funderOfPartner: HIDDEN, admin: HIDDEN }),
});
add('submitted versions', 'read', {
  id: 'version-read-as-reviewer-through-other-call',
  what: "A's counted version under the other call's id",
  method: 'GET',
  path: '/api/evaluation/calls/{otherCallId}/proposals/{A}',
  expect: answers({ others: FORBIDDEN }),
  note: 'Nobody is a reviewer of the other call; the administrator is not in its pool either.',
});
add('reviews', 'read', {
  id: 'panel-view-through-other-call',
  what: "the panel's view of A under the other call's id",
  method: 'GET',
  path: '/api/evaluation/calls/{otherCallId}/proposals/{A}/evaluation?stage=full-proposal',
  expect: answers({ others: FORBIDDEN, otherCallOffice: HIDDEN, admin: HIDDEN }),
});
add('reviews', 'write', {
  id: 'consensus-through-other-call',
  what: "a consensus score of A under the other call's id",
  method: 'PUT',
  path: '/api/evaluation/calls/{otherCallId}/proposals/{A}/consensus',
  body: () => ({ stage: 'full-proposal', scores: scores(0), justification: 'Matrix cell' }),
  expect: answers({ others: FORBIDDEN, otherCallOffice: HIDDEN, admin: HIDDEN }),
});
add('decisions', 'read', {
  id: 'decision-read-through-other-call',
  what: "the decision on A's `karolinska` under the other call's slug",
  method: 'GET',
  path: '/api/funding/calls/{otherSlug}/decisions/{A}/karolinska',
  expect: answers({ others: FORBIDDEN, funders: HIDDEN, offices: HIDDEN, admin: HIDDEN }),
});
add('decisions', 'write', {
  id: 'decision-write-through-other-call',
  what: "VR's decision on A's `karolinska` under the other call's slug",
  method: 'PUT',
  path: '/api/funding/calls/{otherSlug}/decisions/{A}/karolinska',
  body: () => ({ decision: 'not-funded', reason: 'Matrix cell' }),
  expect: answers({ others: FORBIDDEN, funders: HIDDEN, admin: HIDDEN }),
});

// ================================ audit log ================================
add('audit log', 'read', {
  id: 'audit-read',
  what: 'the audit log',
  method: 'GET',
  path: '/api/audit',
  expect: answers({ anonymous: NO_ROUTE, others: NO_ROUTE }),
  note: 'No route: nobody reads the audit log over HTTP. It is read and its hash chain verified with the CLI (`pnpm cli audit verify`) on the server.',
});

export const matrix: Operation[] = rows.map(([resource, action, row]) => ({ ...row, resource, action }));

/** Every cell: one row, one role, one stage. */
export interface Cell {
  op: Operation;
  role: Role;
  stage: Stage;
  expected: Expected;
}
export function cells(stage?: Stage): Cell[] {
  return matrix.flatMap((op) =>
    (stage ? [stage] : [...stages]).flatMap((s) =>
      roles.map((role) => ({ op, role, stage: s, expected: op.expect[s][role] })),
    ),
  );
}

/** `{ref}` placeholders filled from the world's refs. */
export function fillPath(template: string, refs: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = refs[name];
    if (value === undefined) throw new Error(`matrix: unknown placeholder {${name}}`);
    return value;
  });
}
