import { asc, eq, or, sql } from 'drizzle-orm';
import { recordAudit, schema, type Db } from '@permed/db';
import { AppError, type Principal } from '@permed/http';
import { auditAccount, type Language, type RequestMeta } from './accounts.ts';
import type { AuthDeps } from './sessions.ts';

const {
  users,
  sessions,
  roleGrants,
  proposals,
  proposalMembers,
  proposalPartners,
  proposalInvitations,
  reviewers,
  auditEvents,
} = schema;

export interface Profile {
  id: string;
  email: string;
  displayName: string;
  orcid: string | null;
  timeZone: string | null;
  language: Language | null;
  emailVerified: boolean;
  createdAt: Date;
}

const profileColumns = {
  id: users.id,
  email: users.email,
  displayName: users.displayName,
  orcid: users.orcid,
  timeZone: users.timeZone,
  language: users.language,
  emailVerifiedAt: users.emailVerifiedAt,
  createdAt: users.createdAt,
};

const toProfile = ({
  emailVerifiedAt,
  ...row
}: { emailVerifiedAt: Date | null } & Omit<Profile, 'emailVerified'>) => ({
  ...row,
  emailVerified: emailVerifiedAt !== null,
});

export async function readProfile(db: Db, userId: string): Promise<Profile> {
  const [row] = await db.select(profileColumns).from(users).where(eq(users.id, userId));
  if (!row) throw new AppError('SESSION_REVOKED');
  return toProfile(row);
}

export interface ProfileChanges {
  displayName?: string | undefined;
  orcid?: string | null | undefined;
  timeZone?: string | null | undefined;
  language?: Language | null | undefined;
}

/**
 * The signed-in person's own settings; only the fields given change (null clears an optional one).
 * Audited with the names of the changed fields, not their values: the audit log is kept longer than
 * a profile and should not become a second copy of it.
 */
export async function updateProfile(
  deps: AuthDeps,
  principal: Principal,
  changes: ProfileChanges,
  meta: RequestMeta,
): Promise<Profile> {
  const set = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
  // Nothing to change is a no-op that answers the profile as it is (a PATCH with {} or no body, as
  // every route whose fields are all optional accepts): nothing written, nothing audited.
  if (Object.keys(set).length === 0) {
    const [current] = await deps.db.select(profileColumns).from(users).where(eq(users.id, principal.userId));
    if (!current) throw new AppError('SESSION_REVOKED');
    return toProfile(current);
  }
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const [row] = await tx
      .update(users)
      .set(set)
      .where(eq(users.id, principal.userId))
      .returning(profileColumns);
    if (!row) throw new AppError('SESSION_REVOKED');
    await recordAudit(tx, {
      actor: { userId: principal.userId, label: principal.email },
      action: 'user.profile_changed',
      targetType: 'user',
      targetId: principal.userId,
      requestId: meta.requestId ?? null,
      details: { fields: Object.keys(set).sort() },
      at: now,
    });
    return toProfile(row);
  });
}

/**
 * Everything the platform holds about the person, as one JSON document (GDPR art. 15 access and
 * art. 20 portability): the account (without the password hash), its sessions (without token
 * hashes), roles, the proposals it works on and the partner sections naming it as principal
 * investigator, invitations sent to its address, its reviewer records, and every audit row in
 * which it is the actor. Reading it is audited too.
 */
export async function exportPersonalData(
  deps: AuthDeps,
  principal: Principal,
  meta: RequestMeta,
): Promise<Record<string, unknown>> {
  const { db, clock } = deps;
  const now = clock.now();
  const [account] = await db
    .select({ ...profileColumns, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.id, principal.userId));
  if (!account) throw new AppError('SESSION_REVOKED');
  const email = account.email;
  const sessionRows = await db
    .select({
      id: sessions.id,
      createdAt: sessions.createdAt,
      expiresAt: sessions.expiresAt,
      revokedAt: sessions.revokedAt,
      userAgent: sessions.userAgent,
      ip: sessions.ip,
    })
    .from(sessions)
    .where(eq(sessions.userId, account.id))
    .orderBy(asc(sessions.createdAt));
  const roles = await db
    .select({
      role: roleGrants.role,
      scopeType: roleGrants.scopeType,
      scopeId: roleGrants.scopeId,
      subRole: roleGrants.subRole,
      grantedAt: roleGrants.createdAt,
      grantedBy: roleGrants.grantedBy,
    })
    .from(roleGrants)
    .where(eq(roleGrants.userId, account.id));
  const memberships = await db
    .select({
      proposalId: proposals.id,
      callId: proposals.callId,
      acronym: proposals.acronym,
      stage: proposals.stage,
      role: proposalMembers.role,
      partnerId: proposalMembers.partnerId,
      addedAt: proposalMembers.addedAt,
    })
    .from(proposalMembers)
    .innerJoin(proposals, eq(proposals.id, proposalMembers.proposalId))
    .where(eq(proposalMembers.userId, account.id));
  const coordinated = await db
    .select({
      proposalId: proposals.id,
      callId: proposals.callId,
      acronym: proposals.acronym,
      stage: proposals.stage,
      createdAt: proposals.createdAt,
    })
    .from(proposals)
    .where(eq(proposals.coordinatorUserId, account.id));
  const piSections = await db
    .select({
      proposalId: proposalPartners.proposalId,
      partnerId: proposalPartners.partnerId,
      section: proposalPartners.section,
      updatedAt: proposalPartners.updatedAt,
    })
    .from(proposalPartners)
    .where(sql`lower(${proposalPartners.section} #>> '{pi,email}') = ${email}`);
  const invitations = await db
    .select({
      proposalId: proposalInvitations.proposalId,
      role: proposalInvitations.role,
      partnerId: proposalInvitations.partnerId,
      createdAt: proposalInvitations.createdAt,
      expiresAt: proposalInvitations.expiresAt,
      acceptedAt: proposalInvitations.acceptedAt,
      revokedAt: proposalInvitations.revokedAt,
    })
    .from(proposalInvitations)
    .where(or(eq(proposalInvitations.email, email), eq(proposalInvitations.acceptedBy, account.id)));
  const reviewerRecords = await db
    .select()
    .from(reviewers)
    .where(or(eq(reviewers.userId, account.id), eq(reviewers.email, email)));
  const audit = await db
    .select({
      occurredAt: auditEvents.occurredAt,
      action: auditEvents.action,
      targetType: auditEvents.targetType,
      targetId: auditEvents.targetId,
      details: auditEvents.details,
    })
    .from(auditEvents)
    .where(eq(auditEvents.actorUserId, account.id))
    .orderBy(asc(auditEvents.id));
  await auditAccount(db, {
    actor: { userId: account.id, label: email },
    action: 'user.data_exported',
    userId: account.id,
    meta,
    at: now,
  });
  const { emailVerifiedAt, ...user } = account;
  return {
    format: 'permed-calls/personal-data/v1',
    exportedAt: now.toISOString(),
    user: { ...user, emailVerifiedAt },
    sessions: sessionRows,
    roles,
    proposals: { coordinated, memberships, principalInvestigatorOf: piSections, invitations },
    reviewerRecords,
    auditEventsAsActor: audit,
  };
}
