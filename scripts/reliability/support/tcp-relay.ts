import net from 'node:net';
import { sleep } from './http.ts';

/**
 * A TCP relay between the platform and PostgreSQL, so that a database outage can be staged
 * without touching the server other test runs share: `outage(ms)` resets every relayed connection
 * and stops listening for `ms` (clients get ECONNRESET, then ECONNREFUSED: what a restarting
 * PostgreSQL looks like from the platform), then accepts connections again.
 */
export interface TcpRelay {
  readonly port: number;
  /** `url` with its host and port replaced by the relay's. */
  via(url: string): string;
  /** Connections relayed so far. */
  readonly accepted: number;
  outage(ms: number): Promise<{ reset: number }>;
  close(): Promise<void>;
}

export interface TcpRelayOptions {
  /**
   * Asked for each chunk the client sends, until it first answers true: then that chunk is not
   * forwarded and the client's connection is closed (FIN), as a server that goes away does.
   */
  endClientOnce?: (chunk: Buffer) => boolean;
}

export async function startTcpRelay(
  target: { host: string; port: number },
  options: TcpRelayOptions = {},
): Promise<TcpRelay> {
  const open = new Set<net.Socket>();
  let accepted = 0;
  let ended = false;
  const server = net.createServer((client) => {
    accepted += 1;
    const upstream = net.connect(target.port, target.host);
    open.add(client);
    open.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    const endWhen = options.endClientOnce;
    if (endWhen) {
      client.on('data', (chunk: Buffer) => {
        if (!ended && endWhen(chunk)) {
          ended = true;
          upstream.destroy();
          client.end();
          return;
        }
        upstream.write(chunk);
      });
      upstream.pipe(client);
    } else {
      client.pipe(upstream).pipe(client);
    }
  });
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as net.AddressInfo).port);
      });
    });
  const port = await listen(0);
  const stopListening = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return {
    port,
    via(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    get accepted() {
      return accepted;
    },
    async outage(ms) {
      const closing = stopListening();
      const reset = open.size / 2;
      for (const s of open) s.resetAndDestroy();
      open.clear();
      await closing;
      await sleep(ms);
      await listen(port);
      return { reset };
    },
    async close() {
      for (const s of open) s.destroy();
      open.clear();
      if (server.listening) await stopListening();
    },
  };
}
