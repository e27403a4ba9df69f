import { eq } from 'drizzle-orm';
import { recordAudit, schema } from '@permed/db';
import type { Principal } from '@permed/http';
import type { UseCaseDeps } from './evaluation-context.ts';
import { claimInvitation, requireOpenInvitation } from './invitation-store.ts';

/** The expert declines with the link; no account is needed for that. */
export async function declineInvitation(
  deps: UseCaseDeps,
  principal: Principal | null,
  input: { token: string; reason?: string | undefined },
): Promise<{ reviewerId: string; callId: string }> {
  const now = deps.clock.now();
  const { invitation, reviewer } = await requireOpenInvitation(deps.db, input.token, now);
  return deps.db.transaction(async (tx) => {
    await claimInvitation(tx, invitation.id, 'declined', now);
    await tx
      .update(schema.reviewers)
      .set({ status: 'declined', respondedAt: now, updatedAt: now })
      .where(eq(schema.reviewers.id, reviewer.id));
    await recordAudit(tx, {
      actor: principal
        ? { userId: principal.userId, label: principal.email }
        : { userId: null, label: `invitee ${reviewer.email}` },
      action: 'evaluation.invitation_declined',
      targetType: 'reviewer',
      targetId: reviewer.id,
      details: { callId: reviewer.callId, invitationId: invitation.id, reason: input.reason ?? null },
      at: now,
    });
    return { reviewerId: reviewer.id, callId: reviewer.callId };
  });
}
