import { and, eq, isNull } from 'drizzle-orm';
import { schema, sha256Hex, type DbOrTx } from '@permed/db';
import { AppError } from '@permed/http';
import type { ReviewerRow } from './conflict-inputs.ts';

export type InvitationRow = typeof schema.reviewerInvitations.$inferSelect;

/** The invitation a token opens, if it may still be answered; the token itself is never stored. */
export async function requireOpenInvitation(
  db: DbOrTx,
  token: string,
  now: Date,
): Promise<{ invitation: InvitationRow; reviewer: ReviewerRow }> {
  const [row] = await db
    .select({ invitation: schema.reviewerInvitations, reviewer: schema.reviewers })
    .from(schema.reviewerInvitations)
    .innerJoin(schema.reviewers, eq(schema.reviewers.id, schema.reviewerInvitations.reviewerId))
    .where(eq(schema.reviewerInvitations.tokenHash, sha256Hex(token)));
  // A revoked link (superseded by a newer invitation) is as unknown as a mistyped one.
  if (!row || row.invitation.revokedAt) throw new AppError('NOT_FOUND', 'No such invitation');
  if (row.invitation.usedAt) {
    throw new AppError('INVITATION_USED', 'This invitation has already been answered', {
      extensions: { outcome: row.invitation.outcome },
    });
  }
  if (row.invitation.expiresAt.getTime() <= now.getTime()) {
    throw new AppError(
      'INVITATION_EXPIRED',
      'This invitation has expired; ask the call office for a new one',
      {
        extensions: { expiredAt: row.invitation.expiresAt.toISOString() },
      },
    );
  }
  return row;
}

/** Marks the invitation answered; a second answer racing this one finds it used. */
export async function claimInvitation(
  tx: DbOrTx,
  invitationId: string,
  outcome: 'accepted' | 'declined',
  now: Date,
): Promise<void> {
  const claimed = await tx
    .update(schema.reviewerInvitations)
    .set({ usedAt: now, outcome })
    .where(
      and(
        eq(schema.reviewerInvitations.id, invitationId),
        isNull(schema.reviewerInvitations.usedAt),
        isNull(schema.reviewerInvitations.revokedAt),
      ),
    )
    .returning({ id: schema.reviewerInvitations.id });
  if (claimed.length === 0)
    throw new AppError('INVITATION_USED', 'This invitation has already been answered');
}
