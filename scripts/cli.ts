// `pnpm cli <group> <command> [options]`: maintenance commands that work on the same
// database as the platform (DATABASE_URL, or the embedded PGlite in DATA_DIR).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, describeConfig, ConfigError } from '@permed/config';
import { createDb, migrate, type DbHandle } from '@permed/db';

interface Command {
  summary: string;
  usage: string;
  run(args: string[]): Promise<number>;
}

async function withDb<T>(fn: (handle: DbHandle) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const handle = await createDb({
    url: config.DATABASE_URL,
    dataDir: path.join(config.DATA_DIR, 'pglite'),
    poolMax: 2,
  });
  try {
    await migrate(handle);
    return await fn(handle);
  } finally {
    await handle.close();
  }
}

async function readPassword(prompt: string): Promise<string> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
  try {
    return (await rl.question(prompt)).trim();
  } finally {
    rl.close();
  }
}

const commands: Record<string, Command> = {
  'users create-admin': {
    summary: 'Create an administrator (or grant admin to an existing user)',
    usage: 'pnpm cli users create-admin --email <email> [--name <name>]   (password read from stdin)',
    async run(argv) {
      const { values } = parseArgs({
        args: argv,
        options: { email: { type: 'string' }, name: { type: 'string' } },
      });
      if (!values.email) throw new UsageError('--email is required');
      const password = await readPassword('Password (>= 12 characters): ');
      if (password.length < 12) throw new UsageError('the password needs at least 12 characters');
      const { ensureUser, grantRole } = await import('@permed/auth');
      const config = loadConfig();
      await withDb(async ({ db }) => {
        const { id, created } = await ensureUser(db, {
          email: values.email!,
          displayName: values.name ?? 'Administrator',
          password,
          logN: config.PASSWORD_HASH_LOG_N,
        });
        await grantRole(db, { userId: id, role: 'admin', scopeType: 'global', scopeId: '*' });
        console.log(`${created ? 'created' : 'updated'} administrator ${values.email}`);
      });
      return 0;
    },
  },
  'users set-password': {
    summary: "Set a user's password",
    usage: 'pnpm cli users set-password <email>   (password read from stdin)',
    async run(argv) {
      const email = argv[0];
      if (!email) throw new UsageError('give the e-mail');
      const password = await readPassword('New password (>= 12 characters): ');
      if (password.length < 12) throw new UsageError('the password needs at least 12 characters');
      const { findUserByEmail, hashPassword } = await import('@permed/auth');
      const { schema } = await import('@permed/db');
      const { eq } = await import('drizzle-orm');
      const config = loadConfig();
      return withDb(async ({ db }) => {
        const user = await findUserByEmail(db, email);
        if (!user) {
          console.error(`no user ${email}`);
          return 1;
        }
        await db
          .update(schema.users)
          .set({ passwordHash: await hashPassword(password, config.PASSWORD_HASH_LOG_N) })
          .where(eq(schema.users.id, user.id));
        console.log(`password of ${email} set`);
        return 0;
      });
    },
  },
  'db migrate': {
    summary: 'Apply the committed migrations',
    usage: 'pnpm cli db migrate',
    async run() {
      await withDb(async (h) => console.log(`migrated ${h.kind} ${h.location}`));
      return 0;
    },
  },
  'audit verify': {
    summary: 'Recompute the hash chain of every lifecycle and name the first broken link',
    usage: 'pnpm cli audit verify [--format json|text]',
    async run(argv) {
      const { values } = parseArgs({ args: argv, options: { format: { type: 'string', default: 'text' } } });
      const { verifyWorkflowChains } = await import('@permed/db');
      return withDb(async ({ db }) => {
        const report = await verifyWorkflowChains(db);
        if (values.format === 'json') console.log(JSON.stringify(report, null, 2));
        else if (report.firstBreak) {
          const b = report.firstBreak;
          console.log(
            `BROKEN: ${b.kind} ${b.subjectId} (instance ${b.instanceId}) at seq ${b.seq}${b.transitionId === null ? '' : ` (row ${b.transitionId})`}: ${b.reason}`,
          );
        } else
          console.log(
            `OK: ${report.instances} lifecycles, ${report.transitions} transitions, every chain intact`,
          );
        return report.firstBreak ? 1 : 0;
      });
    },
  },
  'config describe': {
    summary: 'List the environment variables the platform reads',
    usage: 'pnpm cli config describe',
    async run() {
      for (const { variable, description } of describeConfig())
        console.log(`${variable.padEnd(28)} ${description}`);
      return 0;
    },
  },
};

class UsageError extends Error {}

function help(): void {
  console.log('Usage: pnpm cli <group> <command> [options]\n');
  for (const [name, c] of Object.entries(commands))
    console.log(`  ${name.padEnd(26)} ${c.summary}\n  ${' '.repeat(26)} ${c.usage}`);
}

async function main(argv: string[]): Promise<number> {
  const key = argv.slice(0, 2).join(' ');
  const command = commands[key];
  if (!command) {
    help();
    return argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' ? 0 : 2;
  }
  try {
    return await command.run(argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      console.error(`error: ${error.message}\nusage: ${command.usage}`);
      return 2;
    }
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      console.error(`error: ${error.message}\nusage: ${command.usage}`);
      return 2;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
