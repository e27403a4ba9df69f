import { randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { normaliseEmail } from '@permed/auth';
import { enqueueOutbox, recordAudit, schema, sha256Hex } from '@permed/db';
import { AppError, type Principal } from '@permed/http';
import { actorOf } from '@permed/service-kit';
import type { ProposalsContext } from './deps.ts';
import { requireCoordinator, resolveProposalAccess } from './proposal-access.ts';
import { storedHeader } from './draft-schema.ts';

export const INVITATION_TTL_MS = 14 * 24 * 3600 * 1000;

export type InvitationRow = typeof schema.proposalInvitations.$inferSelect;

/**
 * The coordinator invites someone by e-mail. The token is 256 random bits, sent only in the e-mail
 * (through the outbox, after commit); the database keeps its SHA-256, so neither the table nor the
 * API response can be used to join.
 */
export async function inviteMember(
  ctx: ProposalsContext,
  principal: Principal,
  proposalId: string,
  input: { email: string; role: 'editor' | 'viewer'; partnerId?: string | undefined },
  links: { publicBase: string; webBase: string },
): Promise<InvitationRow> {
  const access = await resolveProposalAccess(ctx.db, principal, proposalId);
  requireCoordinator(access, 'invite team members');
  if (input.partnerId !== undefined && input.role !== 'editor') {
    throw new AppError('VALIDATION_FAILED', 'Only an editor can be tied to a partner section', {
      errors: [{ in: 'body', path: '/partnerId', message: 'only with role "editor"' }],
    });
  }
  if (input.partnerId !== undefined) {
    const [partner] = await ctx.db
      .select({ id: schema.proposalPartners.partnerId })
      .from(schema.proposalPartners)
      .where(
        and(
          eq(schema.proposalPartners.proposalId, proposalId),
          eq(schema.proposalPartners.partnerId, input.partnerId),
        ),
      );
    if (!partner) {
      throw new AppError('VALIDATION_FAILED', `No partner ${input.partnerId} in this proposal`, {
        errors: [
          { in: 'body', path: '/partnerId', message: 'no such partner section', code: 'UNKNOWN_PARTNER' },
        ],
      });
    }
  }
  const email = normaliseEmail(input.email);
  if (email === normaliseEmail(principal.email)) {
    throw new AppError('CONFLICT', 'You are already the coordinator of this proposal');
  }
  const token = randomBytes(32).toString('base64url');
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS);
  const header = storedHeader(access.proposal.draft);
  const actor = actorOf(principal);
  return ctx.db.transaction(async (tx) => {
    // A new invitation to the same address replaces the pending one (one live token per person).
    await tx
      .update(schema.proposalInvitations)
      .set({ revokedAt: now })
      .where(
        and(
          eq(schema.proposalInvitations.proposalId, proposalId),
          eq(schema.proposalInvitations.email, email),
          isNull(schema.proposalInvitations.acceptedAt),
          isNull(schema.proposalInvitations.revokedAt),
        ),
      );
    const [row] = await tx
      .insert(schema.proposalInvitations)
      .values({
        proposalId,
        email,
        role: input.role,
        partnerId: input.partnerId ?? null,
        tokenHash: sha256Hex(token),
        expiresAt,
        createdAt: now,
        createdBy: principal.userId,
      })
      .returning();
    await recordAudit(tx, {
      actor,
      action: 'proposal.invitation_sent',
      targetType: 'proposal',
      targetId: proposalId,
      details: { invitationId: row!.id, email, role: input.role, partnerId: input.partnerId ?? null },
      at: now,
    });
    const what = input.partnerId
      ? `edit the section of partner "${input.partnerId}"`
      : input.role === 'editor'
        ? 'edit'
        : 'read';
    await enqueueOutbox(tx, {
      kind: 'mail',
      payload: {
        to: email,
        subject: `Invitation to join the proposal ${header.acronym}`,
        text: [
          `${principal.displayName} <${principal.email}> invites you to ${what} the proposal ${header.acronym}${header.title ? ` – ${header.title}` : ''} on PerMed Calls.`,
          '',
          'To accept, open this link, then sign in (or create an account) and accept:',
          `  ${links.webBase}/proposal-invitation#${token}`,
          '',
          `(API: POST ${links.publicBase}/invitations/accept with {"token": "${token}"})`,
          '',
          `The invitation can be used once and expires on ${expiresAt.toISOString()} (UTC).`,
          'If you did not expect it, ignore this message.',
        ].join('\n'),
      },
      at: now,
      dedupeKey: `invitation:${row!.id}`,
    });
    return row!;
  });
}
