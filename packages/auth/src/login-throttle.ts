import { eq, inArray } from 'drizzle-orm';
import { schema, type DbOrTx, type Db } from '@permed/db';
import { hashToken } from './tokens.ts';

const { loginThrottles } = schema;

/**
 * The per-account throttle (ASVS 5.0 §6.3.1). Every sign-in attempt for a key is counted BEFORE its
 * password is checked, in one row-locked transaction, so a hundred parallel guesses from five
 * addresses cannot all slip in before the first failure is written: only FREE_ATTEMPTS are
 * evaluated. The next attempt locks the key for LOCK_BASE_MS and is refused; after a lock ends one
 * attempt is evaluated again, and a failure locks for twice as long, up to LOCK_MAX_MS. An attacker
 * is thus held to about four guesses an hour per account, while nothing ever locks for good.
 *
 * How the owner still gets in (the choice, documented in the package README):
 * - a client that signed in to this account before presents its device token; it is counted under
 *   its own key, so a lock that strangers cause on the account does not apply to it;
 * - a password reset by e-mail clears the account's count;
 * - a correct password clears the count (it only ever gets evaluated when the key is not locked);
 * - an hour without attempts starts the count afresh.
 * Keys are the same for accounts that do not exist, so a lock tells nothing about an e-mail.
 */
export const THROTTLE_FREE_ATTEMPTS = 5;
export const THROTTLE_LOCK_BASE_MS = 30_000;
export const THROTTLE_LOCK_MAX_MS = 15 * 60_000;
export const THROTTLE_QUIET_RESET_MS = 60 * 60_000;

export type ThrottleKey = { kind: 'account'; email: string } | { kind: 'device'; id: string };

const keyOf = (key: ThrottleKey): string =>
  hashToken(key.kind === 'account' ? `account:${key.email}` : `device:${key.id}`);

export type ThrottleGate = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Counts one attempt for the key, or refuses it while the key is locked. */
export async function takeSignInAttempt(db: Db, key: ThrottleKey, now: Date): Promise<ThrottleGate> {
  const id = keyOf(key);
  return db.transaction(async (tx) => {
    await tx.insert(loginThrottles).values({ key: id, lastAttemptAt: now }).onConflictDoNothing();
    const [row] = await tx.select().from(loginThrottles).where(eq(loginThrottles.key, id)).for('update');
    if (!row) throw new Error('the throttle row vanished inside its transaction');
    if (row.lockedUntil && row.lockedUntil > now) {
      return {
        allowed: false,
        retryAfterSeconds: Math.ceil((row.lockedUntil.getTime() - now.getTime()) / 1000),
      } as const;
    }
    const quiet = now.getTime() - row.lastAttemptAt.getTime() >= THROTTLE_QUIET_RESET_MS;
    const attempts = (quiet ? 0 : row.attempts) + 1;
    const locks = quiet ? 0 : row.locks;
    if (attempts <= THROTTLE_FREE_ATTEMPTS) {
      await tx
        .update(loginThrottles)
        .set({ attempts, locks, lockedUntil: null, lastAttemptAt: now })
        .where(eq(loginThrottles.key, id));
      return { allowed: true } as const;
    }
    const lockMs = Math.min(THROTTLE_LOCK_MAX_MS, THROTTLE_LOCK_BASE_MS * 2 ** locks);
    await tx
      .update(loginThrottles)
      .set({
        // One attempt is evaluated when the lock ends; its failure locks again, for longer.
        attempts: THROTTLE_FREE_ATTEMPTS - 1,
        locks: locks + 1,
        lockedUntil: new Date(now.getTime() + lockMs),
        lastAttemptAt: now,
      })
      .where(eq(loginThrottles.key, id));
    return { allowed: false, retryAfterSeconds: Math.ceil(lockMs / 1000) } as const;
  });
}

/** Forgets the count of these keys (a correct password, a password reset). */
export async function clearSignInAttempts(db: DbOrTx, keys: readonly ThrottleKey[]): Promise<void> {
  if (keys.length === 0) return;
  await db.delete(loginThrottles).where(inArray(loginThrottles.key, keys.map(keyOf)));
}
