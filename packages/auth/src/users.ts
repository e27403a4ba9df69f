import { and, eq } from 'drizzle-orm';
import { schema, type DbOrTx } from '@permed/db';
import type { Grant, Role, ScopeType } from '@permed/http';
import { hashPassword } from './password.ts';

const { users, roleGrants } = schema;

export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

export async function findUserByEmail(db: DbOrTx, email: string) {
  const [row] = await db
    .select()
    .from(users)
    .where(eq(users.email, normaliseEmail(email)))
    .limit(1);
  return row ?? null;
}

export async function createUser(
  db: DbOrTx,
  args: { email: string; displayName: string; password?: string | null; logN: number },
): Promise<{ id: string; email: string }> {
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
