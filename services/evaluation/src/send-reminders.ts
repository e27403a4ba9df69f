import { and, eq, inArray } from 'drizzle-orm';
import { enqueueOutbox, recordAudit, schema, type Actor } from '@permed/db';
import {
  publicBase,
  requireStage,
  reviewStageOf,
  type CallContext,
  type EvaluationStage,
  type UseCaseDeps,
} from './evaluation-context.ts';
import { reminderMail } from './mail.ts';
import { reviewProgress } from './review-progress.ts';

/**
 * One reminder e-mail per reviewer with reviews not yet submitted at the stage, through the
 * outbox. The dedupe key (reviewer, stage, UTC day) makes a second press the same day send nothing.
 */
export async function sendReminders(
  deps: UseCaseDeps,
  actor: Actor,
  ctx: CallContext,
  stage: EvaluationStage,
): Promise<{ queued: string[]; alreadySentToday: string[] }> {
  requireStage(ctx, stage);
  const now = deps.clock.now();
  const progress = await reviewProgress(deps.db, ctx, stage, now);
  const day = now.toISOString().slice(0, 10);
  const pending = new Map<string, string[]>();
  for (const p of progress.proposals) {
    for (const r of p.reviewers) {
      if (r.status === 'assigned' || r.status === 'draft' || r.status === 'late') {
        pending.set(r.reviewerId, [...(pending.get(r.reviewerId) ?? []), p.acronym]);
      }
    }
  }
  const keyOf = (reviewerId: string) => `evaluation-reminder:${ctx.callId}:${stage}:${reviewerId}:${day}`;
  const keys = [...pending.keys()].map(keyOf);
  const sent = keys.length
    ? await deps.db
        .select({ key: schema.outbox.dedupeKey })
        .from(schema.outbox)
        .where(and(eq(schema.outbox.kind, 'mail'), inArray(schema.outbox.dedupeKey, keys)))
    : [];
  const sentKeys = new Set(sent.map((s) => s.key));
  const reviewers = await deps.db
    .select()
    .from(schema.reviewers)
    .where(eq(schema.reviewers.callId, ctx.callId));
  const deadlineStage = ctx.definition.stages.find((s) => s.kind === reviewStageOf[stage]);
  const queued: string[] = [];
  const alreadySentToday: string[] = [];
  await deps.db.transaction(async (tx) => {
    for (const [reviewerId, acronyms] of pending) {
      if (sentKeys.has(keyOf(reviewerId))) {
        alreadySentToday.push(reviewerId);
        continue;
      }
      const reviewer = reviewers.find((r) => r.id === reviewerId)!;
      await enqueueOutbox(tx, {
        kind: 'mail',
        payload: {
          ...reminderMail({
            to: reviewer.email,
            name: reviewer.name,
            callTitle: ctx.definition.title,
            pending: acronyms,
            deadline: deadlineStage?.closesAt ?? null,
            base: publicBase(deps),
            callId: ctx.callId,
          }),
        },
        at: now,
        dedupeKey: keyOf(reviewerId),
      });
      queued.push(reviewerId);
    }
    await recordAudit(tx, {
      actor,
      action: 'evaluation.reminders_sent',
      targetType: 'call',
      targetId: ctx.callId,
      details: { stage, day, queued, alreadySentToday },
      at: now,
    });
  });
  return { queued, alreadySentToday };
}
