import { createServer, type AddressInfo, type Server } from 'node:net';
import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';

export interface ListenOptions {
  host: string;
  port: number;
  /** How long in-flight requests may take to finish on SIGINT/SIGTERM (ms). */
  delay?: number;
  onClose?: () => Promise<void>;
  /**
   * Listening sockets on the port (SO_REUSEPORT; Linux only, elsewhere always 1). libuv accepts
   * ONE connection per listening socket per event-loop turn (libuv PR #3696, merged 2022, as in
   * Node 24). When the loop is saturated a turn takes tens of milliseconds, so one socket accepts
   * only 20–80 connections a second: the kernel's queue fills, new clients' SYNs are dropped and they
   * wait 1, 3, 7 s without the platform ever seeing them, let alone answering 503. N sockets accept
   * N per turn; the kernel spreads new connections over them. docs/reliability.md, "Overload".
   */
  acceptors?: number;
}

/** Sockets actually used: only Linux's SO_REUSEPORT spreads connections over the sockets. */
export const effectiveAcceptors = (
  requested: number,
  platform: NodeJS.Platform = process.platform,
): number => (platform === 'linux' ? Math.max(1, requested) : 1);

/**
 * Listens and closes gracefully on SIGINT/SIGTERM: stops accepting, lets in-flight requests finish
 * (up to `delay` ms), then runs `onClose` (pools, schedulers). Returns the address.
 */
export async function listen(app: FastifyInstance, options: ListenOptions): Promise<string> {
  closeWithGrace({ delay: options.delay ?? 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    await app.close();
    await options.onClose?.();
  });
  return (await listenOn(app, options)).address;
}

/**
 * Listens on `acceptors` sockets of one address (see ListenOptions.acceptors). `app.close()` stops
 * accepting on all of them and resolves once every connection, whichever socket accepted it, has
 * been answered and closed. Resolves with the address and how many sockets were opened.
 */
export async function listenOn(
  app: FastifyInstance,
  options: Pick<ListenOptions, 'host' | 'port' | 'acceptors'>,
): Promise<{ address: string; sockets: number }> {
  const acceptors = effectiveAcceptors(options.acceptors ?? 1);
  const extra: Server[] = [];
  const drained: Promise<void>[] = [];
  let closing = false;
  // A net.Server's close callback fires once the connections IT accepted have ended: the HTTP
  // server's own close waits only for the main socket's, so the others are waited for here.
  const stop = (server: Server) => drained.push(new Promise((resolve) => server.close(() => resolve())));
  app.addHook('onSend', (_request, reply, payload, done) => {
    // While closing, a keep-alive client is told so: its connection ends after this answer instead
    // of idling until keepAliveTimeout (72 s) and outliving the grace period.
    if (closing) void reply.header('connection', 'close');
    done(null, payload);
  });
  app.addHook('preClose', async () => {
    closing = true;
    for (const server of extra) stop(server);
  });
  app.addHook('onClose', async () => {
    await Promise.all(drained);
  });
  // Booted before the port check, so that the check and the bind are moments apart.
  await app.ready();
  // SO_REUSEPORT would also let a second platform bind the same port and silently take half of
  // its connections: refuse a port in use, as a single socket would. (Two platforms started in the
  // same instant could still both pass the check.)
  if (acceptors > 1) await ensurePortFree(options.host, options.port);
  const address = await app.listen({
    host: options.host,
    port: options.port,
    ...(acceptors > 1 ? { reusePort: true } : {}),
  });
  const bound = app.server.address() as AddressInfo;
  try {
    for (let i = 1; i < acceptors && !closing; i++) {
      const server = await acceptInto(app, bound);
      if (closing) stop(server);
      else extra.push(server);
    }
  } catch (err) {
    // One socket still serves; more are an accelerator under overload, not a condition to run.
    app.log.error(
      { err, opened: extra.length + 1, requested: acceptors },
      'could not open every listening socket',
    );
  }
  return { address, sockets: extra.length + 1 };
}

/** Fails with EADDRINUSE when something listens on host:port already (port 0 always passes). */
function ensurePortFree(host: string, port: number): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ host, port }, () => probe.close(() => resolve()));
  });
}

/** A further socket on the same address whose connections the platform's HTTP server serves. */
function acceptInto(app: FastifyInstance, bound: AddressInfo): Promise<Server> {
  return new Promise((resolve, reject) => {
    // Sockets as http.createServer makes them: half-open (HTTP decides when to end), and without
    // Nagle's delay (its default noDelay: true), or a reply written in two parts waits ~40 ms for
    // the client's delayed ACK. Then handed over the documented way: the 'connection' event.
    const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) =>
      app.server.emit('connection', socket),
    );
    server.once('error', reject);
    server.listen({ host: bound.address, port: bound.port, reusePort: true }, () => {
      server.off('error', reject);
      server.on('error', (err) => app.log.error({ err }, 'listening socket failed'));
      resolve(server);
    });
  });
}
