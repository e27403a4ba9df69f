import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '@permed/http';
import { createTestContext, type TestContext } from '@permed/testing';
import { buildPlatform } from './app.ts';

// The platform's OpenAPI document is what the web application's typed client is generated from:
// it must name every operation, say which need a token, declare the headers and bodies the routes
// read, and pass an independent linter (Redocly, recommended rules) with no error.

type Schema = Record<string, unknown>;
type Operation = {
  operationId?: string;
  security?: Record<string, string[]>[];
  parameters?: { in: string; name: string; required?: boolean }[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
};
type Document = { paths: Record<string, Record<string, Operation>>; components: { schemas: Schema } };

let ctx: TestContext;
let app: App;
let doc: Document;
let dir: string;

beforeAll(async () => {
  ctx = await createTestContext();
  app = await buildPlatform(ctx.config, ctx.deps);
  const res = await app.inject('/docs/json');
  expect(res.statusCode).toBe(200);
  doc = res.json<Document>();
  dir = await mkdtemp(path.join(tmpdir(), 'openapi-'));
});
afterAll(async () => {
  await app.close();
  await ctx.close();
  await rm(dir, { recursive: true, force: true });
});

const operations = () =>
  Object.entries(doc.paths).flatMap(([url, item]) =>
    Object.entries(item).map(([method, op]) => ({ method, url, op, name: `${method.toUpperCase()} ${url}` })),
  );
const byId = (id: string): Operation => {
  const found = operations().find((o) => o.op.operationId === id);
  if (!found) throw new Error(`no operation ${id}`);
  return found.op;
};

// Verbs the operation ids start with; a new verb is fine, add it here when it reads well.
const VERB =
  /^(get|list|create|update|replace|remove|delete|add|submit|withdraw|publish|amend|advance|open|record|run|apply|mark|check|export|download|upload|invite|accept|decline|declare|detect|override|send|freeze|decide|compute|generate|validate|view|request|save|refresh|login|logout|sign|verify|reset|change)(?=[A-Z]|$)/;

describe('the served OpenAPI document', () => {
  it('names every operation with a unique camelCase, verb-first operationId', () => {
    const all = operations();
    expect(all.length).toBeGreaterThan(100);
    const missing = all.filter((o) => !o.op.operationId).map((o) => o.name);
    expect(missing).toEqual([]);
    const ids = all.map((o) => o.op.operationId!);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    expect(ids.filter((id) => !/^[a-z][a-zA-Z0-9]*$/.test(id) || !VERB.test(id))).toEqual([]);
    expect(byId('submitProposal')).toBe(doc.paths['/api/proposals/{id}/submit']!.post);
  });

  it('gives public operations security [] and every other one the bearer token, from config.access', async () => {
    for (const { op, name } of operations()) {
      expect(op.security, name).toBeDefined();
    }
    for (const id of ['listCalls', 'getCall', 'getCallCalendar', 'login', 'viewReviewerInvitation']) {
      expect(byId(id).security, id).toEqual([]);
    }
    for (const id of ['submitProposal', 'getMe', 'publishCall', 'recordVerdict', 'acceptInvitation']) {
      expect(byId(id).security, id).toEqual([{ bearerAuth: [] }]);
      expect(Object.keys(byId(id).responses), id).toContain('401');
    }
    // Public and protected are exactly what the access guard enforces: a protected route refuses an
    // anonymous call with 401, a public one does not.
    const anonymous = await Promise.all(
      operations()
        .filter((o) => o.method === 'get' && !o.url.includes('{'))
        .map(async (o) => ({ o, status: (await app.inject(o.url)).statusCode })),
    );
    expect(anonymous.length).toBeGreaterThan(3);
    for (const { o, status } of anonymous) {
      expect(status === 401, `${o.name} answered ${status}`).toBe(o.op.security!.length > 0);
    }
  });

  it('declares the PDF upload as multipart/form-data with a binary file part', () => {
    const upload = byId('uploadDocument');
    expect(upload.requestBody?.required).toBe(true);
    expect(Object.keys(upload.requestBody!.content)).toEqual(['multipart/form-data']);
    expect(upload.requestBody!.content['multipart/form-data']!.schema).toMatchObject({
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary' } },
    });
  });

  it('declares If-Match, If-None-Match and Idempotency-Key where the routes read them', () => {
    const headers = (id: string) =>
      (byId(id).parameters ?? []).filter((p) => p.in === 'header').map((p) => p.name);
    const ifMatch = (id: string) => byId(id).parameters?.find((p) => p.name === 'if-match');
    // Required where a write without it is refused (428): a typed client cannot forget it.
    for (const id of [
      'replaceCallDraft',
      'amendCall',
      'updateProposalHeader',
      'replacePartner',
      'removePartner',
    ]) {
      expect(headers(id), id).toEqual(['if-match']);
      expect(ifMatch(id)?.required, id).toBe(true);
    }
    expect(headers('advanceCall')).toEqual(['if-match']);
    expect(ifMatch('advanceCall')?.required).toBe(false);
    expect(ifMatch('uploadDocument')?.required).toBe(false);
    expect(headers('uploadDocument')).toEqual(['if-match', 'if-none-match']);
    expect(headers('submitProposal')).toEqual(['idempotency-key']);
  });

  it('describes every error response as application/problem+json with the Problem schema', () => {
    expect(doc.components.schemas).toHaveProperty('Problem');
    let errors = 0;
    for (const { op, name } of operations()) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (!/^[45]/.test(status)) continue;
        errors += 1;
        expect(response.content, `${name} ${status}`).toEqual({
          'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
        });
      }
    }
    expect(errors).toBeGreaterThan(300);
  });

  it('passes redocly lint (recommended rules) with 0 errors', { timeout: 60_000 }, async () => {
    const file = path.join(dir, 'openapi.json');
    await writeFile(file, JSON.stringify(doc));
    const cli = path.join(
      path.dirname(createRequire(import.meta.url).resolve('@redocly/cli/package.json')),
      'bin/cli.js',
    );
    const run = promisify(execFile);
    // Exit code 1 means errors were found; the JSON report says which.
    const { stdout } = await run(
      process.execPath,
      [cli, 'lint', file, '--extends=recommended', '--format=json', '--max-problems=10000'],
      {
        cwd: dir,
        // No telemetry, no update check, nothing written outside the temporary directory.
        env: { HOME: dir, NO_COLOR: '1', REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
        maxBuffer: 64 * 1024 * 1024,
      },
    ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    const report = JSON.parse(stdout) as {
      problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
    };
    const line = (p: (typeof report.problems)[number]) =>
      `${p.ruleId}: ${p.message} (${p.location[0]?.pointer ?? ''})`;
    const warnings = report.problems.filter((p) => p.severity === 'warn').map(line);
    // Known and accepted: no license chosen yet, two public lists that take no input (so no 4xx),
    // and the PUT that always refuses (published versions are immutable).
    console.info(`redocly lint: ${warnings.length} warnings\n  ${warnings.join('\n  ')}`);
    expect(report.problems.filter((p) => p.severity === 'error').map(line)).toEqual([]);
  });
});
