import { recordAudit, schema, type Actor } from '@permed/db';
import { AppError } from '@permed/http';
import type { ReviewerRow } from './conflict-inputs.ts';
import {
  CONFIDENTIALITY_STATEMENT_HASH,
  CONFIDENTIALITY_STATEMENT_VERSION,
} from './confidentiality-statement.ts';
import type { UseCaseDeps } from './evaluation-context.ts';
import { confidentialityOf } from './reviewer-gate.ts';

/**
 * Records the reviewer's acceptance of the confidentiality undertaking. The client sends back the
 * hash of the text it showed, so an acceptance always names the exact wording; accepting twice
 * keeps the first acceptance.
 */
export async function acceptConfidentiality(
  deps: UseCaseDeps,
  actor: Actor,
  reviewer: ReviewerRow,
  statementHash: string,
): Promise<{ acceptedAt: Date; statementVersion: string; statementHash: string }> {
  if (statementHash !== CONFIDENTIALITY_STATEMENT_HASH) {
    throw new AppError('CONFLICT', 'The statement you accepted is not the current one; read it again', {
      errors: [{ in: 'body', path: '/statementHash', message: 'not the current statement' }],
      extensions: { statementHash: CONFIDENTIALITY_STATEMENT_HASH },
    });
  }
  const existing = await confidentialityOf(deps.db, reviewer.id);
  if (existing) return existing;
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(schema.confidentialityAcceptances)
      .values({
        reviewerId: reviewer.id,
        callId: reviewer.callId,
        userId: actor.userId!,
        statementVersion: CONFIDENTIALITY_STATEMENT_VERSION,
        statementHash,
        acceptedAt: now,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) return (await confidentialityOf(tx, reviewer.id))!;
    await recordAudit(tx, {
      actor,
      action: 'evaluation.confidentiality_accepted',
      targetType: 'reviewer',
      targetId: reviewer.id,
      details: {
        callId: reviewer.callId,
        statementVersion: CONFIDENTIALITY_STATEMENT_VERSION,
        statementHash,
      },
      at: now,
    });
    return row;
  });
}
