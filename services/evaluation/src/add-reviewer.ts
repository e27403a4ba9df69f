import { and, eq } from 'drizzle-orm';
import { recordAudit, schema, type Actor } from '@permed/db';
import { AppError } from '@permed/http';
import type { ReviewerRow } from './conflict-inputs.ts';
import { isUniqueViolation } from './db-errors.ts';
import type { CallContext, UseCaseDeps } from './evaluation-context.ts';
import type { ReviewerInput } from './inputs.ts';

/** The call office lists an expert in the call's pool; the invitation is a separate step. */
export async function addReviewer(
  deps: UseCaseDeps,
  actor: Actor,
  ctx: CallContext,
  input: ReviewerInput,
): Promise<ReviewerRow> {
  if (
    input.employedByFunderId !== undefined &&
    !ctx.definition.funders.some((f) => f.funderId === input.employedByFunderId)
  ) {
    throw new AppError('VALIDATION_FAILED', 'The employing funder does not take part in this call', {
      errors: [
        {
          in: 'body',
          path: '/employedByFunderId',
          message: `${input.employedByFunderId} is not a funder of this call`,
          code: 'UNKNOWN_FUNDER',
        },
      ],
    });
  }
  const email = input.email.trim().toLowerCase();
  const now = deps.clock.now();
  const duplicate = () =>
    new AppError('ALREADY_EXISTS', `${email} is already in the pool of this call`, {
      errors: [{ in: 'body', path: '/email', message: 'already in the pool' }],
    });
  try {
    return await deps.db.transaction(async (tx) => {
      const [existing] = await tx
        .select({ id: schema.reviewers.id })
        .from(schema.reviewers)
        .where(and(eq(schema.reviewers.callId, ctx.callId), eq(schema.reviewers.email, email)));
      if (existing) throw duplicate();
      const [row] = await tx
        .insert(schema.reviewers)
        .values({
          callId: ctx.callId,
          name: input.name,
          email,
          organisationName: input.organisation.name,
          organisationRorId: input.organisation.rorId ?? null,
          country: input.country,
          expertise: input.expertise,
          orcid: input.orcid ?? null,
          employedByFunderId: input.employedByFunderId ?? null,
          collaborators: input.collaborators,
          maxLoad: input.maxLoad ?? null,
          status: 'listed',
          createdAt: now,
          createdBy: actor.userId,
          updatedAt: now,
        })
        .returning();
      await recordAudit(tx, {
        actor,
        action: 'evaluation.reviewer_added',
        targetType: 'reviewer',
        targetId: row!.id,
        details: { callId: ctx.callId, email, country: input.country },
        at: now,
      });
      return row!;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicate();
    throw error;
  }
}
