import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import helmet from 'helmet';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, toProblem } from './errors.ts';

/**
 * Defences against clients that hold the platform's capacity by being slow on purpose (issue 15):
 * request heads must arrive within HEADERS_TIMEOUT_SECONDS (Node's own headersTimeout, set by
 * createHttpApp), bodies at BODY_MIN_BYTES_PER_SECOND after a grace period (the watchdog below),
 * whole requests within REQUEST_TIMEOUT_SECONDS, and one address may hold only
 * MAX_CONNECTIONS_PER_ADDRESS connections. What each refusal looks like on the wire is written
 * here too, because some come before Fastify has a request to answer.
 */

/** How often Node checks head and request timeouts, and the watchdog checks body rates. */
export const SLOW_CLIENT_CHECK_MS = 1000;

/** The headers helmet gives every answer, computed once from helmet itself for answers written raw. */
export const securityHeaders: ReadonlyArray<readonly [string, string]> = (() => {
  const collected = new Map<string, string>();
  const response = {
    setHeader: (name: string, value: string | number | readonly string[]) =>
      collected.set(name.toLowerCase(), String(value)),
    removeHeader: (name: string) => collected.delete(name.toLowerCase()),
  };
  helmet()({} as IncomingMessage, response as unknown as Parameters<ReturnType<typeof helmet>>[1], () => {});
  return [...collected];
})();

/**
 * A problem+json answer written straight to the socket, which is then closed: for refusals that
 * come before Fastify has a request (a head that never ends or is too large, a connection over the
 * address's limit) or while Fastify is still waiting for the body. Nothing is written once an
 * answer has begun on the socket.
 */
export function writeRawProblem(socket: Socket, error: AppError, instance?: string): void {
  if (socket.destroyed) return;
  const started = (socket as Socket & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage
    ?.headersSent;
  if (socket.writable && !started) {
    const body = JSON.stringify(toProblem(error, instance));
    const headers: Array<readonly [string, string]> = [
      ['content-type', 'application/problem+json; charset=utf-8'],
      ['content-length', String(Buffer.byteLength(body))],
      ['connection', 'close'],
      ['cache-control', 'no-store'],
      ...Object.entries(error.headers),
      ...securityHeaders,
    ];
    const head = headers.map(([name, value]) => `${name}: ${value}\r\n`).join('');
    socket.end(`HTTP/1.1 ${error.status} ${error.code}\r\n${head}\r\n${body}`);
    // The peer may never read: do not wait for it longer than the write takes.
    setTimeout(() => socket.destroy(), 1000).unref();
    socket.once('finish', () => socket.destroy());
    return;
  }
  socket.destroy();
}

/**
 * Fastify's clientErrorHandler (the HTTP server's 'clientError' event): errors Node's parser
 * finds outside a route — a head past its time limit, headers over 16 KiB, bytes that are not
 * HTTP, a body cut short by the client's half-close — answered as problem+json with a stable code instead of Fastify's own JSON.
 */
export function clientErrorHandler(
  this: FastifyInstance,
  error: NodeJS.ErrnoException,
  socket: Socket,
): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  let problem: AppError;
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      problem = new AppError('REQUEST_TIMEOUT', 'The request head or body did not arrive in time');
      break;
    case 'HPE_HEADER_OVERFLOW':
      problem = new AppError('HEADERS_TOO_LARGE', 'The request headers are larger than 16 KiB');
      break;
    case 'HPE_INVALID_EOF_STATE': {
      // The client ended its side (FIN) before the body it announced was complete. The route still
      // reading the body sees its request aborted and stops (an upload discards its spooled file).
      const message = 'The connection was closed before the request body was complete';
      problem = new AppError('BAD_REQUEST', message, {
        errors: [{ in: 'body', path: '', message, code: 'BODY_INCOMPLETE' }],
      });
      break;
    }
    default:
      problem = new AppError('BAD_REQUEST', 'The request is not valid HTTP/1.1');
  }
  this.log.debug({ code: error.code, remoteAddress: socket.remoteAddress }, 'client error');
  writeRawProblem(socket, problem);
}

/**
 * The client a connection limit applies to: its IPv4 address, or the /64 network of an IPv6 one —
 * one subscriber is usually given a whole /64 and could otherwise take a new address per
 * connection. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) count as their IPv4 address.
 */
