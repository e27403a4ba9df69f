// Prints the authorisation matrix for people:
//   node test/authz/render-matrix.ts > docs/authorization-matrix.md
// `render-matrix.test.ts` fails when the committed document differs from this output.
import { pathToFileURL } from 'node:url';
import {
  cells,
  matrix,
  resources,
  roleLabels,
  roles,
  stageLabels,
  stages,
  type Expected,
  type Operation,
  type Stage,
} from './matrix.ts';

/** Short forms of the answers whose code adds nothing to the status. */
function short(expected: Expected): string {
  const plain: Record<string, string> = {
    '401 UNAUTHENTICATED': '401',
    '403 FORBIDDEN': '403',
    '404 NOT_FOUND': '404',
    '400 VALIDATION_FAILED': '400',
    '404 ROUTE_NOT_FOUND': 'no route',
  };
  return plain[expected] ?? expected;
}

/** Consecutive stages with the same answers share one line. */
function stageRuns(op: Operation): { label: string; stage: Stage }[] {
  const runs: { first: Stage; last: Stage }[] = [];
  for (const stage of stages) {
    const last = runs.at(-1);
    if (last && JSON.stringify(op.expect[last.last]) === JSON.stringify(op.expect[stage])) last.last = stage;
    else runs.push({ first: stage, last: stage });
  }
  return runs.map(({ first, last }) => ({
    stage: first,
    label:
      first === stages[0] && last === stages.at(-1)
        ? 'every stage'
        : first === last
          ? stageLabels[first].title
          : `${stageLabels[first].title} → ${stageLabels[last].title}`,
  }));
}

function rowTable(op: Operation): string[] {
  const header = `| stage | ${roles.map((r) => roleLabels[r].short).join(' | ')} |`;
  const rule = `|---|${roles.map(() => '---').join('|')}|`;
  const lines = stageRuns(op).map(
    ({ label, stage }) => `| ${label} | ${roles.map((r) => short(op.expect[stage][r])).join(' | ')} |`,
  );
  return [header, rule, ...lines];
}

/**
 * The account routes are not cells of the matrix: none takes an object id, each acts on the caller's
 * own account (or, anonymous, on an e-mail address and answers the same whether it has an account).
 * Their tests are packages/auth/src/accounts.int.test.ts and login-throttle.int.test.ts.
 */
function accountRoutes(): string[] {
  const rows: [string, string, string][] = [
    [
      'POST /api/auth/sign-up',
      'public, rate-limited',
      'an e-mail address; same answer whether it has an account',
    ],
    [
      'POST /api/auth/verify-email',
      'public, rate-limited',
      'the account the single-use token was mailed for',
    ],
    [
      'POST /api/auth/login',
      'public, rate-limited + per-account throttle',
      'the account of the e-mail and password',
    ],
    ['POST /api/auth/refresh', 'public, rate-limited', 'the session of the refresh token'],
    [
      'POST /api/auth/password-reset',
      'public, rate-limited',
      'an e-mail address; same answer whether it has an account',
    ],
    [
      'POST /api/auth/password-reset/confirm',
      'public, rate-limited',
      'the account the single-use token was mailed for',
    ],
    ['POST /api/auth/logout', 'authenticated', 'the caller’s current session'],
    ['GET /api/auth/me', 'authenticated', 'the caller’s own account'],
    ['PATCH /api/auth/me', 'authenticated', 'the caller’s own account'],
    [
      'POST /api/auth/me/password',
      'authenticated, rate-limited + per-account throttle',
      'the caller’s own account',
    ],
    ['GET /api/auth/me/export', 'authenticated', 'the caller’s own data'],
  ];
  return [
    '## Own-account routes',
    '',
    'These routes take no object id, so they are not rows of the matrix: every role gets the same answer, about its own',
    'account only. No route reads or changes another person’s account. They are tested through the routes on a real',
    'database in `packages/auth/src/accounts.int.test.ts` and `packages/auth/src/login-throttle.int.test.ts`; every',
    'state change is audited with the person as actor (`anonymous` for a sign-up or reset request of an address).',
    '',
    '| route | access | object |',
    '|---|---|---|',
    ...rows.map(([route, access, object]) => `| \`${route}\` | ${access} | ${object} |`),
    '',
  ];
}

