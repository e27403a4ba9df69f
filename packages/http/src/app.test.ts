import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { testConfig } from '@permed/config';
import { createHttpApp } from './app.ts';

/** An app with one public route, /slow, that waits until `release()`; `inside` once it is entered. */
async function appWithSlowRoute() {
  const app = await createHttpApp(testConfig({ LOG_LEVEL: 'silent' }), { name: 'probe', docs: false });
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let entered!: () => void;
  const inside = new Promise<void>((resolve) => (entered = resolve));
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  app.get('/slow', { config: { access: { public: true } } }, async () => {
    entered();
    await held;
    setImmediate(finished);
    return { ok: true };
  });
  return { app, release, inside, done };
}

describe('requestsInFlight', () => {
  it('counts the requests being served, for background work to yield to', async () => {
    const { app, release, inside } = await appWithSlowRoute();
    await app.ready();
    expect(app.requestsInFlight()).toBe(0);
    const first = app.inject('/slow');
    const second = app.inject('/slow');
    await inside;
    expect(app.requestsInFlight()).toBe(2);
    release();
    expect((await first).statusCode).toBe(200);
    expect((await second).statusCode).toBe(200);
    expect(app.requestsInFlight()).toBe(0);
    // A refused request is counted while it is answered, then no more.
    expect((await app.inject('/nowhere')).statusCode).toBe(404);
    expect(app.requestsInFlight()).toBe(0);
    await app.close();
  });

  it('keeps counting a request whose client closed until the platform has answered it', async () => {
    const { app, release, inside, done } = await appWithSlowRoute();
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const serverClosed = new Promise<void>((resolve) =>
      app.server.once('connection', (socket) => socket.once('close', () => resolve())),
    );
    const request = http.get(`${url}/slow`);
    request.on('error', () => {});
    await inside;
    request.destroy();
    await serverClosed;
    // The client is gone, the handler still works: the request still counts.
    expect(app.requestsInFlight()).toBe(1);
    release();
    await done;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(app.requestsInFlight()).toBe(0);
    await app.close();
  });
});
