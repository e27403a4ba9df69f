import { index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/** A person who signs in. E-mail is stored lower-cased; the password hash is scrypt (see @permed/auth). */
export const users = pgTable(
  'users',
  {
    id: uuid().primaryKey().defaultRandom(),
    email: text().notNull(),
    displayName: text().notNull(),
    passwordHash: text(),
    /** The IANA zone the user reads dates in (null: none chosen; each view then uses its own default). */
    timeZone: text(),
    /** ORCID iD as 0000-0000-0000-000X, checksum verified (see @permed/domain's orcid). */
    orcid: text(),
    /** The language of the user's pages and e-mails: en, de or fr (null: the browser's). */
    language: text({ enum: ['en', 'de', 'fr'] }),
    createdAt: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    disabledAt: timestamp({ withTimezone: true, mode: 'date' }),
    /**
     * When the person proved the e-mail is theirs. Self sign-up leaves it null until the link in the
     * verification mail is used; accounts made by an administrator, the CLI or an invitation link
     * (which itself arrived by e-mail) are verified on creation, hence the default.
     */
    emailVerifiedAt: timestamp({ withTimezone: true, mode: 'date' }).defaultNow(),
  },
  (t) => [uniqueIndex('users_email_key').on(t.email)],
);

/**
 * A refresh session. Only a SHA-256 of the refresh token is stored, so a leaked table does not
 * let anyone sign in. Access tokens name their session, so logout (revocation) takes effect at once.
 */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    refreshTokenHash: text().notNull(),
    createdAt: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
    expiresAt: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
    revokedAt: timestamp({ withTimezone: true, mode: 'date' }),
    userAgent: text(),
    ip: text(),
  },
  (t) => [
    uniqueIndex('sessions_refresh_token_hash_key').on(t.refreshTokenHash),
    index('sessions_user_idx').on(t.userId),
  ],
);

/**
 * What a user may do, and where. scopeType/scopeId narrow the role: call-office per call,
 * funder per funder, applicant per proposal (with a proposal role), reviewer per call.
 * scopeType 'global' with scopeId '*' is the whole platform (admin, or a call office for all calls).
 */
export const roleGrants = pgTable(
  'role_grants',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text({ enum: ['admin', 'call-office', 'funder', 'applicant', 'reviewer'] }).notNull(),
    scopeType: text({ enum: ['global', 'call', 'funder', 'proposal'] }).notNull(),
    scopeId: text().notNull(),
    /** For applicants: coordinator, editor or viewer. */
    subRole: text(),
    createdAt: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    grantedBy: uuid(),
  },
  (t) => [
    uniqueIndex('role_grants_unique').on(t.userId, t.role, t.scopeType, t.scopeId),
    index('role_grants_scope_idx').on(t.scopeType, t.scopeId),
  ],
);

/**
 * Failed-sign-in bookkeeping per account (ASVS 6.3.1: slow down guessing of one account from many
 * addresses). The key is a SHA-256 of the normalised e-mail (or of a device token's id), never the
 * e-mail itself, and a row exists the same way whether or not the account does, so the table
 * reveals no accounts. Kept in the database so every instance of the platform sees the same count.
 */
export const loginThrottles = pgTable('login_throttles', {
  key: text().primaryKey(),
  /** Attempts since the counting started (each attempt is counted before its password is checked). */
  attempts: integer().notNull().default(0),
  /** How many times the key was locked since counting started: the backoff doubles with each. */
  locks: integer().notNull().default(0),
  lockedUntil: timestamp({ withTimezone: true, mode: 'date' }),
  lastAttemptAt: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
});

/**
 * Single-use links sent by e-mail: verify the address after sign-up, or reset the password. Only a
 * SHA-256 of the token is stored, so the table cannot be used to follow a link.
 */
export const accountTokens = pgTable(
  'account_tokens',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text({ enum: ['verify-email', 'reset-password'] }).notNull(),
    tokenHash: text().notNull(),
    createdAt: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
    expiresAt: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
    usedAt: timestamp({ withTimezone: true, mode: 'date' }),
  },
  (t) => [
    uniqueIndex('account_tokens_token_hash_key').on(t.tokenHash),
    index('account_tokens_user_idx').on(t.userId, t.purpose),
  ],
);
