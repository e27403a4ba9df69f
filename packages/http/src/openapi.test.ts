import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { testConfig } from '@permed/config';
import { createHttpApp } from './app.ts';
import { anyOf } from './access.ts';
import { requiredIfMatchHeader } from './openapi.ts';

// The plumbing alone, without the platform: what the OpenAPI transforms and the optional-body hook
// make of a few declared routes.

async function probe() {
  const app = await createHttpApp(testConfig({ LOG_LEVEL: 'silent' }), {
    name: 'probe',
    authenticator: {
      authenticate: async () => ({
        userId: 'u',
        email: 'u@example.org',
        displayName: 'U',
        sessionId: 's',
        grants: [{ role: 'call-office', scopeType: 'global', scopeId: '*' }],
      }),
    },
  });
  app.get(
    '/things/',
    { config: { access: { public: true } }, schema: { operationId: 'listThings' } },
    async () => [],
  );
  app.post(
    '/things/:id/close',
    {
      config: { access: anyOf('call-office') },
      schema: {
        operationId: 'closeThing',
        params: z.object({ id: z.string() }),
        headers: z.looseObject({ ...requiredIfMatchHeader }),
        body: z.object({ reason: z.string().default('done') }).strict(),
        response: { 200: z.object({ reason: z.string() }), 409: z.unknown() },
      },
    },
    async (request) => ({ reason: request.body.reason }),
  );
  await app.ready();
  type Op = {
    security: unknown[];
    parameters?: { in: string; name: string; required: boolean }[];
    requestBody?: { required: boolean };
    responses: Record<string, { content?: Record<string, unknown> }>;
  };
  const doc = (await app.inject('/docs/json')).json<{ paths: Record<string, Record<string, Op>> }>();
  return { app, doc };
}

describe('the OpenAPI transforms', () => {
  it('derive security from config.access, add the guard’s problems, and mark optional bodies', async () => {
    const { app, doc } = await probe();
    expect(Object.keys(doc.paths)).toEqual(['/things', '/things/{id}/close']);
    expect(doc.paths['/things']!.get!.security).toEqual([]);
    const close = doc.paths['/things/{id}/close']!.post!;
    expect(close.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(close.responses).sort()).toEqual(['200', '400', '401', '403', '409']);
    expect(close.responses['409']!.content).toEqual({
      'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
    });
    expect(close.requestBody?.required).toBe(false);
    expect(close.parameters?.find((p) => p.name === 'if-match')).toMatchObject({
      in: 'header',
      required: true,
    });
    await app.close();
  });
});

describe('a route whose body has only optional fields', () => {
  it('takes no body as {}, and still refuses a body of the wrong shape', async () => {
    const { app } = await probe();
    const auth = { authorization: 'Bearer x' };
    const none = await app.inject({ method: 'POST', url: '/things/1/close', headers: auth });
    expect(none.statusCode, none.body).toBe(200);
    expect(none.json()).toEqual({ reason: 'done' });
    const empty = await app.inject({ method: 'POST', url: '/things/1/close', headers: auth, payload: {} });
    expect(empty.json()).toEqual({ reason: 'done' });
    const wrong = await app.inject({
      method: 'POST',
      url: '/things/1/close',
      headers: auth,
      payload: { reason: 3 },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ in: 'body', path: '/reason' }],
    });
    await app.close();
  });
});
