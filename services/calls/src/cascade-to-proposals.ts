import { and, eq, inArray } from 'drizzle-orm';
import { recordAudit, schema, stepWorkflow, type Actor, type DbOrTx } from '@permed/db';
import { step, type ProposalEvent } from '@permed/workflow';

/**
 * When the call enters a stage, the proposals that are waiting for it move with it, in the same
 * transaction as the call's own step: the deadline sends submitted proposals to the national
 * eligibility check, the review stage starts the review of the proposals that reached it, the
 * rebuttal opens for those under review. Without this, proposals would sit in 'submitted' after
 * the deadline and no funder or reviewer would see them.
 */
const cascades: { to: string; from: (twoStage: boolean) => string[]; event: ProposalEvent['type'] }[] = [
  { to: 'eligibility-check', from: () => ['submitted'], event: 'START_ELIGIBILITY_CHECK' },
  {
    to: 'full-proposal-review',
    from: (twoStage) => (twoStage ? ['full-submitted'] : ['eligible']),
    event: 'START_REVIEW',
  },
  { to: 'rebuttal', from: () => ['under-review'], event: 'OPEN_REBUTTAL' },
  // A proposal the Steering Committee did not recommend is not funded once the call closes.
  { to: 'closed', from: () => ['not-recommended'], event: 'NOT_FUND' },
];

export async function cascadeToProposals(
  tx: DbOrTx,
  args: {
    callId: string;
    callState: string;
    twoStage: boolean;
    actor: Actor;
    at: Date;
    callVersion: number | null;
  },
): Promise<{ event: string | null; moved: number; skipped: number }> {
  const cascade = cascades.find((c) => c.to === args.callState);
  if (!cascade) return { event: null, moved: 0, skipped: 0 };
  const waiting = await tx
    .select({ subjectId: schema.workflowInstances.subjectId })
    .from(schema.workflowInstances)
    .where(
      and(
        eq(schema.workflowInstances.kind, 'proposal'),
        eq(schema.workflowInstances.callId, args.callId),
        inArray(schema.workflowInstances.state, cascade.from(args.twoStage)),
      ),
    );
  let moved = 0;
  let skipped = 0;
  for (const { subjectId } of waiting) {
    const result = await stepWorkflow(tx, {
      kind: 'proposal',
      subjectId,
      event: { type: cascade.event },
      step: (snapshot, event) => step('proposal', snapshot as never, event as ProposalEvent),
      actor: args.actor,
      at: args.at,
      callVersion: args.callVersion,
      payload: { cause: `call entered ${args.callState}` },
    });
    if (result.ok) moved += 1;
    else skipped += 1;
  }
  if (waiting.length > 0) {
    await recordAudit(tx, {
      actor: args.actor,
      action: 'call.proposals_moved',
      targetType: 'call',
      targetId: args.callId,
      details: { event: cascade.event, callState: args.callState, moved, skipped },
      at: args.at,
    });
  }
  return { event: cascade.event, moved, skipped };
}
