import { z } from 'zod';

const booleanish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/**
 * Every environment variable the platform reads, with what it means. This module is the only
 * reader of process.env (an ESLint rule enforces it), so the table below is the complete list.
 */
export const configSchema = z.object({
  NODE_ENV: z
    .enum(['development', 'test', 'production'])
    .default('development')
    .describe('development, test or production; production refuses the development defaults of secrets.'),
  HOST: z.string().default('127.0.0.1').describe('Interface the HTTP server listens on.'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('Port of the all-in-one platform.'),
  PUBLIC_URL: z
    .string()
    .url()
    .optional()
    .describe(
      'Externally visible base URL, used in e-mails and the .ics feed; defaults to http://HOST:PORT.',
    ),
  DATABASE_URL: z
    .string()
    .url()
    .optional()
    .describe('PostgreSQL connection URL. Unset: embedded PGlite with its data in DATA_DIR/pglite.'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(500).default(20).describe('postgres.js pool size.'),
  DATA_DIR: z
    .string()
    .default('./.data')
    .describe('Directory for local state: the PGlite database, the blob store and the development mailbox.'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('pino log level.'),
  AUTH_SECRET: z
    .string()
    .min(32)
    .default('development-only-secret-change-me-0123456789')
    .describe('HMAC key (>= 32 characters) that signs access tokens. Must be set in production.'),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(10)
    .max(86_400)
    .default(900)
    .describe('Access token lifetime.'),
  SESSION_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .default(30 * 24 * 3600)
    .describe('Refresh session lifetime; a session is revoked by logout.'),
  PASSWORD_HASH_LOG_N: z.coerce
    .number()
    .int()
    .min(14)
    .max(20)
    .default(17)
    .describe('scrypt cost as log2(N); 17 (128 MiB) is the OWASP minimum. Stored with each hash.'),
  ADMIN_EMAIL: z
    .string()
    .email()
    .optional()
    .describe('E-mail of the first administrator, created at start-up if absent.'),
  ADMIN_PASSWORD: z
    .string()
    .min(12)
    .optional()
    .describe('Password of the first administrator (>= 12 characters); used only when ADMIN_EMAIL is set.'),
  SEED_DEMO: booleanish
    .default(true)
    .describe('Seed demo users and calls on first start (never in production).'),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024)
    .describe('Largest JSON body accepted; uploads have their own limit from the call.'),
  AUTH_RATE_LIMIT_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(1)
    .default(20)
    .describe('Authentication requests per client IP per minute.'),
  MAX_IN_FLIGHT: z.coerce
    .number()
    .int()
    .min(0)
    .default(200)
    .describe(
      'Requests served at once; beyond it the platform answers 503 with Retry-After (0: no limit). A request with a body counts once its body is in, so slow bodies cannot fill it. Under a second of work at the ~300 submits/s measured on the 2-core machines: a deeper queue only makes clients time out (docs/reliability.md).',
    ),
  MAX_UPLOADS_IN_FLIGHT: z.coerce
    .number()
    .int()
    .min(0)
    .default(50)
    .describe(
      'Uploads being received at once (bodies a route streams, e.g. the proposal PDF); beyond it 503 with Retry-After (0: no limit). Counted apart from MAX_IN_FLIGHT, so that slow uploads never take the places other requests need.',
    ),
  HEADERS_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(600)
    .default(10)
    .describe(
      'A connection must send a complete request head within this time (from connecting; on a kept-alive connection from the first byte of its next request, an idle one closing after 72 s); else it is answered 408 REQUEST_TIMEOUT and closed, checked every second. Honest clients send the head in one packet.',
    ),
  BODY_MIN_BYTES_PER_SECOND: z.coerce
    .number()
    .int()
    .min(0)
    .default(8192)
    .describe(
      "Slowest request body accepted, in bytes per second (8192 = 64 kbit/s), averaged from the end of the head and counted only while the platform waits for bytes; after BODY_GRACE_SECONDS a body behind this rate is answered 408 BODY_TOO_SLOW and its connection cut. At the default a 10 MiB upload (the calls' default limit) needs at most 22 min (0: off).",
    ),
  BODY_GRACE_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(600)
    .default(10)
    .describe(
      'Seconds a body may take before BODY_MIN_BYTES_PER_SECOND applies (a slow start, a lost packet); a body that never comes is cut after this.',
    ),
  REQUEST_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(14_400)
    .describe(
      'Longest time to receive a whole request, head and body. The default (4 h) covers the largest upload a call may allow (100 MiB) at BODY_MIN_BYTES_PER_SECOND (3.6 h); the minimum rate cuts slow bodies long before it.',
    ),
  MAX_CONNECTIONS_PER_ADDRESS: z.coerce
    .number()
    .int()
    .min(0)
    .default(256)
    .describe(
      "Open connections one client address (IPv6: one /64 network) may hold; a further one is answered 429 TOO_MANY_CONNECTIONS with Retry-After and closed (0: no limit). Behind a reverse proxy every client has the proxy's address: set 0 there and limit per client in the proxy.",
    ),
  OUTBOX_YIELD_IN_FLIGHT: z.coerce
    .number()
    .int()
    .min(0)
    .default(4)
    .describe(
      'Background work (receipt PDFs, e-mail) pauses between items while more requests than this are in flight, so a deadline rush gets the CPU; it still delivers one item per round.',
    ),
  LISTEN_SOCKETS: z.coerce
    .number()
    .int()
    .min(1)
    .max(256)
    .default(32)
    .describe(
      'Listening sockets on PORT (SO_REUSEPORT; Linux only, 1 elsewhere). Node accepts one connection per socket per event-loop turn, so under overload one socket leaves new clients waiting unseen in the kernel instead of getting 503 (docs/reliability.md).',
    ),
  MAX_EVENT_LOOP_DELAY_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(1000)
    .describe('Event-loop delay above which new requests get 503 with Retry-After (0: no limit).'),
  SMTP_URL: z
    .string()
    .url()
    .optional()
    .describe(
      'SMTP server for outgoing e-mail. Unset: mail is written to DATA_DIR/mailbox for a person to read.',
    ),
  MAIL_FROM: z
    .string()
    .default('PerMed Calls <no-reply@permed-calls.invalid>')
    .describe('Sender of outgoing mail.'),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  readonly issues: { variable: string; message: string }[];
  constructor(issues: { variable: string; message: string }[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  ${i.variable}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** Parses the given environment (process.env by default) into a typed, validated config. */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<Config> = {},
): Config {
  // Empty strings mean "unset": shells and compose files often export VAR= .
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? '?'),
        message: issue.message,
      })),
    );
  }
  const config = { ...parsed.data, ...overrides };
  if (config.NODE_ENV === 'production') {
    const problems: { variable: string; message: string }[] = [];
    if (config.AUTH_SECRET === configSchema.shape.AUTH_SECRET.parse(undefined)) {
      problems.push({ variable: 'AUTH_SECRET', message: 'must be set in production' });
    }
    if (problems.length > 0) throw new ConfigError(problems);
    config.SEED_DEMO = false;
  }
  return config;
}

/** Test and script helper: a config from defaults plus overrides, ignoring the process environment. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  // No event-loop shedding in tests: test set-up (PDF building, PGlite's WASM) blocks the loop on
  // purpose, and the first request after it must not be shed. Tests about shedding turn it on.
  return loadConfig(
    {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      PASSWORD_HASH_LOG_N: '14',
      SEED_DEMO: 'false',
      MAX_EVENT_LOOP_DELAY_MS: '0',
    },
    overrides,
  );
}

/** Documentation table of the variables, for the README and `pnpm cli config`. */
export function describeConfig(): { variable: string; description: string }[] {
  return Object.entries(configSchema.shape).map(([variable, schema]) => ({
    variable,
    description: schema.description ?? '',
  }));
}

/** The few process facts other packages need, read here so nothing else touches process.env. */
export const runtime = {
  get isCi(): boolean {
    return Boolean(process.env.CI);
  },
  get testDatabaseUrl(): string | undefined {
    return process.env.TEST_DATABASE_URL || undefined;
  },
};
