import { and, eq, ne } from 'drizzle-orm';
import { createUser, findUserByEmail, grantRole } from '@permed/auth';
import { recordAudit, schema } from '@permed/db';
import { AppError, type Principal } from '@permed/http';
import type { UseCaseDeps } from './evaluation-context.ts';
import type { CollaboratorInput } from './inputs.ts';
import { claimInvitation, requireOpenInvitation } from './invitation-store.ts';

export interface AcceptInvitationInput {
  token: string;
  /** Creates the account when the expert is not signed in. */
  password?: string | undefined;
  displayName?: string | undefined;
  /** Replaces the collaborators the call office listed: the expert knows them best. */
  collaborators?: CollaboratorInput[] | undefined;
}

/**
 * The expert accepts with the link: signed in, the invitation joins their account; otherwise an
 * account is created for the invited e-mail. Either way the user becomes reviewer of this call.
 */
export async function acceptInvitation(
  deps: UseCaseDeps,
  principal: Principal | null,
  input: AcceptInvitationInput,
): Promise<{ reviewerId: string; callId: string; userId: string; accountCreated: boolean }> {
  const now = deps.clock.now();
  const { invitation, reviewer } = await requireOpenInvitation(deps.db, input.token, now);
  if (!principal) {
    if (!input.password) {
      throw new AppError('UNAUTHENTICATED', 'Sign in to accept, or give a password to create your account', {
        errors: [{ in: 'body', path: '/password', message: 'required when not signed in' }],
      });
    }
    if (await findUserByEmail(deps.db, reviewer.email)) {
      throw new AppError('ALREADY_EXISTS', 'An account with this e-mail exists: sign in and accept again', {
        errors: [{ in: 'body', path: '/password', message: 'sign in instead' }],
      });
    }
  }
  if (principal) {
    const [other] = await deps.db
      .select({ id: schema.reviewers.id })
      .from(schema.reviewers)
      .where(
        and(
          eq(schema.reviewers.callId, reviewer.callId),
          eq(schema.reviewers.userId, principal.userId),
          ne(schema.reviewers.id, reviewer.id),
        ),
      );
    if (other) throw new AppError('ALREADY_EXISTS', 'Your account is already a reviewer of this call');
  }
  return deps.db.transaction(async (tx) => {
    await claimInvitation(tx, invitation.id, 'accepted', now);
    const user = principal
      ? { id: principal.userId, email: principal.email }
      : await createUser(tx, {
          email: reviewer.email,
          displayName: input.displayName ?? reviewer.name,
          password: input.password!,
          logN: deps.config.PASSWORD_HASH_LOG_N,
        });
    await tx
      .update(schema.reviewers)
      .set({
        status: 'accepted',
        userId: user.id,
        respondedAt: now,
        updatedAt: now,
        ...(input.collaborators ? { collaborators: input.collaborators } : {}),
      })
      .where(eq(schema.reviewers.id, reviewer.id));
    await grantRole(tx, {
      userId: user.id,
      role: 'reviewer',
      scopeType: 'call',
      scopeId: reviewer.callId,
      grantedBy: null,
    });
    await recordAudit(tx, {
      actor: { userId: user.id, label: user.email },
      action: 'evaluation.invitation_accepted',
      targetType: 'reviewer',
      targetId: reviewer.id,
      details: {
        callId: reviewer.callId,
        invitationId: invitation.id,
        accountCreated: !principal,
        invitedEmail: reviewer.email,
        collaboratorsListed: input.collaborators?.length ?? null,
      },
      at: now,
    });
    return { reviewerId: reviewer.id, callId: reviewer.callId, userId: user.id, accountCreated: !principal };
  });
}
