import { randomBytes } from 'node:crypto';
import { like } from 'drizzle-orm';
import type { Config } from '@permed/config';
import { ensureUser, findUserByEmail, grantRole, judgePassword } from '@permed/auth';
import { schema, type Db } from '@permed/db';
import type { Role, ScopeType } from '@permed/http';

export const DEMO_DOMAIN = 'demo.permed-calls.invalid';

interface DemoUser {
  email: string;
  displayName: string;
  grants: { role: Role; scopeType: ScopeType; scopeId: string; subRole?: string }[];
}

/** Who a person can sign in as after `pnpm start`, one per kind of user. */
export const demoUsers: DemoUser[] = [
  {
    email: `admin@${DEMO_DOMAIN}`,
    displayName: 'Ada Admin',
    grants: [{ role: 'admin', scopeType: 'global', scopeId: '*' }],
  },
  {
    email: `office@${DEMO_DOMAIN}`,
    displayName: 'Carla Call-Office',
    grants: [{ role: 'call-office', scopeType: 'global', scopeId: '*' }],
  },
  {
    email: `bmbf@${DEMO_DOMAIN}`,
    displayName: 'Bernd BMBF Officer',
    grants: [{ role: 'funder', scopeType: 'funder', scopeId: 'bmbf' }],
  },
  {
    email: `vr@${DEMO_DOMAIN}`,
    displayName: 'Vera VR Officer',
    grants: [{ role: 'funder', scopeType: 'funder', scopeId: 'vr' }],
  },
  {
    email: `isciii@${DEMO_DOMAIN}`,
    displayName: 'Ines ISCIII Officer',
    grants: [{ role: 'funder', scopeType: 'funder', scopeId: 'isciii' }],
  },
  { email: `coordinator@${DEMO_DOMAIN}`, displayName: 'Cora Coordinator', grants: [] },
  { email: `partner@${DEMO_DOMAIN}`, displayName: 'Paul Partner', grants: [] },
  { email: `reviewer@${DEMO_DOMAIN}`, displayName: 'Rita Reviewer', grants: [] },
];

export interface SeededLogin {
  email: string;
  password: string;
  roles: string;
}

/**
 * Seeds the demo users on first start only, with fresh random passwords that are returned once
 * to be printed; they are not stored anywhere else. `pnpm cli users set-password` resets one.
 */
export async function seedDemoUsers(db: Db, config: Config): Promise<SeededLogin[]> {
  const existing = await db
    .select({ id: schema.users.id })
    .from(schema.users)
    .where(like(schema.users.email, `%@${DEMO_DOMAIN}`))
    .limit(1);
  if (existing.length > 0) return [];
  const logins = await Promise.all(
    demoUsers.map(async (u) => {
      const password = demoPassword({ email: u.email, name: u.displayName });
      const { id } = await ensureUser(db, {
        email: u.email,
        displayName: u.displayName,
        password,
        logN: config.PASSWORD_HASH_LOG_N,
      });
      for (const g of u.grants) await grantRole(db, { userId: id, ...g });
      return {
        email: u.email,
        password,
        roles:
          u.grants
            .map((g) => `${g.role}${g.scopeId === '*' ? '' : ` (${g.scopeType} ${g.scopeId})`}`)
            .join(', ') || 'applicant (by invitation)',
      };
    }),
  );
  return logins;
}

/**
 * 72 random bits in 12 characters: always far above the password policy's bar, but the policy is
 * asked anyway (a random string could spell a word), so a printed demo login always works.
 */
function demoPassword(personal: { email: string; name: string }): string {
  for (;;) {
    const password = randomBytes(9).toString('base64url');
    if (judgePassword(password, personal).ok) return password;
  }
}

/** The first administrator from ADMIN_EMAIL / ADMIN_PASSWORD, created when absent. */
export async function ensureFirstAdmin(db: Db, config: Config): Promise<boolean> {
  if (!config.ADMIN_EMAIL) return false;
  if (!config.ADMIN_PASSWORD) throw new Error('ADMIN_EMAIL is set but ADMIN_PASSWORD is not');
  const verdict = judgePassword(config.ADMIN_PASSWORD, { email: config.ADMIN_EMAIL, name: 'Administrator' });
  const existing = await findUserByEmail(db, config.ADMIN_EMAIL);
  // Only a password that would be set now has to pass; an existing administrator keeps theirs.
  if (!existing && !verdict.ok)
    throw new Error(
      `ADMIN_PASSWORD is refused by the password policy: ${verdict.feedback.warning ?? 'too easy to guess'} ${verdict.feedback.suggestions.join(' ')}`.trim(),
    );
  const { id, created } = await ensureUser(db, {
    email: config.ADMIN_EMAIL,
    displayName: 'Administrator',
    password: config.ADMIN_PASSWORD,
    logN: config.PASSWORD_HASH_LOG_N,
  });
  await grantRole(db, { userId: id, role: 'admin', scopeType: 'global', scopeId: '*' });
  return created;
}
