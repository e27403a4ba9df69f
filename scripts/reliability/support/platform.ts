import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const OUTPUT_LIMIT = 256 * 1024;

/** The platform (`services/platform/start.sh`) running as a child process, as in production. */
export interface PlatformProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** http://host:port */
  readonly url: string;
  /** Milliseconds from spawn to the "ready" line (migrations, seeding, routes, listening). */
  readonly startMs: number;
  /** The last 256 KiB of stdout and stderr (pino JSON lines and the start banner). */
  output(): string;
  /** Resolves with the first log line (parsed JSON) whose `msg` matches. */
  waitForLog(msg: RegExp, timeoutMs: number): Promise<Record<string, unknown>>;
  /** Resolves when the process has exited (immediately if it already has). */
  exited(): Promise<void>;
  readonly alive: boolean;
  /** SIGKILL: no shutdown hook runs, no connection is closed cleanly, nothing is flushed. */
  kill(): Promise<void>;
  /** SIGTERM: the graceful shutdown (Fastify close, pools ended). */
  stop(): Promise<void>;
}

/** Starts the platform with `env` added to this process's environment; resolves once it listens. */
export async function startPlatform(
  env: Record<string, string>,
  options: { timeoutMs?: number } = {},
): Promise<PlatformProcess> {
  const started = performance.now();
  // The launcher `pnpm start` and the image use; it execs node, so the pid is the platform's.
  const child = spawn('sh', [path.join(root, 'services/platform/start.sh')], {
    cwd: root,
    env: { ...process.env, PLATFORM_NODE: process.execPath, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let pending = '';
  const lines = new EventEmitter();
  lines.setMaxListeners(100);
  const append = (d: Buffer) => {
    const text = d.toString();
    output = (output + text).slice(-OUTPUT_LIMIT);
    pending += text;
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    for (const line of parts) lines.emit('line', line);
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  let exitedFlag = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exitedFlag = true;
      resolve();
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the platform did not start within ${options.timeoutMs ?? 60_000} ms:\n${output}`));
    }, options.timeoutMs ?? 60_000);
    const onLine = (line: string) => {
      const m = /API docs \(OpenAPI 3\.1\):\s+(http:\/\/[^/\s]+)\/docs/.exec(line);
      if (!m) return;
      clearTimeout(timer);
      lines.off('line', onLine);
      resolve(m[1]!);
    };
    lines.on('line', onLine);
    void exit.then(() => {
      clearTimeout(timer);
      reject(new Error(`the platform exited with ${child.exitCode ?? child.signalCode}:\n${output}`));
    });
  });
  const startMs = performance.now() - started;
  const signal = async (sig: NodeJS.Signals) => {
    if (exitedFlag) return;
    child.kill(sig);
    await exit;
  };
  return {
    child,
    pid: child.pid!,
    url,
    startMs,
    output: () => output,
    waitForLog(msg, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          lines.off('line', onLine);
          reject(new Error(`no log line matching ${String(msg)} within ${timeoutMs} ms`));
        }, timeoutMs);
        // Lines already printed count too (the wanted line may come before the caller asks).
        for (const line of output.split('\n')) {
          const parsed = parseLine(line);
          if (parsed && msg.test(String(parsed.msg))) {
            clearTimeout(timer);
            resolve(parsed);
            return;
          }
        }
        function onLine(line: string) {
          const parsed = parseLine(line);
          if (!parsed || !msg.test(String(parsed.msg))) return;
          clearTimeout(timer);
          lines.off('line', onLine);
          resolve(parsed);
        }
        lines.on('line', onLine);
      });
    },
    exited: () => exit,
    get alive() {
      return !exitedFlag;
    },
    kill: () => signal('SIGKILL'),
    async stop() {
      if (exitedFlag) return;
      const forced = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await signal('SIGTERM');
      clearTimeout(forced);
    },
  };
}

function parseLine(line: string): Record<string, unknown> | null {
  if (!line.startsWith('{')) return null;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
}
