import http from 'node:http';
import net from 'node:net';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { testConfig } from '@permed/config';
import { createHttpApp } from './app.ts';
import { effectiveAcceptors, listenOn } from './server.ts';

// Opens `count` connections at once from another thread — its own event loop, so the connections
// reach the kernel while the platform's loop is busy — and sends GET /health on each.
const CLIENT = `
const net = require('node:net');
const { workerData, parentPort } = require('node:worker_threads');
const statuses = [];
for (let i = 0; i < workerData.count; i++) {
  let reply = '';
  const socket = net.connect(workerData.port, '127.0.0.1', () =>
    socket.write('GET /health HTTP/1.1\\r\\nHost: test\\r\\nConnection: close\\r\\n\\r\\n'));
  socket.on('data', (chunk) => (reply += chunk));
  socket.on('error', () => {});
  socket.on('close', () => {
    statuses.push(Number(reply.slice(9, 12)) || 0);
    if (statuses.length === workerData.count) parentPort.postMessage(statuses);
  });
}`;

const apps: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

/** An app with no routes of its own (health checks only), closed after the test. */
async function probeApp() {
  const app = await createHttpApp(testConfig({ LOG_LEVEL: 'silent' }), { name: 'probe', docs: false });
  apps.push(app);
  return app;
}

/** GET over `agent`, with the whole body as text. */
function get(url: string, agent: http.Agent) {
  return new Promise<{ status?: number; headers: http.IncomingHttpHeaders; body: string }>(
    (resolve, reject) => {
      http
        .get(url, { agent }, (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
        })
        .on('error', reject);
    },
  );
}

async function platformOn(acceptors: number) {
  const app = await probeApp();
  const listening = await listenOn(app, { host: '127.0.0.1', port: 0, acceptors });
  return { app, ...listening, port: (app.server.address() as net.AddressInfo).port };
}

/**
 * Keeps the event loop saturated (each turn spends `turnMs` on the CPU, as under a deadline rush),
 * lets `count` clients connect at once, and records in which turn each connection was accepted.
 */
async function acceptTurns(acceptors: number, count: number, turnMs = 20) {
  const { app, port, sockets } = await platformOn(acceptors);
  let turn = 0;
  let busy = true;
  const spin = () => {
    if (!busy) return;
    turn += 1;
    const until = performance.now() + turnMs;
    while (performance.now() < until);
    setImmediate(spin);
  };
  const acceptedIn: number[] = [];
  app.server.on('connection', () => acceptedIn.push(turn));
  const worker = new Worker(CLIENT, { eval: true, workerData: { port, count } });
  const statuses = new Promise<number[]>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  spin();
  const answered = await statuses;
  busy = false;
  await worker.terminate();
  const perTurn = new Map<number, number>();
  for (const t of acceptedIn) perTurn.set(t, (perTurn.get(t) ?? 0) + 1);
  return {
    sockets,
    answered,
    mostInOneTurn: Math.max(...perTurn.values()),
    turnsTaken: Math.max(...acceptedIn) - Math.min(...acceptedIn) + 1,
  };
}

