import { auditEvents } from './schema/audit.ts';
import type { DbOrTx } from './client.ts';

export interface Actor {
  userId: string | null;
  label: string;
}

export const systemActor: Actor = { userId: null, label: 'system' };

export interface AuditEntry {
  actor: Actor;
  action: string;
  targetType: string;
  targetId?: string | null;
  requestId?: string | null;
  details?: Record<string, unknown>;
  at: Date;
}

/** Appends one audit row; call it inside the transaction that makes the change it records. */
export async function recordAudit(db: DbOrTx, entry: AuditEntry): Promise<void> {
  await db.insert(auditEvents).values({
    occurredAt: entry.at,
    actorUserId: entry.actor.userId,
    actorLabel: entry.actor.label,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId ?? null,
    requestId: entry.requestId ?? null,
    details: entry.details ?? {},
  });
}
