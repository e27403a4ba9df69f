import { randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { enqueueOutbox, recordAudit, schema, sha256Hex, type Actor } from '@permed/db';
import { AppError } from '@permed/http';
import { publicBase, type CallContext, type UseCaseDeps } from './evaluation-context.ts';
import { invitationMail } from './mail.ts';

export const INVITATION_TTL_MS = 30 * 24 * 3600 * 1000;

/**
 * Sends (or re-sends) the invitation e-mail with a single-use link. Only the token's SHA-256 is
 * stored; a new invitation revokes the earlier unused ones, so only the latest link works.
 */
export async function inviteReviewer(
  deps: UseCaseDeps,
  actor: Actor,
  ctx: CallContext,
  reviewerId: string,
): Promise<{ invitationId: string; expiresAt: Date }> {
  const [reviewer] = await deps.db
    .select()
    .from(schema.reviewers)
    .where(and(eq(schema.reviewers.id, reviewerId), eq(schema.reviewers.callId, ctx.callId)));
  if (!reviewer) throw new AppError('NOT_FOUND', `No reviewer ${reviewerId} in this call`);
  if (reviewer.status === 'accepted') {
    throw new AppError('CONFLICT', 'This expert has already accepted', {
      extensions: { status: reviewer.status },
    });
  }
  const token = randomBytes(32).toString('base64url');
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS);
  return deps.db.transaction(async (tx) => {
    await tx
      .update(schema.reviewerInvitations)
      .set({ revokedAt: now })
      .where(
        and(
          eq(schema.reviewerInvitations.reviewerId, reviewer.id),
          isNull(schema.reviewerInvitations.usedAt),
          isNull(schema.reviewerInvitations.revokedAt),
        ),
      );
    const [invitation] = await tx
      .insert(schema.reviewerInvitations)
      .values({
        reviewerId: reviewer.id,
        callId: ctx.callId,
        tokenHash: sha256Hex(token),
        sentAt: now,
        sentBy: actor.userId,
        expiresAt,
      })
      .returning({ id: schema.reviewerInvitations.id });
    await tx
      .update(schema.reviewers)
      .set({ status: 'invited', updatedAt: now })
      .where(eq(schema.reviewers.id, reviewer.id));
    await enqueueOutbox(tx, {
      kind: 'mail',
      payload: {
        ...invitationMail({
          to: reviewer.email,
          name: reviewer.name,
          callTitle: ctx.definition.title,
          base: publicBase(deps),
          token,
          expiresAt,
        }),
      },
      at: now,
    });
    await recordAudit(tx, {
      actor,
      action: 'evaluation.reviewer_invited',
      targetType: 'reviewer',
      targetId: reviewer.id,
      details: { callId: ctx.callId, invitationId: invitation!.id, expiresAt: expiresAt.toISOString() },
      at: now,
    });
    return { invitationId: invitation!.id, expiresAt };
  });
}
