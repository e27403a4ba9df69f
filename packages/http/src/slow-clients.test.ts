import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { testConfig, type Config } from '@permed/config';
import { createHttpApp, type App } from './app.ts';
import { clientKey } from './slow-clients.ts';

// Real sockets against a listening app: what a hostile client does happens below HTTP (a head that
// never ends, a body that trickles), where inject() cannot go.

const apps: App[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

/** A listening app with a public GET /ping, a public JSON POST /echo and a raw-stream POST /late. */
async function listeningApp(overrides: Partial<Config>) {
  const app = await createHttpApp(testConfig({ LOG_LEVEL: 'silent', ...overrides }), {
    name: 'probe',
    docs: false,
  });
  apps.push(app);
  const pub = { config: { access: { public: true as const } } };
  app.get('/ping', pub, async () => ({ pong: true }));
  app.post('/echo', pub, async (request) => ({ got: request.body }));
  // The body is left unread for a while (as a handler that checks the database first does).
  app.addContentTypeParser('application/octet-stream', (_request, _payload, done) => done(null));
  app.post('/late', pub, async (request) => {
    await new Promise((resolve) => setTimeout(resolve, 2500));
    let bytes = 0;
    for await (const chunk of request.raw) bytes += (chunk as Buffer).length;
    return { bytes };
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, port: (app.server.address() as net.AddressInfo).port };
}

interface RawOutcome {
  /** Everything the server sent. */
  reply: string;
  /** Milliseconds from connecting to the server closing the connection. */
  closedAfterMs: number;
}

/**
 * A client on its own socket (from `localAddress`: Linux routes all of 127.0.0.0/8 to loopback).
 * `send` writes what it likes, when it likes; resolves when the server closes the connection.
 */
function rawClient(
  port: number,
  send: (socket: net.Socket) => void,
  localAddress = '127.0.0.1',
): { socket: net.Socket; outcome: Promise<RawOutcome>; received: () => string } {
  const t0 = performance.now();
  const socket = net.connect({ port, host: '127.0.0.1', localAddress });
  let reply = '';
  socket.on('data', (chunk) => (reply += chunk.toString('latin1')));
  socket.on('error', () => {});
  socket.once('connect', () => send(socket));
  const outcome = new Promise<RawOutcome>((resolve) =>
    socket.once('close', () => resolve({ reply, closedAfterMs: performance.now() - t0 })),
  );
  return { socket, outcome, received: () => reply };
}

/** Sends `bytes` one at a time, every `everyMs`, until the socket closes. */
function trickle(socket: net.Socket, bytes: string, everyMs: number) {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || i >= bytes.length) return clearInterval(timer);
    socket.write(bytes[i++]!);
  }, everyMs);
  socket.once('close', () => clearInterval(timer));
}

const statusOf = (reply: string) => Number(reply.slice(9, 12));
const problemOf = (reply: string) =>
  JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)) as { code: string };

const slowBodyHead = (length = 400) =>
  `POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n{"token":"`;

/** GET over a fresh socket from `localAddress`; the status and how long it took. */
async function get(port: number, path: string, localAddress = '127.0.0.1') {
  const t0 = performance.now();
  const { outcome } = rawClient(
    port,
    (s) => s.write(`GET ${path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`),
    localAddress,
  );
  const { reply } = await outcome;
  return { status: statusOf(reply), reply, ms: performance.now() - t0 };
}

