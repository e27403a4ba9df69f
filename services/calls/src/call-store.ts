import { and, desc, eq } from 'drizzle-orm';
import { schema, type DbOrTx } from '@permed/db';
import { storedCallDefinition, type CallDefinition } from '@permed/domain';
import { AppError } from '@permed/http';

const { calls, callVersions } = schema;

export type CallRow = typeof calls.$inferSelect;
export type CallVersionRow = typeof callVersions.$inferSelect;

export async function findCallBySlug(db: DbOrTx, slug: string): Promise<CallRow | null> {
  const [row] = await db.select().from(calls).where(eq(calls.slug, slug));
  return row ?? null;
}

export async function requireCall(db: DbOrTx, slug: string): Promise<CallRow> {
  const row = await findCallBySlug(db, slug);
  if (!row) throw new AppError('NOT_FOUND', `No call ${slug}`);
  return row;
}

/** A published call as the public sees it; drafts do not exist for the public. */
export async function requirePublishedCall(
  db: DbOrTx,
  slug: string,
): Promise<{ call: CallRow; version: CallVersionRow; definition: CallDefinition }> {
  const call = await findCallBySlug(db, slug);
  if (!call || call.currentVersion === null) throw new AppError('NOT_FOUND', `No published call ${slug}`);
  const version = await requireVersion(db, call.id, call.currentVersion);
  return { call, version, definition: storedCallDefinition(version.definition) };
}

export async function requireVersion(db: DbOrTx, callId: string, version: number): Promise<CallVersionRow> {
  const [row] = await db
    .select()
    .from(callVersions)
    .where(and(eq(callVersions.callId, callId), eq(callVersions.version, version)));
  if (!row) throw new AppError('NOT_FOUND', `No version ${version}`);
  return row;
}

export async function listVersions(db: DbOrTx, callId: string): Promise<CallVersionRow[]> {
  return db
    .select()
    .from(callVersions)
    .where(eq(callVersions.callId, callId))
    .orderBy(desc(callVersions.version));
}
