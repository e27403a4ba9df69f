import { and, asc, eq, isNull } from 'drizzle-orm';
import { revokeRole } from '@permed/auth';
import { recordAudit, schema } from '@permed/db';
import { AppError, type Principal } from '@permed/http';
import { actorOf } from '@permed/service-kit';
import type { ProposalsContext } from './deps.ts';
import { requireCoordinator, resolveProposalAccess } from './proposal-access.ts';

/** Members with their role and section; any member and the call office may read it. */
export async function listMembers(ctx: ProposalsContext, principal: Principal, proposalId: string) {
  await resolveProposalAccess(ctx.db, principal, proposalId);
  return ctx.db
    .select({
      userId: schema.proposalMembers.userId,
      email: schema.users.email,
      displayName: schema.users.displayName,
      role: schema.proposalMembers.role,
      partnerId: schema.proposalMembers.partnerId,
      addedAt: schema.proposalMembers.addedAt,
    })
    .from(schema.proposalMembers)
    .innerJoin(schema.users, eq(schema.users.id, schema.proposalMembers.userId))
    .where(eq(schema.proposalMembers.proposalId, proposalId))
    .orderBy(asc(schema.proposalMembers.addedAt));
}

export async function listInvitations(ctx: ProposalsContext, principal: Principal, proposalId: string) {
  const access = await resolveProposalAccess(ctx.db, principal, proposalId);
  requireCoordinator(access, 'see the invitations');
  return ctx.db
    .select()
    .from(schema.proposalInvitations)
    .where(eq(schema.proposalInvitations.proposalId, proposalId))
    .orderBy(asc(schema.proposalInvitations.createdAt));
}

/** Withdraws a pending invitation: its token stops working at once. */
export async function revokeInvitation(
  ctx: ProposalsContext,
  principal: Principal,
  proposalId: string,
  invitationId: string,
): Promise<void> {
  const access = await resolveProposalAccess(ctx.db, principal, proposalId);
  requireCoordinator(access, 'withdraw invitations');
  const now = ctx.clock.now();
  const inv = schema.proposalInvitations;
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(inv)
      .set({ revokedAt: now })
      .where(
        and(
          eq(inv.id, invitationId),
          eq(inv.proposalId, proposalId),
          isNull(inv.acceptedAt),
          isNull(inv.revokedAt),
        ),
      )
      .returning();
    if (!row) {
      const [known] = await tx
        .select()
        .from(inv)
        .where(and(eq(inv.id, invitationId), eq(inv.proposalId, proposalId)));
      if (!known) throw new AppError('NOT_FOUND', 'No such invitation');
      throw new AppError('INVITATION_USED', 'This invitation was already accepted or withdrawn');
    }
    await recordAudit(tx, {
      actor: actorOf(principal),
      action: 'proposal.invitation_revoked',
      targetType: 'proposal',
      targetId: proposalId,
      details: { invitationId, email: row.email },
      at: now,
    });
  });
}

/** Removes a member: the membership and the applicant grant go together, effective at the next request. */
export async function removeMember(
  ctx: ProposalsContext,
  principal: Principal,
  proposalId: string,
  userId: string,
): Promise<void> {
  const access = await resolveProposalAccess(ctx.db, principal, proposalId);
  requireCoordinator(access, 'remove team members');
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const where = and(
      eq(schema.proposalMembers.proposalId, proposalId),
      eq(schema.proposalMembers.userId, userId),
    );
    const [member] = await tx.select().from(schema.proposalMembers).where(where);
    if (!member) throw new AppError('NOT_FOUND', 'No such member');
    if (member.role === 'coordinator') throw new AppError('CONFLICT', 'The coordinator cannot be removed');
    await tx.delete(schema.proposalMembers).where(where);
    await revokeRole(tx, { userId, role: 'applicant', scopeType: 'proposal', scopeId: proposalId });
    await recordAudit(tx, {
      actor: actorOf(principal),
      action: 'proposal.member_removed',
      targetType: 'proposal',
      targetId: proposalId,
      details: { userId, role: member.role, partnerId: member.partnerId },
      at: now,
    });
  });
}
