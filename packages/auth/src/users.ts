import { and, eq, isNull, ne } from 'drizzle-orm';
import { schema, type DbOrTx } from '@permed/db';
import type { Grant, Role, ScopeType } from '@permed/http';
import { clearSignInAttempts } from './login-throttle.ts';
import { assertStrongPassword } from './password-policy.ts';
import { hashPassword } from './password.ts';

const { users, roleGrants, sessions } = schema;

export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

export async function findUserByEmail(db: DbOrTx, email: string) {
  const [row] = await db
    .select()
    .from(users)
    .where(eq(users.email, normaliseEmail(email)))
    .limit(1);
  return row ?? null;
}

/**
 * Creates a user. A password given here is a NEW password: it must pass the policy (throws 400
 * WEAK_PASSWORD, see password-policy.ts) whoever creates the account — sign-up, an invitation,
 * the first administrator, the CLI.
 */
export async function createUser(
  db: DbOrTx,
  args: {
    email: string;
    displayName: string;
    password?: string | null;
    logN: number;
    /** Where the password came from in the request, for the problem's field path. */
    passwordField?: { in: string; path: string };
  },
): Promise<{ id: string; email: string }> {
  if (args.password)
    assertStrongPassword(args.password, { email: args.email, name: args.displayName }, args.passwordField);
  const passwordHash = args.password ? await hashPassword(args.password, args.logN) : null;
  const [row] = await db
    .insert(users)
    .values({ email: normaliseEmail(args.email), displayName: args.displayName, passwordHash })
    .returning({ id: users.id, email: users.email });
  return row!;
}

/** Creates the user if absent; returns its id either way. */
export async function ensureUser(
  db: DbOrTx,
  args: { email: string; displayName: string; password?: string | null; logN: number },
): Promise<{ id: string; created: boolean }> {
  const existing = await findUserByEmail(db, args.email);
  if (existing) return { id: existing.id, created: false };
  const created = await createUser(db, args);
  return { id: created.id, created: true };
}

export async function grantRole(
  db: DbOrTx,
  args: {
    userId: string;
    role: Role;
    scopeType: ScopeType;
    scopeId: string;
    subRole?: string | null;
    grantedBy?: string | null;
  },
): Promise<void> {
  await db
    .insert(roleGrants)
    .values({
      userId: args.userId,
      role: args.role,
      scopeType: args.scopeType,
      scopeId: args.scopeId,
      subRole: args.subRole ?? null,
      grantedBy: args.grantedBy ?? null,
    })
    .onConflictDoUpdate({
      target: [roleGrants.userId, roleGrants.role, roleGrants.scopeType, roleGrants.scopeId],
      set: { subRole: args.subRole ?? null },
    });
}

export async function revokeRole(
  db: DbOrTx,
  args: { userId: string; role: Role; scopeType: ScopeType; scopeId: string },
): Promise<void> {
  await db
    .delete(roleGrants)
    .where(
      and(
        eq(roleGrants.userId, args.userId),
        eq(roleGrants.role, args.role),
        eq(roleGrants.scopeType, args.scopeType),
        eq(roleGrants.scopeId, args.scopeId),
      ),
    );
}

export async function grantsOf(db: DbOrTx, userId: string): Promise<Grant[]> {
  const rows = await db
    .select({
      role: roleGrants.role,
      scopeType: roleGrants.scopeType,
      scopeId: roleGrants.scopeId,
      subRole: roleGrants.subRole,
    })
    .from(roleGrants)
    .where(eq(roleGrants.userId, userId));
  return rows;
}

/**
 * Sets a NEW password (checked against the policy), ends every session of the user except
 * `keepSessionId`, and clears the per-account sign-in throttle: whoever changes the password this
 * way has proved control of the account (by e-mail, the current password or the server's CLI).
 * The caller audits, in the same transaction.
 */
export async function setPassword(
  db: DbOrTx,
  args: {
    user: { id: string; email: string; displayName: string };
    password: string;
    logN: number;
    now: Date;
    keepSessionId?: string | null;
    passwordField?: { in: string; path: string };
  },
): Promise<{ sessionsRevoked: number }> {
  assertStrongPassword(
    args.password,
    { email: args.user.email, name: args.user.displayName },
    args.passwordField,
  );
  await db
    .update(users)
    .set({ passwordHash: await hashPassword(args.password, args.logN) })
    .where(eq(users.id, args.user.id));
  const revoked = await db
    .update(sessions)
    .set({ revokedAt: args.now })
    .where(
      and(
        eq(sessions.userId, args.user.id),
        isNull(sessions.revokedAt),
        args.keepSessionId ? ne(sessions.id, args.keepSessionId) : undefined,
      ),
    )
    .returning({ id: sessions.id });
  await clearSignInAttempts(db, [{ kind: 'account', email: args.user.email }]);
  return { sessionsRevoked: revoked.length };
}
