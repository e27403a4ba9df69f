import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { testConfig } from '@permed/config';
import { createHttpApp } from './app.ts';
import { pointer } from './errors.ts';
import { findUnsafeText } from './text-guard.ts';

/** The plain recursive definition the guard must agree with. */
function oracle(value: unknown, path: Array<string | number> = [], out: string[] = []): string[] {
  const bad = (s: string) => s.includes('\0') || !s.isWellFormed();
  if (typeof value === 'string') {
    if (bad(value)) out.push(pointer(path));
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => oracle(v, [...path, i], out));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (bad(k)) out.push(pointer([...path, k]));
      oracle(v, [...path, k], out);
    }
  }
  return out;
}

// Mostly ordinary text, sometimes NUL, lone or paired surrogates, anywhere in a string.
const text = fc.oneof(
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 6 }), weight: 2 },
  {
    arbitrary: fc
      .tuple(
        fc.string({ maxLength: 4 }),
        fc.constantFrom('\0', '\ud800', '\udfff', '\udbff', '\ud83d\ude00', 'a\u0000'),
        fc.string({ maxLength: 4 }),
      )
      .map((parts) => parts.join('')),
    weight: 1,
  },
);
const json = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    text,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(text, tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('findUnsafeText', () => {
  it('reports exactly the strings and keys that hold NUL or an unpaired surrogate, at their JSON pointer', () => {
    fc.assert(
      fc.property(json, (value) => {
        const expected = oracle(value).sort();
        const found = findUnsafeText(value, 'body');
        if (expected.length <= 20) expect(found.map((p) => p.path).sort()).toEqual(expected);
        else expect(found).toHaveLength(20);
        for (const p of found) {
          expect(p.in).toBe('body');
          expect(['NUL_CHARACTER', 'UNPAIRED_SURROGATE']).toContain(p.code);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('accepts paired surrogates (emoji) and every other character', () => {
    expect(findUnsafeText({ title: '😀 Łódź \u202e\u0001\uffff', list: ['\ud83d\ude00'] }, 'body')).toEqual(
      [],
    );
  });

  it('walks only JSON-shaped values: a Buffer or a cyclic non-plain object is left alone', () => {
    const cyclic = new (class Node {
      self: unknown = this;
      text = '\0';
    })();
    expect(findUnsafeText(Buffer.from('a\0b'), 'body')).toEqual([]);
    expect(findUnsafeText({ file: cyclic, ok: 'x' }, 'body')).toEqual([]);
    expect(findUnsafeText(Object.assign(Object.create(null) as object, { q: '\0' }), 'query')).toHaveLength(
      1,
    );
  });

  it('walks a deeply nested body without overflowing the stack', () => {
    let deep: unknown = ['\0'];
    for (let i = 0; i < 200_000; i++) deep = [deep];
    const found = findUnsafeText(deep, 'body');
    expect(found).toHaveLength(1);
    expect(found[0]!.path).toBe('/0'.repeat(200_001));
  });
});

async function probeApp() {
  const app = await createHttpApp(testConfig({ LOG_LEVEL: 'silent' }), { name: 'probe', docs: false });
  const seen: unknown[] = [];
  app.post(
    '/things/:slug',
    {
      config: { access: { public: true } },
      schema: {
        params: z.object({ slug: z.string() }),
        querystring: z.object({ state: z.string().optional() }),
        body: z.object({ title: z.string(), tags: z.array(z.string()).optional() }).passthrough(),
      },
    },
    async (request) => {
      seen.push(request.body);
      return { ok: true };
    },
  );
  app.get('/private/:slug', { config: { access: { roles: ['admin'] } } }, async () => ({ ok: true }));
  await app.ready();
  return { app, seen };
}

describe('the text guard on every route', () => {
  it('refuses NUL and unpaired surrogates in params, query, body and value headers with each field path', async () => {
    const { app, seen } = await probeApp();
    const res = await app.inject({
      method: 'POST',
      url: '/things/a%00b?state=%00&extra=%ED%A0%80',
      // Node's HTTP parser already refuses NUL in a header on a socket; inject() does not, nor might a
      // proxy in front, so the headers the platform stores are checked too.
      headers: { 'idempotency-key': 'k\u0000' },
      payload: { title: 'x\ud800', tags: ['ok', 'a\u0000b'], 'k\u0000': 1 },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const body = res.json<{ code: string; errors: Array<Record<string, string>> }>();
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.errors.map((e) => `${e.in} ${e.path} ${e.code}`).sort()).toEqual([
      'body /k\u0000 NUL_CHARACTER',
      'body /tags/1 NUL_CHARACTER',
      'body /title UNPAIRED_SURROGATE',
      'headers /idempotency-key NUL_CHARACTER',
      'params /slug NUL_CHARACTER',
      'query /state NUL_CHARACTER',
    ]);
    // An invalid percent-encoding in the query is kept literally by the parser, not decoded.
    expect(seen).toEqual([]);

    const fine = await app.inject({
      method: 'POST',
      url: '/things/%F0%9F%98%80?state=%C3%A9',
      payload: { title: '😀 \u202e', tags: ['é'] },
    });
    expect(fine.statusCode).toBe(200);
    await app.close();
  });

  it('answers an anonymous caller 401 before looking at the text', async () => {
    const { app } = await probeApp();
    const res = await app.inject('/private/a%00b');
    expect(res.statusCode).toBe(401);
    await app.close();
  });
});
