import { and, eq, gt, isNull } from 'drizzle-orm';
import { grantRole } from '@permed/auth';
import { recordAudit, schema, sha256Hex } from '@permed/db';
import { AppError, type Principal } from '@permed/http';
import { actorOf } from '@permed/service-kit';
import type { ProposalsContext } from './deps.ts';

/**
 * The signed-in user redeems an invitation token: single use (a conditional update claims it, so
 * two concurrent redemptions cannot both succeed), before its expiry by the server clock. It grants
 * applicant on the proposal with the invited role and records the membership (and partner section).
 */
export async function acceptInvitation(
  ctx: ProposalsContext,
  principal: Principal,
  token: string,
): Promise<{ proposalId: string; role: 'editor' | 'viewer'; partnerId: string | null }> {
  const inv = schema.proposalInvitations;
  const tokenHash = sha256Hex(token);
  const now = ctx.clock.now();
  const actor = actorOf(principal);
  return ctx.db.transaction(async (tx) => {
    const [claimed] = await tx
      .update(inv)
      .set({ acceptedAt: now, acceptedBy: principal.userId })
      .where(
        and(
          eq(inv.tokenHash, tokenHash),
          isNull(inv.acceptedAt),
          isNull(inv.revokedAt),
          gt(inv.expiresAt, now),
        ),
      )
      .returning();
    if (!claimed) {
      const [row] = await tx.select().from(inv).where(eq(inv.tokenHash, tokenHash));
      if (!row) throw new AppError('NOT_FOUND', 'No such invitation');
      if (row.acceptedAt || row.revokedAt)
        throw new AppError('INVITATION_USED', 'This invitation was already used or withdrawn');
      throw new AppError('INVITATION_EXPIRED', `This invitation expired at ${row.expiresAt.toISOString()}`);
    }
    const [existing] = await tx
      .select()
      .from(schema.proposalMembers)
      .where(
        and(
          eq(schema.proposalMembers.proposalId, claimed.proposalId),
          eq(schema.proposalMembers.userId, principal.userId),
        ),
      );
    if (existing?.role === 'coordinator') {
      throw new AppError('CONFLICT', 'You are the coordinator of this proposal already');
    }
    await tx
      .insert(schema.proposalMembers)
      .values({
        proposalId: claimed.proposalId,
        userId: principal.userId,
        role: claimed.role,
        partnerId: claimed.partnerId,
        addedAt: now,
      })
      .onConflictDoUpdate({
        target: [schema.proposalMembers.proposalId, schema.proposalMembers.userId],
        set: { role: claimed.role, partnerId: claimed.partnerId },
      });
    await grantRole(tx, {
      userId: principal.userId,
      role: 'applicant',
      scopeType: 'proposal',
      scopeId: claimed.proposalId,
      subRole: claimed.role,
      grantedBy: claimed.createdBy,
    });
    await recordAudit(tx, {
      actor,
      action: 'proposal.invitation_accepted',
      targetType: 'proposal',
      targetId: claimed.proposalId,
      details: {
        invitationId: claimed.id,
        invitedEmail: claimed.email,
        acceptedBy: principal.email,
        role: claimed.role,
        partnerId: claimed.partnerId,
      },
      at: now,
    });
    return { proposalId: claimed.proposalId, role: claimed.role, partnerId: claimed.partnerId };
  });
}
