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

/** The platform's password policy, told as a usage error with the estimator's feedback. */
async function refuseWeakPassword(
  password: string,
  personal: { email: string; name: string | null },
): Promise<void> {
  const { judgePassword } = await import('@permed/auth');
  const verdict = judgePassword(password, personal);
  if (verdict.ok) return;
  throw new UsageError(
    [
      `the password is refused: ${verdict.feedback.warning ?? 'too easy to guess'}`,
      ...verdict.feedback.suggestions,
    ].join('\n  '),
  );
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
      const password = await readPassword('Password (>= 12 characters, hard to guess): ');
      const { ensureUser, grantRole } = await import('@permed/auth');
      await refuseWeakPassword(password, { email: values.email, name: values.name ?? null });
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
      const password = await readPassword('New password (>= 12 characters, hard to guess): ');
      const { findUserByEmail, setPassword } = await import('@permed/auth');
      const { recordAudit } = await import('@permed/db');
      const config = loadConfig();
      return withDb(async ({ db }) => {
        const user = await findUserByEmail(db, email);
        if (!user) {
          console.error(`no user ${email}`);
          return 1;
        }
        await refuseWeakPassword(password, { email: user.email, name: user.displayName });
        const now = new Date();
        const { sessionsRevoked } = await db.transaction(async (tx) => {
          const result = await setPassword(tx, { user, password, logN: config.PASSWORD_HASH_LOG_N, now });
          await recordAudit(tx, {
            actor: { userId: null, label: 'cli' },
            action: 'user.password_set',
            targetType: 'user',
            targetId: user.id,
            details: { sessionsRevoked: result.sessionsRevoked },
            at: now,
          });
          return result;
        });
        console.log(`password of ${email} set; ${sessionsRevoked} session(s) ended`);
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
  'eligibility check': {
    summary:
      'Check a proposal JSON file against a published call (or a call JSON file); exit 0 eligible, 1 not, 2 bad input',
    usage:
      'pnpm cli eligibility check --call <slug|file.json> --proposal <file.json> [--format json|text] [--stage pre-proposal|full-proposal]',
    async run(argv) {
      const { values } = parseArgs({
        args: argv,
        options: {
          call: { type: 'string' },
          proposal: { type: 'string' },
          format: { type: 'string', default: 'text' },
          stage: { type: 'string' },
        },
      });
      if (!values.call) throw new UsageError('--call is required');
      if (!values.proposal) throw new UsageError('--proposal is required');
      const format = values.format;
      if (format !== 'json' && format !== 'text') throw new UsageError('--format must be json or text');
      const stage = values.stage;
      if (stage !== undefined && stage !== 'pre-proposal' && stage !== 'full-proposal')
        throw new UsageError('--stage must be pre-proposal or full-proposal');
      const { readFile } = await import('node:fs/promises');
      const { existsSync } = await import('node:fs');
      const readJson = async (file: string, what: string): Promise<unknown> => {
        let text: string;
        try {
          text = await readFile(file, 'utf8');
        } catch (error) {
          throw new UsageError(`cannot read the ${what} file ${file}: ${(error as Error).message}`);
        }
        try {
          return JSON.parse(text) as unknown;
        } catch (error) {
          throw new UsageError(`the ${what} file ${file} is not valid JSON: ${(error as Error).message}`);
        }
      };
      const proposal = await readJson(values.proposal, 'proposal');
      const { runEligibilityCheck, eligibilityCallFromDefinition } = await import('@permed/rules');
      // A path (or anything ending in .json) is a call file holding an EligibilityCall; otherwise a slug.
      const callArg = values.call;
      const callDefinition =
        existsSync(callArg) || callArg.endsWith('.json')
          ? await readJson(callArg, 'call')
          : await withDb(async ({ db }) => {
              const { schema } = await import('@permed/db');
              const { and, eq, inArray } = await import('drizzle-orm');
              const [call] = await db.select().from(schema.calls).where(eq(schema.calls.slug, callArg));
              if (!call || call.currentVersion === null)
                throw new UsageError(`no published call with slug ${callArg}`);
              const [version] = await db
                .select()
                .from(schema.callVersions)
                .where(
                  and(
                    eq(schema.callVersions.callId, call.id),
                    eq(schema.callVersions.version, call.currentVersion),
                  ),
                );
              const definition = version!.definition as unknown as Parameters<
                typeof eligibilityCallFromDefinition
              >[0];
              const ids = definition.funders.map((f) => f.funderId);
              const registry = ids.length
                ? await db.select().from(schema.funders).where(inArray(schema.funders.id, ids))
                : [];
              return eligibilityCallFromDefinition(
                definition,
                registry.map((f) => ({
                  id: f.id,
                  acronym: f.acronym,
                  name: f.name,
                  country: f.country,
                  ...(f.region ? { region: f.region } : {}),
                  ...(f.coveredRegions ? { coveredRegions: f.coveredRegions } : {}),
                  currency: f.currency,
                })),
                call.currentVersion,
              );
            });
      const result = runEligibilityCheck({
        callDefinition,
        proposal,
        format,
        ...(stage ? { stage } : {}),
      });
      console.log(result.output);
      return result.exitCode;
    },
  },
  'schema proposal': {
    summary: 'Print the JSON Schema (draft 2020-12) of the proposal document',
    usage: 'pnpm cli schema proposal',
    async run() {
      const { proposalJsonSchema } = await import('@permed/rules');
      console.log(JSON.stringify(proposalJsonSchema(), null, 2));
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
