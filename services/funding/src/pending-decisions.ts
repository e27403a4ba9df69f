import { eq } from 'drizzle-orm';
import { schema, type DbOrTx } from '@permed/db';
import { requirePublishedCall } from '@permed/calls-service';
import { pendingDecisions } from './list-decisions.ts';

/**
 * Partners of recommended projects still awaiting their funder's national decision: the fact the
 * call lifecycle's CLOSE needs. The platform can pass it as the calls service's
 * `StageFacts.pendingDecisions`.
 */
export async function pendingDecisionsOfCall(db: DbOrTx, callId: string): Promise<number> {
  const [call] = await db
    .select({ slug: schema.calls.slug })
    .from(schema.calls)
    .where(eq(schema.calls.id, callId));
  if (!call) return 0;
  return pendingDecisions(db, await requirePublishedCall(db, call.slug));
}