export function renderMatrix(): string {
  const total = cells().length;
  const out: string[] = [
    '# Authorisation matrix',
    '',
    '<!-- Generated from test/authz/matrix.ts by `node test/authz/render-matrix.ts > docs/authorization-matrix.md`.',
    '     Do not edit by hand: test/authz/render-matrix.test.ts fails when this file and the table differ. -->',
    '',
    `**${matrix.length} requests × ${roles.length} roles × ${stages.length} stages = ${total} cells.** Every cell is one test in`,
    '`test/authz/matrix.test.ts`: the request is sent as the role, in that stage of one world built through the services’',
    'HTTP routes (`test/authz/world.ts`), and must get exactly this answer.',
    '',
    '```sh',
    'pnpm exec vitest run --project journeys test/authz                                                        # PGlite',
    'TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pnpm exec vitest run --project journeys test/authz # PostgreSQL',
    '```',
    '',
    '## How to read a cell',
    '',
    '- `200` / `201` / `204`: allowed. `401`: no token. `403`: the role or its scope is refused (403 FORBIDDEN); `403 NOT_ASSIGNED`',
    '  and the like name the reason. `404`: hidden, the same answer as for an id that does not exist (404 NOT_FOUND).',
    '  `409 …`: allowed for the role, but not in this state or stage. `400`: the body is refused before anything runs',
    '  (400 VALIDATION_FAILED). `no route`: no such route for anybody (404 ROUTE_NOT_FOUND).',
    '- Besides the status and the problem `code`, every cell checks:',
    '  - every error is `application/problem+json`;',
    '  - a refused write changes nothing: row counts, versions and lifecycle states of every table a route writes, and the',
    '    number of audit rows, are the same before and after;',
    '  - an accepted write that changed something wrote audit rows, at least one naming the role’s user as actor;',
    '  - a property-level row (`…-smuggled-…`) is refused with 400 listing exactly the smuggled fields (`state`,',
    '    `verdict`, `score`, `status`) as `unrecognized_keys` at their JSON pointer, in the body;',
    '  - where a row says *content*, an allowed answer shows the role only what the rule says.',
    '',
    '## Roles',
    '',
    '| column | role | who, in the world |',
    '|---|---|---|',
    ...roles.map((r) => `| ${roleLabels[r].short} | ${roleLabels[r].name} | ${roleLabels[r].who} |`),
    '',
    'Proposal A (`PGX-HEART`) and proposal B (`ONCO-B`) are two consortia of the same four-partner shape: `charite`',
    '(DE, BMBF, coordinator), `karolinska` (SE, VR), `laval` (CA-QC, FRQS), `clinic-bcn` (ES, ISCIII). B has its own',
    'coordinator, who is not a column. The “other call” is a second published call with its own call office.',
    '',
    '## Stages',
    '',
    '| stage | the world at that point |',
    '|---|---|',
    ...stages.map((s) => `| ${stageLabels[s].title} | ${stageLabels[s].state} |`),
    '',
    'The world is built once per test file and moved forward between the stages; all cells of a stage run before the',
    'next step. It is built through the HTTP routes (create and publish the calls, create proposals, upload the PDFs,',
    'invite and accept team members and reviewers, submit, verdicts and “done”, formal checks, closing the eligibility',
    'check, applying the outcomes, assignment overrides, COI declarations, reviews, opening the panel, freezing the',
    'ranking, the recommendation), except:',
    '',
    '- users and grants come from the test harness (no route grants roles);',
    '- the timed call events (opening and closing submissions) are fired by the durable scheduler (`runDueJobs`) after',
    '  moving the clock, as in production;',
    '- the proposals move with their call by the platform itself: the deadline starts their eligibility check and,',
    '  in this single-stage call, applying the eligible outcomes starts their review (the world asserts both).',
    '',
    'Cells with side effects are arranged so that they do not change what later cells see: the partner section a',
    'DELETE removes is a throwaway `scratch` added before and removed after each cell; the assignment a cell adds is',
    'removed after it; one-shot writes (freezing the ranking, recording the recommendation) are the world’s own steps,',
    'and their rows probe with a request an allowed role is refused for a stated reason.',
    '',
    '## Decisions worth knowing',
    '',
    '- **Roles are checked before the body, scopes after it.** The route’s role list is checked when the request',
    '  arrives (403 before a byte of the body is parsed); the object’s scope is checked by the use case after the',
    '  body validated. So a member of A who sends an invalid body gets 400, not 403/404: it learns nothing about',
    '  any object from that.',
    '- **Hidden, not forbidden, across objects.** Another consortium’s proposal, another call’s objects and a partner',
    '  that does not ask the officer’s funder answer 404, exactly like ids that do not exist. Routes of the wrong role',
    '  answer 403 (roles are not secrets).',
    '- **The administrator holds every scope** (`hasScope`): it reads everything and may act as any funder (verdicts,',
    '  national decisions) and as the call office; the audit log names it. It may **not** write a consortium’s',
    '  draft, upload, submit or act as a reviewer (it is not a member, nor in the pool).',
    '- **A funder officer’s scope is its funder, in every call.** It reads its own partners and budgets, never',
    '  another funder’s (403 on the other funder’s URL, 404 for the other funder’s partner under its own URL).',
    '- **The conflicted reviewer** declared a conflict and was withdrawn from A; every proposal route then answers',
    '  403 NOT_ASSIGNED. It may still change its declaration (200); that does not give the assignment back.',
    '',
    ...accountRoutes(),
  ];
  for (const resource of resources) {
    const ops = matrix.filter((op) => op.resource === resource);
    if (ops.length === 0) continue;
    out.push(`## ${resource}`, '');
    for (const op of ops) {
      out.push(`### ${op.action} · \`${op.method} ${op.path}\``, '');
      out.push(`\`${op.id}\` — ${op.what}.`, '');
      if (op.note) out.push(op.note, '');
      if (op.visibleRule) out.push(`*Content:* ${op.visibleRule}.`, '');
      out.push(...rowTable(op), '');
    }
  }
  return out.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(renderMatrix());
}