describe('listening sockets', () => {
  it.runIf(process.platform === 'linux')(
    'accepts several connections per busy event-loop turn with several sockets, one with one',
    async () => {
      // The premise (libuv PR #3696): one listening socket accepts one connection per loop turn.
      const one = await acceptTurns(1, 48);
      expect(one.sockets).toBe(1);
      expect(one.answered).toEqual(Array(48).fill(200));
      expect(one.mostInOneTurn).toBe(1);
      expect(one.turnsTaken).toBeGreaterThanOrEqual(48);

      // Eight sockets on the port: the kernel spreads the connections, each socket accepts one per
      // turn, and the same application serves every one of them.
      const eight = await acceptTurns(8, 48);
      expect(eight.sockets).toBe(8);
      expect(eight.answered).toEqual(Array(48).fill(200));
      expect(eight.mostInOneTurn).toBeGreaterThan(1);
      expect(eight.turnsTaken).toBeLessThan(one.turnsTaken / 2);
    },
    20_000,
  );

  it.runIf(process.platform === 'linux')(
    'serves connections of every socket without Nagle delays on replies written in parts',
    async () => {
      const app = await probeApp();
      app.get('/parts', { config: { access: { public: true } } }, (_request, reply) => {
        reply.hijack();
        reply.raw.writeHead(200, { 'content-type': 'text/plain' });
        reply.raw.write('first part;');
        setImmediate(() => reply.raw.end('second part'));
      });
      const { address, sockets } = await listenOn(app, { host: '127.0.0.1', port: 0, acceptors: 8 });
      expect(sockets).toBe(8);
      // Eight keep-alive connections (the kernel puts seven in eight on an added socket), ten
      // requests each; with Nagle on, the second part waits for the delayed ACK (40 ms on Linux).
      const fastest = await Promise.all(
        Array.from({ length: 8 }, async () => {
          const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
          const times: number[] = [];
          for (let i = 0; i < 10; i++) {
            const t0 = performance.now();
            const { body } = await get(`${address}/parts`, agent);
            times.push(performance.now() - t0);
            expect(body).toBe('first part;second part');
          }
          agent.destroy();
          // The fastest of requests 2–10: with Nagle every one of them waits ~40 ms; a loaded
          // machine can slow some requests, not all.
          return Math.min(...times.slice(1));
        }),
      );
      expect(Math.max(...fastest)).toBeLessThan(20);
    },
    20_000,
  );

  it.runIf(process.platform === 'linux')(
    'closes once the requests of every socket are answered, and ends their keep-alive connections',
    async () => {
      const app = await probeApp();
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let arrived = 0;
      let allArrived!: () => void;
      const arrival = new Promise<void>((resolve) => (allArrived = resolve));
      // Requests that came through an added socket wait for release(); the main socket's are
      // answered at once, so that the HTTP server's own close has nothing left to wait for.
      app.get('/slow', { config: { access: { public: true } } }, async (request) => {
        // net sets _server to the listening socket that accepted (http overwrites .server).
        const acceptedBy = (request.raw.socket as unknown as { _server?: unknown })._server;
        const via = acceptedBy === app.server ? 'main' : 'added';
        if (++arrived === 8) allArrived();
        if (via === 'added') await held;
        return { via };
      });
      const { address } = await listenOn(app, { host: '127.0.0.1', port: 0, acceptors: 4 });
      const agent = new http.Agent({ keepAlive: true });
      const answers = Array.from({ length: 8 }, async () => {
        const { status, headers, body } = await get(`${address}/slow`, agent);
        return { status, connection: headers.connection, via: (JSON.parse(body) as { via: string }).via };
      });
      await arrival;
      let closed = false;
      const closing = app.close().then(() => (closed = true));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(closed).toBe(false);
      const releasedAt = performance.now();
      release();
      const results = await Promise.all(answers);
      await closing;
      agent.destroy();
      const added = results.filter((r) => r.via === 'added');
      // Three in four connections land on an added socket; (1/4)^8 that none does.
      expect(added.length).toBeGreaterThan(0);
      expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
      // Answered during the close, they tell the client to close: nothing idles for 72 s.
      expect(added.map((r) => r.connection)).toEqual(Array(added.length).fill('close'));
      expect(performance.now() - releasedAt).toBeLessThan(5_000);
    },
    20_000,
  );

  it.runIf(process.platform === 'linux')('stops accepting on every socket when the app closes', async () => {
    const { app, port, sockets } = await platformOn(6);
    expect(sockets).toBe(6);
    await app.close();
    // Were any of the six still listening, the kernel would hand it some of these connections.
    const outcomes = await Promise.all(
      Array.from(
        { length: 30 },
        () =>
          new Promise<string>((resolve) => {
            const socket = net.connect(port, '127.0.0.1', () => {
              socket.destroy();
              resolve('connected');
            });
            socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
          }),
      ),
    );
    expect(outcomes).toEqual(Array(30).fill('ECONNREFUSED'));
  });

  it.runIf(process.platform === 'linux')('refuses a port another platform listens on', async () => {
    const first = await platformOn(4);
    const second = await probeApp();
    await expect(
      listenOn(second, { host: '127.0.0.1', port: first.port, acceptors: 4 }),
    ).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
  });

  it('uses one socket where SO_REUSEPORT is not available, and at least one', () => {
    expect(effectiveAcceptors(32, 'darwin')).toBe(1);
    expect(effectiveAcceptors(32, 'win32')).toBe(1);
    expect(effectiveAcceptors(32, 'linux')).toBe(32);
    expect(effectiveAcceptors(0, 'linux')).toBe(1);
  });
});
