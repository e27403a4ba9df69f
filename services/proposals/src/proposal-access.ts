import { AppError, hasScope, isAdmin, type Principal } from '@permed/http';
import type { DbOrTx } from '@permed/db';
import { findProposalForUser, type ProposalWithState } from './proposal-store.ts';
import type { CallContext } from './call-context.ts';
import type { ProposalsContext } from './deps.ts';

export type ProposalRole = 'coordinator' | 'editor' | 'viewer' | 'call-office' | 'admin';

export interface ProposalAccess extends ProposalWithState {
  /** The call's current version when the access was resolved. */
  callVersion: number;
  role: ProposalRole;
  /** For an editor tied to one partner: the only section it may write. */
  partnerId: string | null;
}

/**
 * Who the caller is for this proposal. A member (with its applicant grant still in place) has its
 * proposal role; the call office of the proposal's call and an administrator may read. Anyone else
 * gets 404, the same as for a proposal that does not exist, so that ids reveal nothing.
 */
export async function resolveProposalAccess(
  db: DbOrTx,
  principal: Principal,
  proposalId: string,
): Promise<ProposalAccess> {
  const found = await findProposalForUser(db, proposalId, principal.userId);
  const notFound = () => new AppError('NOT_FOUND', 'No such proposal');
  if (!found) throw notFound();
  const { member, ...rest } = found;
  // The membership row says which role and section; the grant is what a revocation removes.
  if (
    member &&
    principal.grants.some(
      (g) => g.role === 'applicant' && g.scopeType === 'proposal' && g.scopeId === proposalId,
    )
  ) {
    return { ...rest, role: member.role, partnerId: member.role === 'editor' ? member.partnerId : null };
  }
  if (!isAdmin(principal) && hasScope(principal, 'call-office', 'call', rest.proposal.callId)) {
    return { ...rest, role: 'call-office', partnerId: null };
  }
  if (isAdmin(principal)) return { ...rest, role: 'admin', partnerId: null };
  throw notFound();
}

export function requireCoordinator(access: ProposalAccess, what: string): void {
  if (access.role !== 'coordinator') {
    throw new AppError('FORBIDDEN', `Only the coordinator may ${what}`, {
      extensions: { yourRole: access.role },
    });
  }
}

/** Coordinator or an editor (any section, or the given one). Viewers and readers are refused. */
export function requireEditor(access: ProposalAccess, what: string, partnerId?: string): void {
  if (access.role === 'coordinator') return;
  if (access.role === 'editor') {
    if (access.partnerId === null) return;
    if (partnerId !== undefined && access.partnerId === partnerId) return;
    throw new AppError(
      'FORBIDDEN',
      `Your role lets you edit only the section of partner ${access.partnerId}`,
      {
        extensions: { yourRole: access.role, yourPartnerId: access.partnerId },
      },
    );
  }
  throw new AppError('FORBIDDEN', `Your role (${access.role}) may not ${what}`, {
    extensions: { yourRole: access.role },
  });
}

/** The current version of the proposal's call, as read with the access (no further query when cached). */
export function callOf(ctx: ProposalsContext, access: ProposalAccess): Promise<CallContext> {
  return ctx.calls.version(ctx.db, access.proposal.callId, access.callVersion);
}
