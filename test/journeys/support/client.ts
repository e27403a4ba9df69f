import { expect } from 'vitest';
import type { App } from '@permed/http';
import type { TestContext } from '@permed/testing';

/** Someone who signs in with an e-mail and a password, as a person at a browser would. */
export interface Person {
  label: string;
  email: string;
  password: string;
}

/** Parsed JSON, typed as JSON.parse types it: the journey reads responses as a client would. */
type Json = ReturnType<typeof JSON.parse>;

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  /** Parsed JSON, or undefined for a body that is not JSON. */
  body: Json;
  text: string;
  bytes: Buffer;
}

export interface Session {
  get(url: string): Promise<Reply>;
  post(url: string, payload?: unknown, headers?: Record<string, string>): Promise<Reply>;
  put(url: string, payload?: unknown, headers?: Record<string, string>): Promise<Reply>;
  patch(url: string, payload?: unknown, headers?: Record<string, string>): Promise<Reply>;
  /**
   * PUT of one file as multipart/form-data, as a browser uploads it; conditional on there being no
   * document yet unless `conditions` say otherwise (If-Match of the one it replaces).
   */
  upload(
    url: string,
    bytes: Uint8Array,
    fileName: string,
    conditions?: Record<string, string>,
  ): Promise<Reply>;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH';

/**
 * The platform seen from outside: every request goes through app.inject() with a bearer token
 * obtained from POST /api/auth/login. Access tokens expire by the server clock, which the journey
 * moves by months, so a person signs in again once the clock has moved past their token.
 */
export function platformClient(app: App, ctx: TestContext) {
  const tokens = new Map<string, { token: string; expiresAt: number }>();

  async function signIn(person: Person): Promise<string> {
    const now = ctx.clock.now().getTime();
    const cached = tokens.get(person.email);
    if (cached && cached.expiresAt - now > 60_000) return cached.token;
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: person.email, password: person.password },
    });
    if (res.statusCode !== 200) throw new Error(`${person.label} cannot sign in: ${res.body}`);
    const body = res.json<{ accessToken: string; accessTokenExpiresAt: string }>();
    tokens.set(person.email, { token: body.accessToken, expiresAt: Date.parse(body.accessTokenExpiresAt) });
    return body.accessToken;
  }

  async function send(
    person: Person | null,
    method: Method,
    url: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    const auth = person ? { authorization: `Bearer ${await signIn(person)}` } : {};
    const res = await app.inject({
      method,
      url,
      headers: { ...auth, ...headers },
      ...(payload === undefined ? {} : { payload: payload as string }),
    });
    let body: unknown;
    try {
      body = res.json();
    } catch {
      body = undefined;
    }
    return { status: res.statusCode, headers: res.headers, body, text: res.body, bytes: res.rawPayload };
  }

  function as(person: Person | null): Session {
    return {
      get: (url) => send(person, 'GET', url),
      post: (url, payload, headers) => send(person, 'POST', url, payload ?? {}, headers),
      put: (url, payload, headers) => send(person, 'PUT', url, payload, headers),
      patch: (url, payload, headers) => send(person, 'PATCH', url, payload, headers),
      upload: (url, bytes, fileName, conditions = { 'if-none-match': '*' }) => {
        const { payload, headers } = multipart(bytes, fileName);
        return send(person, 'PUT', url, payload, { ...headers, ...conditions });
      },
    };
  }

  return { as, anonymous: as(null), signIn };
}

/** Asserts the status, showing the problem document when it is not the expected one. */
export function expectStatus(reply: Reply, status: number): Json {
  expect(reply.status, `${reply.status}: ${reply.text.slice(0, 2000)}`).toBe(status);
  return reply.body;
}

/** multipart/form-data with one file part, as browsers send it. */
function multipart(bytes: Uint8Array, fileName: string) {
  const boundary = `----journey${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/pdf\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    payload: Buffer.concat([head, Buffer.from(bytes), tail]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}
