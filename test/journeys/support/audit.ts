import { and, asc, eq } from 'drizzle-orm';
import { schema, type Db } from '@permed/db';

export interface AuditRow {
  action: string;
  actorLabel: string;
  actorUserId: string | null;
  targetId: string | null;
  details: Record<string, unknown>;
}

/**
 * The audit trail of one target, oldest first. No HTTP route lists the audit log (only the call's
 * lifecycle history is served), so the journey reads it here, for assertions only: nothing it does
 * goes through this.
 */
export async function auditTrail(db: Db, targetId: string, action?: string): Promise<AuditRow[]> {
  const { auditEvents } = schema;
  return db
    .select({
      action: auditEvents.action,
      actorLabel: auditEvents.actorLabel,
      actorUserId: auditEvents.actorUserId,
      targetId: auditEvents.targetId,
      details: auditEvents.details,
    })
    .from(auditEvents)
    .where(and(eq(auditEvents.targetId, targetId), ...(action ? [eq(auditEvents.action, action)] : [])))
    .orderBy(asc(auditEvents.id));
}