describe('slow clients', () => {
  it('cuts a connection whose request head never ends, with 408 problem+json', async () => {
    const { port } = await listeningApp({ HEADERS_TIMEOUT_SECONDS: 1 });
    // One sends nothing at all; one sends a head a byte at a time, never finishing it.
    const silent = rawClient(port, () => {});
    const dripping = rawClient(port, (s) => {
      s.write('GET /ping HTTP/1.1\r\nHost: t\r\n');
      trickle(s, 'X-Slow: ' + 'a'.repeat(100), 200);
    });
    for (const { outcome } of [silent, dripping]) {
      const { reply, closedAfterMs } = await outcome;
      // The limit plus one check interval, plus slack for a loaded machine.
      expect(closedAfterMs).toBeLessThan(1000 + 1000 + 1500);
      expect(closedAfterMs).toBeGreaterThanOrEqual(900);
      expect(statusOf(reply)).toBe(408);
      expect(reply).toMatch(/content-type: application\/problem\+json/i);
      expect(reply).toMatch(/x-content-type-options: nosniff/i);
      expect(problemOf(reply).code).toBe('REQUEST_TIMEOUT');
    }
  });

  it('cuts a body that arrives below the minimum rate once the grace period is over', async () => {
    const { port } = await listeningApp({ BODY_MIN_BYTES_PER_SECOND: 1024, BODY_GRACE_SECONDS: 1 });
    // The attack of issue 15: the body's first bytes, then one byte every 300 ms.
    const slow = rawClient(port, (s) => {
      s.write(slowBodyHead());
      trickle(s, 'x'.repeat(400), 300);
    });
    const { reply, closedAfterMs } = await slow.outcome;
    expect(closedAfterMs).toBeGreaterThanOrEqual(900);
    expect(closedAfterMs).toBeLessThan(1000 + 1000 + 1500);
    expect(statusOf(reply)).toBe(408);
    expect(problemOf(reply)).toMatchObject({ code: 'BODY_TOO_SLOW', instance: '/echo' });
  });

  it('lets a body above the minimum rate take its time', async () => {
    const { port } = await listeningApp({ BODY_MIN_BYTES_PER_SECOND: 1024, BODY_GRACE_SECONDS: 1 });
    // 8 KiB at about 2 KiB/s: 4 s, four times the grace period.
    const value = 'y'.repeat(8 * 1024);
    const body = JSON.stringify({ value });
    const honest = rawClient(port, (s) => {
      s.write(
        `POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: ${body.length}\r\n\r\n`,
      );
      let sent = 0;
      const timer = setInterval(() => {
        s.write(body.slice(sent, sent + 200));
        sent += 200;
        if (sent >= body.length) clearInterval(timer);
      }, 100);
    });
    const { reply, closedAfterMs } = await honest.outcome;
    expect(closedAfterMs).toBeGreaterThan(3000);
    expect(statusOf(reply)).toBe(200);
    expect(reply).toContain(value);
  }, 10_000);

  it('does not blame the client for the time a handler leaves its body unread', async () => {
    // A minimum rate that the bytes Node reads before it stops reading (its buffers fill while the
    // handler waits) cannot meet in 2.5 s: only the stopped clock saves this client.
    const { port } = await listeningApp({ BODY_MIN_BYTES_PER_SECOND: 400_000, BODY_GRACE_SECONDS: 1 });
    const size = 2 * 1024 * 1024;
    const late = rawClient(port, (s) => {
      s.write(
        `POST /late HTTP/1.1\r\nHost: t\r\nContent-Type: application/octet-stream\r\nConnection: close\r\nContent-Length: ${size}\r\n\r\n`,
      );
      s.write(Buffer.alloc(size, 1));
    });
    const { reply } = await late.outcome;
    expect(statusOf(reply)).toBe(200);
    expect(reply).toContain(`{"bytes":${size}}`);
  }, 10_000);

  it('keeps serving others while one address holds many slow bodies, and bounds that address', async () => {
    const { app, port } = await listeningApp({
      MAX_IN_FLIGHT: 5,
      MAX_CONNECTIONS_PER_ADDRESS: 20,
      BODY_MIN_BYTES_PER_SECOND: 1024,
      BODY_GRACE_SECONDS: 30,
    });
    // 30 slow bodies from one address: six times the in-flight cap, more than its connection limit.
    const slow = Array.from({ length: 30 }, () =>
      rawClient(port, (s) => s.write(slowBodyHead()), '127.0.0.2'),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Twenty are held, ten were refused at once with 429 and Retry-After.
    const refused = await Promise.all(
      slow.map(({ outcome }) =>
        Promise.race([outcome, new Promise<null>((resolve) => setTimeout(() => resolve(null), 200))]),
      ),
    );
    const over = refused.filter((o) => o !== null);
    expect(over).toHaveLength(10);
    for (const o of over) {
      expect(statusOf(o.reply)).toBe(429);
      expect(o.reply).toMatch(/retry-after: \d+/i);
      expect(problemOf(o.reply).code).toBe('TOO_MANY_CONNECTIONS');
    }
    // Others are answered at once: the held bodies take no place of the in-flight cap.
    for (let i = 0; i < 10; i++) {
      const answer = await get(port, '/ping');
      expect(answer.status).toBe(200);
      expect(answer.ms).toBeLessThan(1000);
    }
    expect(app.requestsInFlight()).toBe(0);
    for (const { socket } of slow) socket.destroy();
  });
});

describe('uploads', () => {
  it('count against their own cap, never against the places other requests need', async () => {
    const { port } = await listeningApp({
      MAX_IN_FLIGHT: 2,
      MAX_UPLOADS_IN_FLIGHT: 3,
      BODY_MIN_BYTES_PER_SECOND: 1024,
      BODY_GRACE_SECONDS: 30,
    });
    // Four uploads that send half their body and wait, each from its own address.
    const uploads = Array.from({ length: 4 }, (_, i) =>
      rawClient(
        port,
        (s) =>
          s.write(
            `POST /late HTTP/1.1\r\nHost: t\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000\r\n\r\n${'u'.repeat(500)}`,
          ),
        `127.0.1.${i + 1}`,
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    // One is an upload too many: 503 with Retry-After; the other three are still being received.
    const answers = uploads.map((u) => u.received());
    expect(answers.filter((a) => a === '')).toHaveLength(3);
    const refused = answers.find((a) => a !== '')!;
    expect(statusOf(refused)).toBe(503);
    expect(refused).toMatch(/\r\nretry-after: 5\r\n/i);
    expect(refused).toContain('too many uploads');
    // Three uploads held, more than the in-flight cap: other requests are still served.
    for (let i = 0; i < 5; i++) expect((await get(port, '/ping')).status).toBe(200);
    for (const { socket } of uploads) socket.destroy();
  });
});

describe('clientKey', () => {
  it('counts IPv4 per address and IPv6 per /64', () => {
    expect(clientKey('203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('2001:db8:0:1:a:b:c:d')).toBe('2001:db8:0:1::/64');
    expect(clientKey('2001:0db8:0000:0001:ffff::1')).toBe('2001:db8:0:1::/64');
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('2001:db8:0:1::')).toBe('2001:db8:0:1::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(clientKey(undefined)).toBe('unknown');
    // Two addresses of one /64 are one client; of two /64s, two.
    expect(clientKey('2001:db8:0:1::aaaa')).toBe(clientKey('2001:db8:0:1:ffff:ffff:ffff:ffff'));
    expect(clientKey('2001:db8:0:1::1')).not.toBe(clientKey('2001:db8:0:2::1'));
  });
});
