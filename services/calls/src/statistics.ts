import { and, count, eq } from 'drizzle-orm';
import { schema, type DbOrTx } from '@permed/db';

/** Proposals per lifecycle state. Country and funder breakdowns join the proposals' partners. */
export async function callStatistics(db: DbOrTx, callId: string): Promise<Record<string, unknown>> {
  const rows = await db
    .select({ state: schema.workflowInstances.state, n: count() })
    .from(schema.workflowInstances)
    .where(and(eq(schema.workflowInstances.kind, 'proposal'), eq(schema.workflowInstances.callId, callId)))
    .groupBy(schema.workflowInstances.state);
  const byState = Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  return { proposals: rows.reduce((a, r) => a + Number(r.n), 0), byState };
}
