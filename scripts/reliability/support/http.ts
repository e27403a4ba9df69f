import http from 'node:http';
import type { PreparedProposal } from './fixtures.ts';

/** What one submit request got: an HTTP answer, or no answer at all (timeout, reset, refused). */
export interface SubmitOutcome {
  proposalId: string;
  idempotencyKey: string;
  /** Epoch milliseconds when the request was sent and when its outcome was known. */
  sentAt: number;
  doneAt: number;
  /** null when no HTTP answer came. */
  status: number | null;
  /** 'timeout' or the socket error code (ECONNRESET, ECONNREFUSED, ...) when status is null. */
  error?: string;
  /** For a timeout: whether the TCP connection had been established (else the SYN was still waiting). */
  connected?: boolean;
  contentType?: string;
  retryAfter?: string;
  /** The problem document's code for a problem+json answer, and its detail on a 503 (which guard shed it). */
  code?: string;
  detail?: string;
  /** The version number in the receipt of a 200/201. */
  version?: number;
  /** The start of the body of anything that is neither 2xx nor a well-formed problem+json. */
  body?: string;
}

export const acknowledged = (o: SubmitOutcome): boolean => o.status === 200 || o.status === 201;

/** A well-formed refusal: problem+json with a stable code; a 503 also says when to retry. */
export function isCleanProblem(o: SubmitOutcome): boolean {
  if (o.status === null || o.status < 400) return false;
  if (!o.contentType?.startsWith('application/problem+json') || !o.code) return false;
  return o.status !== 503 || Boolean(o.retryAfter);
}

/** An agent that keeps at most `sockets` connections open (one per concurrent request). */
export function clientAgent(sockets = Infinity): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: 1024 });
}

/** POST /api/proposals/:id/submit as the proposal's coordinator, with an Idempotency-Key. */
export function submitOverHttp(
  baseUrl: string,
  proposal: PreparedProposal,
  idempotencyKey: string,
  options: { agent: http.Agent; timeoutMs: number },
): Promise<SubmitOutcome> {
  const sentAt = Date.now();
  const outcome = (rest: Partial<SubmitOutcome>): SubmitOutcome => ({
    proposalId: proposal.id,
    idempotencyKey,
    sentAt,
    doneAt: Date.now(),
    status: null,
    ...rest,
  });
  return new Promise((resolve) => {
    let settled = false;
    // A deadline for the whole exchange, connecting included (a socket idle timeout would not
    // count the seconds a dropped SYN waits for its retry).
    let connected = false;
    const deadline = setTimeout(() => {
      settle(outcome({ error: 'timeout', connected }));
      req.destroy();
    }, options.timeoutMs);
    const settle = (o: SubmitOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(o);
    };
    const req = http.request(
      `${baseUrl}/api/proposals/${proposal.id}/submit`,
      {
        method: 'POST',
        agent: options.agent,
        headers: {
          authorization: `Bearer ${proposal.token}`,
          'idempotency-key': idempotencyKey,
          'content-length': '0',
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e: NodeJS.ErrnoException) => settle(outcome({ error: e.code ?? e.message })));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          const contentType = res.headers['content-type'] ?? '';
          const retryAfter = res.headers['retry-after'];
          let parsed: { code?: unknown; version?: unknown; detail?: unknown } | null = null;
          try {
            parsed = JSON.parse(text) as { code?: unknown; version?: unknown; detail?: unknown };
          } catch {
            parsed = null;
          }
          const ok = status === 200 || status === 201;
          const o = outcome({
            status,
            contentType,
            ...(retryAfter ? { retryAfter } : {}),
            ...(typeof parsed?.code === 'string' ? { code: parsed.code } : {}),
            ...(status === 503 && typeof parsed?.detail === 'string' ? { detail: parsed.detail } : {}),
            ...(ok && typeof parsed?.version === 'number' ? { version: parsed.version } : {}),
          });
          if (!ok && !isCleanProblem(o)) o.body = text.slice(0, 500);
          settle(o);
        });
      },
    );
    req.on('socket', (socket) => {
      if (!socket.connecting) connected = true;
      else socket.once('connect', () => (connected = true));
    });
    req.on('error', (e: NodeJS.ErrnoException) => settle(outcome({ error: e.code ?? e.message })));
    req.end();
  });
}

/** Polls GET /ready until it answers 200; resolves with the milliseconds it took. */
export async function waitUntilReady(baseUrl: string, timeoutMs = 30_000): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    try {
      const res = await fetch(`${baseUrl}/ready`);
      await res.arrayBuffer();
      if (res.ok) return performance.now() - t0;
    } catch {
      // not listening yet
    }
    if (performance.now() - t0 > timeoutMs) throw new Error(`${baseUrl} not ready within ${timeoutMs} ms`);
    await sleep(50);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Open-loop load: `fire` is called `ratePerSecond` times a second for `durationMs`, whether or not
 * earlier calls have finished (a closed loop would slow down with the server and hide overload).
 * Resolves when every call has settled, with how many were fired and the rate achieved.
 */
export async function openLoop(args: {
  ratePerSecond: number;
  durationMs: number;
  fire: (index: number) => Promise<unknown>;
}): Promise<{ fired: number; achievedRate: number }> {
  const inFlight = new Set<Promise<unknown>>();
  let fired = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < args.durationMs) {
    const due = Math.floor(((performance.now() - t0) / 1000) * args.ratePerSecond);
    while (fired < due) {
      const p = args.fire(fired++).catch(() => undefined);
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
    await sleep(5);
  }
  const seconds = (performance.now() - t0) / 1000;
  await Promise.all([...inFlight]);
  return { fired, achievedRate: fired / seconds };
}

/** Counts outcomes by status ("201", "503", ...) or error ("timeout", "ECONNRESET", ...). */
export function tally(outcomes: readonly SubmitOutcome[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of outcomes) {
    const k = o.status === null ? (o.error ?? 'error') : String(o.status);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

export const formatTally = (t: Record<string, number>): string =>
  Object.entries(t)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k}×${n}`)
    .join(', ');
