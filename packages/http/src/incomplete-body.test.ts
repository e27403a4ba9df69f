import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { testConfig } from '@permed/config';
import { createHttpApp } from './app.ts';

/** Sends `raw`, half-closes (FIN) and returns everything the server wrote until it closed. */
async function exchange(port: number, raw: string): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  let answer = '';
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(raw);
  await new Promise((r) => setTimeout(r, 30));
  socket.end();
  await closed;
  return answer;
}

describe('a client that half-closes before its body is complete', () => {
  it('gets problem+json 400 BODY_INCOMPLETE; a complete request is answered as usual', async () => {
    const app = await createHttpApp(testConfig({ LOG_LEVEL: 'silent' }), { name: 'probe', docs: false });
    app.post('/echo', { config: { access: { public: true } } }, async (request) => request.body);
    const port = Number(new URL(await app.listen({ host: '127.0.0.1', port: 0 })).port);
    const head = 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n';

    const cut = await exchange(port, `${head}Content-Length: 100\r\n\r\n{"token":"`);
    const [status = '', body = ''] = cut.split('\r\n\r\n');
    expect(status).toMatch(/^HTTP\/1\.1 400 /);
    expect(status).toMatch(/^content-type: application\/problem\+json; charset=utf-8$/im);
    expect(status).toMatch(/^x-content-type-options: nosniff$/im);
    expect(JSON.parse(body)).toMatchObject({
      status: 400,
      code: 'BAD_REQUEST',
      errors: [{ in: 'body', path: '', code: 'BODY_INCOMPLETE' }],
    });

    const whole = await exchange(port, `${head}Content-Length: 9\r\n\r\n{"a":"b"}`);
    expect(whole).toMatch(/^HTTP\/1\.1 200 /);
    expect(whole.endsWith('{"a":"b"}')).toBe(true);
    await app.close();
  });
});
