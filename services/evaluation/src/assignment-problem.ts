import { and, desc, eq } from 'drizzle-orm';
import { schema, type DbOrTx } from '@permed/db';
import {
  assignmentInput,
  conflictPairs,
  type AssignmentInput,
  type AssignmentSettings,
  type Conflict,
  type PairRef,
} from '@permed/evaluation';
import { AppError, validationError } from '@permed/http';
import { detectStageConflicts, type ReviewerRow } from './conflict-inputs.ts';
import type { CallContext, EvaluationStage } from './evaluation-context.ts';
import { evaluatedStates, listStageProposals, type StageProposal } from './proposal-store.ts';
import type { AssignmentRow } from './reviewer-gate.ts';

export interface AssignmentProblem {
  input: AssignmentInput;
  proposals: StageProposal[];
  reviewers: ReviewerRow[];
  conflicts: Conflict[];
  /** Every assignment row of the stage, whatever its status. */
  rows: AssignmentRow[];
  active: AssignmentRow[];
}

export const pairKey = (p: PairRef) => `${p.proposalId}|${p.reviewerId}`;

/** The call's assignment settings, with the call office's overrides for one run. */
export function settingsOf(
  ctx: CallContext,
  overrides: Partial<AssignmentSettings> = {},
): AssignmentSettings {
  const e = ctx.definition.evaluation;
  return {
    reviewersPerProposal: overrides.reviewersPerProposal ?? e.reviewersPerProposal,
    maxLoad: overrides.maxLoad ?? e.maxLoadPerReviewer,
    minLoad: overrides.minLoad ?? e.minLoadPerReviewer,
    distinctCountries: overrides.distinctCountries ?? e.distinctReviewerCountries,
  };
}

/**
 * The settings of the stage's last applied optimiser run: overrides and replacements are judged by
 * the loads the call office chose for the assignment in force, not only by the call's defaults.
 */
export async function lastAppliedSettings(
  db: DbOrTx,
  callId: string,
  stage: EvaluationStage,
): Promise<Partial<AssignmentSettings>> {
  const [run] = await db
    .select({ parameters: schema.assignmentRuns.parameters })
    .from(schema.assignmentRuns)
    .where(
      and(
        eq(schema.assignmentRuns.callId, callId),
        eq(schema.assignmentRuns.stage, stage),
        eq(schema.assignmentRuns.applied, true),
      ),
    )
    // Runs are seconds apart in practice; the clock orders them.
    .orderBy(desc(schema.assignmentRuns.createdAt))
    .limit(1);
  if (!run) return {};
  const p = run.parameters as Partial<AssignmentSettings>;
  return {
    ...(typeof p.reviewersPerProposal === 'number' ? { reviewersPerProposal: p.reviewersPerProposal } : {}),
    ...(typeof p.maxLoad === 'number' ? { maxLoad: p.maxLoad } : {}),
    ...(typeof p.minLoad === 'number' ? { minLoad: p.minLoad } : {}),
    ...(typeof p.distinctCountries === 'boolean' ? { distinctCountries: p.distinctCountries } : {}),
  };
}

/**
 * The assignment problem of a stage as the database has it now: the proposals evaluated at the
 * stage, the reviewers who accepted, every conflict (detected afresh or declared), the pairs
 * reviewers declined and, with `fixStarted`, the pairs whose review has begun (a new run must not
 * take a proposal away from someone who is reading it).
 */
export async function loadAssignmentProblem(
  db: DbOrTx,
  ctx: CallContext,
  stage: EvaluationStage,
  options: { settings?: Partial<AssignmentSettings>; fixStarted?: boolean } = {},
): Promise<AssignmentProblem> {
  const proposals = await listStageProposals(db, ctx.callId, stage, evaluatedStates[stage]);
  const reviewers = await db
    .select()
    .from(schema.reviewers)
    .where(and(eq(schema.reviewers.callId, ctx.callId), eq(schema.reviewers.status, 'accepted')));
  const conflicts = await detectStageConflicts(db, ctx, reviewers, proposals);
  const rows = await db
    .select()
    .from(schema.assignments)
    .where(and(eq(schema.assignments.callId, ctx.callId), eq(schema.assignments.stage, stage)));
  const proposalIds = new Set(proposals.map((p) => p.id));
  const reviewerIds = new Set(reviewers.map((r) => r.id));
  const known = (p: PairRef) => proposalIds.has(p.proposalId) && reviewerIds.has(p.reviewerId);
  const pair = (r: AssignmentRow): PairRef => ({ proposalId: r.proposalId, reviewerId: r.reviewerId });
  const active = rows.filter((r) => r.status === 'active');
  let fixed: PairRef[] = [];
  if (options.fixStarted) {
    const started = await db
      .select({ proposalId: schema.reviews.proposalId, reviewerId: schema.reviews.reviewerId })
      .from(schema.reviews)
      .where(and(eq(schema.reviews.callId, ctx.callId), eq(schema.reviews.stage, stage)));
    const startedKeys = new Set(started.map(pairKey));
    fixed = active.map(pair).filter((p) => known(p) && startedKeys.has(pairKey(p)));
  }
  const settings = settingsOf(ctx, options.settings ?? (await lastAppliedSettings(db, ctx.callId, stage)));
  const draft = {
    proposals: proposals.map((p) => ({
      id: p.id,
      keywords: p.document.keywords ?? [],
      areas: p.document.modules ?? [],
    })),
    reviewers: reviewers.map((r) => ({
      id: r.id,
      country: r.country,
      expertise: r.expertise,
      // A reviewer who agreed to fewer proposals cannot be held to a higher minimum.
      ...(r.maxLoad === null ? {} : { maxLoad: r.maxLoad, minLoad: Math.min(settings.minLoad, r.maxLoad) }),
    })),
    settings,
    affinity: { mode: 'expertise' as const },
    conflicts: conflictPairs(conflicts),
    declined: rows
      .filter((r) => r.status === 'declined')
      .map(pair)
      .filter(known),
    fixed,
  };
  const parsed = assignmentInput.safeParse(draft);
  if (!parsed.success) {
    // Only settings the call office passed can get here (e.g. minLoad above maxLoad).
    const error = validationError(parsed.error.issues, 'body', 'The assignment settings are not valid');
    throw new AppError('VALIDATION_FAILED', error.detail, {
      errors: (error.errors ?? []).map((e) => ({ ...e, path: e.path.replace(/^\/settings/, '') })),
    });
  }
  return { input: parsed.data, proposals, reviewers, conflicts, rows, active };
}