export function clientKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.split('%')[0]!.toLowerCase().split('::') as [string, string?];
  const left = head === '' ? [] : head.split(':');
  const right = address.includes('::') && tail !== '' ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/**
 * At most `limit` open connections per client address (0: no limit; IPv6 per /64, see clientKey). A connection over it is
 * answered 429 with Retry-After and closed before anything of it is read.
 */
export function limitConnectionsPerAddress(app: FastifyInstance, limit: number): void {
  if (limit <= 0) return;
  const open = new Map<string, number>();
  app.server.on('connection', (socket: Socket) => {
    const address = clientKey(socket.remoteAddress);
    const count = (open.get(address) ?? 0) + 1;
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
    if (count > limit) {
      // debug: under attack this happens per connection, and the log must not become the bottleneck.
      app.log.debug({ remoteAddress: address, open: count }, 'connection over the per-address limit');
      writeRawProblem(
        socket,
        new AppError('TOO_MANY_CONNECTIONS', `At most ${limit} open connections per client address`, {
          headers: { 'retry-after': '5' },
        }),
      );
    }
  });
}

interface WatchedBody {
  request: FastifyRequest;
  socket: Socket;
  /** socket.bytesRead when the head had been read. */
  startBytes: number;
  /** Milliseconds the platform has waited for this body's bytes (not counting time it was busy). */
  waited: number;
  lastCheck: number;
}

/** True when the request announces a body (Content-Length > 0 or chunked). */
export function hasBody(request: FastifyRequest): boolean {
  const headers = request.raw.headers;
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = headers['content-length'];
  return length !== undefined && length !== '0';
}

/**
 * Cuts bodies that arrive slower than `minBytesPerSecond`. A body must have delivered
 * minBytesPerSecond × (waited − grace) bytes, where `waited` counts only the time the platform was
 * waiting for bytes: while received bytes sit unread in the request's buffer (the handler is busy,
 * the blob store applies back-pressure) the clock stops, so a slow platform never blames the client.
 * One timer for all requests, so thousands of slow clients cost one sweep a second.
 */
export function watchBodyRates(
  app: FastifyInstance,
  options: { minBytesPerSecond: number; graceMs: number; checkMs?: number },
): void {
  if (options.minBytesPerSecond <= 0) return;
  const watched = new Set<WatchedBody>();
  let timer: NodeJS.Timeout | undefined;
  const sweep = () => {
    const now = performance.now();
    for (const body of watched) {
      const raw = body.request.raw;
      if (raw.complete || body.socket.destroyed) {
        watched.delete(body);
        continue;
      }
      if (raw.readableLength === 0) body.waited += now - body.lastCheck;
      body.lastCheck = now;
      const owed = (options.minBytesPerSecond * (body.waited - options.graceMs)) / 1000;
      const received = body.socket.bytesRead - body.startBytes;
      if (owed > received) {
        watched.delete(body);
        body.request.log.info(
          { remoteAddress: body.socket.remoteAddress, received, waitedMs: Math.round(body.waited) },
          'request body too slow: connection cut',
        );
        writeRawProblem(
          body.socket,
          new AppError(
            'BODY_TOO_SLOW',
            `The body must arrive at ${options.minBytesPerSecond} bytes per second or more after the first ${options.graceMs / 1000} s; ${received} bytes came in ${(body.waited / 1000).toFixed(1)} s`,
          ),
          body.request.url.split('?')[0],
        );
      }
    }
    if (watched.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
  app.addHook('onRequest', (request, _reply, done) => {
    const socket = request.raw.socket as Socket | null;
    // inject() has no real socket (and delivers its body at once): nothing to watch.
    if (hasBody(request) && !request.raw.complete && socket && typeof socket.bytesRead === 'number') {
      watched.add({ request, socket, startBytes: socket.bytesRead, waited: 0, lastCheck: performance.now() });
      timer ??= setInterval(sweep, options.checkMs ?? SLOW_CLIENT_CHECK_MS).unref();
    }
    done();
  });
  app.addHook('onClose', (_instance, done) => {
    if (timer) clearInterval(timer);
    watched.clear();
    done();
  });
}
