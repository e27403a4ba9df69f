import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { proposals } from './proposals.ts';

/**
 * A request to the call office to accept a change of consortium between the pre-proposal and the
 * full proposal (partner added or removed, coordinator changed). `consortiumHash` fingerprints the
 * consortium the request was made for: an approval covers exactly that consortium, so a later
 * change needs a new request before the full proposal can be submitted.
 */
export const proposalChangeRequests = pgTable(
  'proposal_change_requests',
  {
    id: uuid().primaryKey().defaultRandom(),
    proposalId: uuid()
      .notNull()
      .references(() => proposals.id),
    callId: uuid().notNull(),
    consortiumHash: text().notNull(),
    /**
     * Fingerprint of every partner's budget total when the request was made (null: requests made
     * before budgets could need approval). An approval covers a budget change only while it matches.
     */
    budgetsHash: text(),
    /** The change report at the time of the request. */
    changes: jsonb().$type<Record<string, unknown>>().notNull(),
    reason: text().notNull(),
    status: text({ enum: ['pending', 'approved', 'rejected'] }).notNull(),
    requestedAt: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
    requestedBy: uuid().notNull(),
    decidedAt: timestamp({ withTimezone: true, mode: 'date' }),
    decidedBy: uuid(),
    decisionComment: text(),
  },
  (t) => [
    index('proposal_change_requests_proposal_idx').on(t.proposalId),
    index('proposal_change_requests_call_idx').on(t.callId, t.status),
  ],
);
