import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { proposals } from './proposals.ts';

/**
 * An invitation to join a proposal's team, sent by e-mail. Only the SHA-256 of the single-use
 * token is stored, so a leaked table does not let anyone join; accepting marks it used.
 */
export const proposalInvitations = pgTable(
  'proposal_invitations',
  {
    id: uuid().primaryKey().defaultRandom(),
    proposalId: uuid()
      .notNull()
      .references(() => proposals.id),
    /** Lower-cased address the invitation was sent to. */
    email: text().notNull(),
    role: text({ enum: ['editor', 'viewer'] }).notNull(),
    /** An editor tied to one partner section edits only that section. */
    partnerId: text(),
    tokenHash: text().notNull(),
    expiresAt: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
    createdAt: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
    createdBy: uuid().notNull(),
    acceptedAt: timestamp({ withTimezone: true, mode: 'date' }),
    acceptedBy: uuid(),
    revokedAt: timestamp({ withTimezone: true, mode: 'date' }),
  },
  (t) => [
    uniqueIndex('proposal_invitations_token_key').on(t.tokenHash),
    index('proposal_invitations_proposal_idx').on(t.proposalId),
  ],
);
