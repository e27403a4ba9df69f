import { recordAudit, schema, type Actor } from '@permed/db';
import {
  solveAssignment,
  type AssignmentSettings,
  type InfeasibleAssignment,
  type OptimalAssignment,
} from '@permed/evaluation';
import { AppError } from '@permed/http';
import { eq, sql } from 'drizzle-orm';
import { loadAssignmentProblem, pairKey } from './assignment-problem.ts';
import {
  requireStage,
  type CallContext,
  type EvaluationStage,
  type UseCaseDeps,
} from './evaluation-context.ts';
import { storeDetections } from './store-detections.ts';

export interface RunAssignmentInput {
  stage: EvaluationStage;
  settings: Partial<AssignmentSettings>;
  candidatesPerProposal?: number | 'all' | undefined;
  /** Make the optimal result the stage's assignment (default); false only records the run. */
  apply: boolean;
}

export interface AssignmentRunOutcome {
  runId: string;
  result: OptimalAssignment;
  applied: boolean;
  changes: { added: number; removed: number; kept: number };
}

/**
 * Runs the exact optimiser over the proposals evaluated at the stage and the reviewers who
 * accepted. The run is recorded either way (input hash, parameters, solver, objective or
 * diagnosis). An optimal run becomes the stage's assignment: started reviews are fixed, pairs
 * left out are removed, new ones added. An infeasible run is refused with its diagnosis.
 */
export async function runAssignment(
  deps: UseCaseDeps,
  actor: Actor,
  ctx: CallContext,
  input: RunAssignmentInput,
): Promise<AssignmentRunOutcome> {
  requireStage(ctx, input.stage);
  const problem = await loadAssignmentProblem(deps.db, ctx, input.stage, {
    settings: input.settings,
    fixStarted: true,
  });
  if (problem.proposals.length === 0) {
    throw new AppError('CONFLICT', `No proposal is awaiting review at the ${input.stage} stage`);
  }
  const result = solveAssignment(
    problem.input,
    input.candidatesPerProposal === undefined ? {} : { candidatesPerProposal: input.candidatesPerProposal },
  );
  const now = deps.clock.now();
  const common = {
    callId: ctx.callId,
    stage: input.stage,
    callVersion: ctx.callVersion,
    inputHash: result.inputHash,
    parameters: result.parameters as unknown as Record<string, unknown>,
    solver: result.solver as unknown as Record<string, unknown>,
    proposalCount: problem.proposals.length,
    reviewerCount: problem.reviewers.length,
    createdAt: now,
    createdBy: actor.userId,
    createdByLabel: actor.label,
  };

  if (result.status === 'infeasible') {
    const diagnosis = diagnosisOf(result);
    const runId = await deps.db.transaction(async (tx) => {
      const [run] = await tx
        .insert(schema.assignmentRuns)
        .values({ ...common, status: 'infeasible', objective: null, diagnosis, applied: false })
        .returning({ id: schema.assignmentRuns.id });
      await storeDetections(
        tx,
        ctx.callId,
        problem.proposals.map((p) => p.id),
        problem.conflicts,
        now,
      );
      await recordAudit(tx, {
        actor,
        action: 'evaluation.assignment_run',
        targetType: 'call',
        targetId: ctx.callId,
        details: { runId: run!.id, stage: input.stage, status: 'infeasible', inputHash: result.inputHash },
        at: now,
      });
      return run!.id;
    });
    throw new AppError('ASSIGNMENT_INFEASIBLE', result.binding.map((b) => b.message).join(' ') || undefined, {
      extensions: { runId, inputHash: result.inputHash, parameters: result.parameters, ...diagnosis },
    });
  }

  return deps.db.transaction(async (tx) => {
    const [run] = await tx
      .insert(schema.assignmentRuns)
      .values({
        ...common,
        status: 'optimal',
        objective: result.objective,
        diagnosis: null,
        applied: input.apply,
      })
      .returning({ id: schema.assignmentRuns.id });
    const runId = run!.id;
    await storeDetections(
      tx,
      ctx.callId,
      problem.proposals.map((p) => p.id),
      problem.conflicts,
      now,
    );
    const changes = { added: 0, removed: 0, kept: 0 };
    if (input.apply) {
      const wanted = new Map(result.assignments.map((a) => [pairKey(a), a]));
      for (const row of problem.active) {
        if (wanted.has(pairKey(row))) {
          changes.kept += 1;
          continue;
        }
        await tx
          .update(schema.assignments)
          .set({
            status: 'removed',
            reason: `not in assignment run ${runId}`,
            changedAt: now,
            changedBy: actor.userId,
          })
          .where(eq(schema.assignments.id, row.id));
        changes.removed += 1;
      }
      const activeKeys = new Set(problem.active.map(pairKey));
      for (const a of result.assignments) {
        if (activeKeys.has(pairKey(a))) continue;
        // A pair removed earlier comes back as the same row; a declined pair never reaches here.
        await tx
          .insert(schema.assignments)
          .values({
            callId: ctx.callId,
            stage: input.stage,
            proposalId: a.proposalId,
            reviewerId: a.reviewerId,
            status: 'active',
            source: 'optimiser',
            runId,
            affinity: a.affinity,
            createdAt: now,
            createdBy: actor.userId,
            changedAt: now,
            changedBy: actor.userId,
          })
          .onConflictDoUpdate({
            target: [schema.assignments.stage, schema.assignments.proposalId, schema.assignments.reviewerId],
            set: {
              status: 'active',
              source: 'optimiser',
              runId,
              affinity: a.affinity,
              reason: null,
              changedAt: now,
              changedBy: actor.userId,
            },
            setWhere: sql`${schema.assignments.status} = 'removed'`,
          });
        changes.added += 1;
      }
    }
    await recordAudit(tx, {
      actor,
      action: 'evaluation.assignment_run',
      targetType: 'call',
      targetId: ctx.callId,
      details: {
        runId,
        stage: input.stage,
        status: 'optimal',
        inputHash: result.inputHash,
        objective: result.objective,
        applied: input.apply,
        changes,
      },
      at: now,
    });
    return { runId, result, applied: input.apply, changes };
  });
}

function diagnosisOf(result: InfeasibleAssignment): Record<string, unknown> {
  return {
    neededPairs: result.neededPairs,
    possiblePairs: result.possiblePairs,
    shortProposals: result.shortProposals,
    shortReviewers: result.shortReviewers,
    binding: result.binding,
  };
}
