import http from 'node:http';
import net from 'node:net';
import { configSchema } from '@permed/config';
import { prepareOpenCall } from '../support/open-call.ts';
import { createScenarioDatabase, type Backend } from '../support/database.ts';
import {
  acknowledged,
  sleep,
  submitOverHttp,
  tally,
  waitUntilReady,
  type SubmitOutcome,
} from '../support/http.ts';
import { checkSubmissions, type IntegrityReport } from '../support/integrity.ts';
import { startPlatform, type PlatformProcess } from '../support/platform.ts';

export interface SlowClientsOptions {
  backend: Backend;
  /** Connections the attacker keeps open that send a body slowly, and that never finish their head. */
  slowBodies: number;
  slowHeads: number;
  /** The attacker's one address (any of 127.0.0.0/8 on Linux). */
  attackerAddress?: string;
  /** Honest clients, each submitting its own proposal over and over (closed loop), each from its own address. */
  honestClients: number;
  /** How long honest clients submit before the attack (the baseline), and during it. */
  baselineMs: number;
  attackMs: number;
  /** Platform environment, e.g. the slow-client limits scaled down for a test. */
  platformEnv?: Record<string, string>;
  log?: (line: string) => void;
}

/** What the attacker saw on one of its connections. */
interface SlowOutcome {
  kind: 'body' | 'head';
  openedAt: number;
  /** When the platform closed it; null: still open when the attack stopped. */
  closedAt: number | null;
  status: number | null;
  code: string | null;
}

export interface SlowClientsResult {
  backend: Backend['kind'];
  limits: {
    headersTimeoutS: number;
    bodyGraceS: number;
    bodyMinBytesPerSecond: number;
    maxConnectionsPerAddress: number;
  };
  baseline: HonestFigures;
  underAttack: HonestFigures;
  attack: {
    /** Connections the attacker opened in all (it reopens each one the platform closes). */
    opened: { body: number; head: number };
    /** How the platform ended them: `${status} ${code}` → count; 'open' for those still open at the end. */
    endings: Record<string, number>;
    /** Longest life of a connection the platform cut for slowness, by kind, in ms. */
    longestHeldMs: { body: number; head: number };
    /** Connections held longer than their limit (plus one check interval and a second of slack). */
    overLimit: number;
  };
  platformAlive: boolean;
  integrity: IntegrityReport;
}

export interface HonestFigures {
  tried: number;
  statuses: Record<string, number>;
  fiveXx: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Time the attacker gets to open its connections before the honest clients of the attack phase start. */
const ATTACK_SETTLE_MS = 2000;

const percentile = (sorted: readonly number[], p: number) =>
  sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

function figures(outcomes: readonly SubmitOutcome[]): HonestFigures {
  const ms = outcomes.map((o) => o.doneAt - o.sentAt).sort((a, b) => a - b);
  return {
    tried: outcomes.length,
    statuses: tally(outcomes),
    fiveXx: outcomes.filter((o) => o.status !== null && o.status >= 500).length,
    p50Ms: percentile(ms, 50),
    p99Ms: percentile(ms, 99),
    maxMs: ms.at(-1) ?? Number.NaN,
  };
}

/**
 * One attacker connection: the head of a slow body (the attack of issue 15: a public JSON route,
 * Content-Length 400, the body's first bytes, then one byte every 5 s) or a head that never ends
 * (one more header byte every 5 s). Resolves when the platform closes it or `stop` is called.
 */
function slowConnection(
  url: URL,
  kind: 'body' | 'head',
  localAddress: string,
  stopped: () => boolean,
): Promise<SlowOutcome> {
  return new Promise((resolve) => {
    const openedAt = Date.now();
    const socket = net.connect({ host: url.hostname, port: Number(url.port), localAddress });
    let reply = '';
    let drip: NodeJS.Timeout | undefined;
    socket.on('data', (chunk) => (reply += chunk.toString('latin1')));
    socket.on('error', () => {});
    socket.once('connect', () => {
      socket.write(
        kind === 'body'
          ? `POST /api/evaluation/invitations/view HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n{"token":"`
          : `GET /api/calls HTTP/1.1\r\nHost: ${url.host}\r\nX-Slow: `,
      );
      drip = setInterval(() => {
        if (stopped()) {
          clearInterval(drip);
          socket.destroy();
        } else if (!socket.destroyed) socket.write('a');
      }, 5000);
    });
    socket.once('close', () => {
      clearInterval(drip);
      const status = reply.startsWith('HTTP/1.1 ') ? Number(reply.slice(9, 12)) : null;
      let code: string | null = null;
      try {
        code = (JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)) as { code?: string }).code ?? null;
      } catch {
        code = null;
      }
      resolve({ kind, openedAt, closedAt: stopped() ? null : Date.now(), status, code });
    });
  });
}

/**
 * Scenario 5: slow clients. One address keeps `slowBodies` + `slowHeads` slow connections open
 * (reopening each as soon as the platform closes it) while `honestClients`, each from its own
 * address, submit proposals. The honest clients must see no 5xx and a p99 within a second; every
 * slow connection must be cut within the platform's documented limits (or refused at once, past
 * the address's connection limit); every acknowledged submission must be stored.
 */
export async function slowClients(options: SlowClientsOptions): Promise<SlowClientsResult> {
  const log = options.log ?? (() => {});
  const attacker = options.attackerAddress ?? '127.0.0.66';
  const db = await createScenarioDatabase(options.backend, 'slow');
  // The platform's limits as it will run: its defaults, the scenario's overrides, and the
  // per-address limit that the scenarios' shared base environment turns off, turned on again.
  const env = db.platformEnv({
    MAX_CONNECTIONS_PER_ADDRESS: String(configSchema.shape.MAX_CONNECTIONS_PER_ADDRESS.parse(undefined)),
    ...options.platformEnv,
  });
  const limits = {
    headersTimeoutS: configSchema.shape.HEADERS_TIMEOUT_SECONDS.parse(env.HEADERS_TIMEOUT_SECONDS),
    bodyGraceS: configSchema.shape.BODY_GRACE_SECONDS.parse(env.BODY_GRACE_SECONDS),
    bodyMinBytesPerSecond: configSchema.shape.BODY_MIN_BYTES_PER_SECOND.parse(env.BODY_MIN_BYTES_PER_SECOND),
    maxConnectionsPerAddress: configSchema.shape.MAX_CONNECTIONS_PER_ADDRESS.parse(
      env.MAX_CONNECTIONS_PER_ADDRESS,
    ),
  };
  let platform: PlatformProcess | undefined;
  try {
    const { callId, proposals } = await prepareOpenCall(db, {
      slug: 'slow',
      count: options.honestClients,
      label: 'slow',
    });
    platform = await startPlatform(env);
    await waitUntilReady(platform.url);
    const base = platform.url;
    const pid = platform.pid;
    const url = new URL(base);

    // Honest clients: each its own address and keep-alive connection, submitting its proposal again
    // and again until `until` passes. Each phase opens new connections: the clients of the attack
    // phase arrive while the attack is on, as users at a deadline do.
    let submitNo = 0;
    const honestPhase = (durationMs: number) => {
      const until = Date.now() + durationMs;
      const outcomes: SubmitOutcome[] = [];
      const clients = proposals.map(async (proposal, i) => {
        // An agent's options reach net.connect.
        const agent = new http.Agent({
          keepAlive: true,
          maxSockets: 1,
          localAddress: `127.0.${10 + Math.floor(i / 250)}.${(i % 250) + 1}`,
        });
        while (Date.now() < until) {
          const o = await submitOverHttp(base, proposal, `slow-${submitNo++}`, { agent, timeoutMs: 10_000 });
          outcomes.push(o);
        }
        agent.destroy();
      });
      return Promise.all(clients).then(() => outcomes);
    };
    const baseline = await honestPhase(options.baselineMs);

    // The attack: every slow connection reopened as soon as the platform closes it.
    const attackStart = Date.now();
    let stop = false;
    const slow: SlowOutcome[] = [];
    const opened = { body: 0, head: 0 };
    const keepOpen = async (kind: 'body' | 'head') => {
      while (!stop) {
        opened[kind] += 1;
        const outcome = await slowConnection(url, kind, attacker, () => stop);
        slow.push(outcome);
        // Back at once after a cut; a second after a refusal (429), so the attack stays 600 slow
        // connections and does not turn into a connection flood, which is another attack.
        await sleep(outcome.status === 429 ? 1000 : 50);
      }
    };
    const attackers = [
      ...Array.from({ length: options.slowBodies }, () => keepOpen('body')),
      ...Array.from({ length: options.slowHeads }, () => keepOpen('head')),
    ];
    log(`attack: ${options.slowBodies} slow bodies + ${options.slowHeads} slow heads from ${attacker}`);
    // The slow connections are all open before the honest clients come back.
    await sleep(ATTACK_SETTLE_MS);
    const underAttack = await honestPhase(options.attackMs);
    stop = true;
    const attackEnd = Date.now();
    await Promise.all(attackers);
    log(`attack over after ${attackEnd - attackStart} ms`);
    const platformAlive = platform.alive && platform.pid === pid;
    await platform.stop();

    const endings: Record<string, number> = {};
    for (const s of slow) {
      const how =
        s.closedAt === null ? 'open at the end' : `${s.status ?? 'no answer'} ${s.code ?? ''}`.trim();
      const k = `${s.kind}: ${how}`;
      endings[k] = (endings[k] ?? 0) + 1;
    }
    const slackMs = 1000 + 1000;
    const limitMs = {
      head: limits.headersTimeoutS * 1000 + slackMs,
      // A 400-byte body never meets the rate after the grace period: cut at the first check after it.
      body: limits.bodyGraceS * 1000 + slackMs,
    };
    const cut = slow.filter((s) => s.closedAt !== null && s.status === 408);
    const held = (kind: 'body' | 'head') =>
      Math.max(0, ...cut.filter((s) => s.kind === kind).map((s) => s.closedAt! - s.openedAt));
    // A connection still open when the attack stopped counts up to that moment.
    const overLimit = slow.filter((s) => (s.closedAt ?? attackEnd) - s.openedAt > limitMs[s.kind]).length;

    const check = await db.open();
    try {
      const acks = [...baseline, ...underAttack]
        .filter(acknowledged)
        .map((o) => ({ proposalId: o.proposalId, idempotencyKey: o.idempotencyKey, version: o.version! }));
      return {
        backend: db.backend,
        limits,
        baseline: figures(baseline),
        underAttack: figures(underAttack),
        attack: {
          opened,
          endings,
          longestHeldMs: { body: held('body'), head: held('head') },
          overLimit,
        },
        platformAlive,
        integrity: await checkSubmissions(check.db, callId, acks),
      };
    } finally {
      await check.close();
    }
  } finally {
    await platform?.kill();
    await db.destroy();
  }
}
