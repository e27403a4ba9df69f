import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from './client.ts';
import { canonicalJson, sha256Hex } from './canonical.ts';
import { workflowInstances, workflowTransitions } from './schema/workflow.ts';
import type { Actor } from './audit.ts';

export const GENESIS_HASH = '0'.repeat(64);

export type WorkflowKind = 'call' | 'proposal';

export interface StepOutcome {
  accepted: boolean;
  from: string;
  to: string;
  snapshot: unknown;
  allowedEvents: string[];
}

/** The pure machine step, injected so this package stays free of any one machine. */
export type Stepper = (snapshot: unknown, event: { type: string } & Record<string, unknown>) => StepOutcome;

export type StepResult =
  | { ok: true; from: string; to: string; seq: number; lockVersion: number; hash: string }
  | { ok: false; reason: 'not-accepted'; currentState: string; allowedEvents: string[] }
  | { ok: false; reason: 'concurrent'; currentState: string }
  | { ok: false; reason: 'stale'; currentState: string; lockVersion: number }
  | { ok: false; reason: 'missing' };

/** The hashed content of one transition row (everything but its id and its own hash). */
export interface TransitionContent {
  instanceId: string;
  seq: number;
  actorUserId: string | null;
  actorLabel: string;
  event: string;
  fromState: string;
  toState: string;
  at: Date;
  payload: Record<string, unknown>;
  callVersion: number | null;
  machineVersion: string;
  prevHash: string;
}

export function transitionHash(row: TransitionContent): string {
  return sha256Hex(
    canonicalJson({
      instanceId: row.instanceId,
      seq: row.seq,
      actorUserId: row.actorUserId,
      actorLabel: row.actorLabel,
      event: row.event,
      fromState: row.fromState,
      toState: row.toState,
      at: row.at.toISOString(),
      payload: row.payload,
      callVersion: row.callVersion,
      machineVersion: row.machineVersion,
      prevHash: row.prevHash,
    }),
  );
}

/** Creates an instance and its first (creation) row in the caller's transaction. */
export async function createWorkflowInstance(
  tx: DbOrTx,
  args: {
    kind: WorkflowKind;
    subjectId: string;
    callId?: string | null;
    state: string;
    snapshot: unknown;
    machineVersion: string;
    actor: Actor;
    at: Date;
    callVersion?: number | null;
  },
): Promise<{ instanceId: string }> {
  const [inst] = await tx
    .insert(workflowInstances)
    .values({
      kind: args.kind,
      subjectId: args.subjectId,
      callId: args.callId ?? null,
      state: args.state,
      snapshot: args.snapshot as Record<string, unknown>,
      machineVersion: args.machineVersion,
      lockVersion: 1,
      seq: 1,
      headHash: GENESIS_HASH,
      updatedAt: args.at,
    })
    .returning({ id: workflowInstances.id });
  const content: TransitionContent = {
    instanceId: inst!.id,
    seq: 0,
    actorUserId: args.actor.userId,
    actorLabel: args.actor.label,
    event: '@created',
    fromState: '',
    toState: args.state,
    at: args.at,
    payload: {},
    callVersion: args.callVersion ?? null,
    machineVersion: args.machineVersion,
    prevHash: GENESIS_HASH,
  };
  const hash = transitionHash(content);
  await tx.insert(workflowTransitions).values({ ...content, hash });
  await tx.update(workflowInstances).set({ headHash: hash }).where(eq(workflowInstances.id, inst!.id));
  return { instanceId: inst!.id };
}

export async function loadWorkflowInstance(db: DbOrTx, kind: WorkflowKind, subjectId: string) {
  const [row] = await db
    .select()
    .from(workflowInstances)
    .where(and(eq(workflowInstances.kind, kind), eq(workflowInstances.subjectId, subjectId)));
  return row ?? null;
}

/** What a step needs of an instance: its row as stored (the hot path reads it in a joined statement). */
export type WorkflowHead = Pick<
  typeof workflowInstances.$inferSelect,
  'id' | 'state' | 'snapshot' | 'machineVersion' | 'lockVersion' | 'seq' | 'headHash'
>;

/** A step the machine accepted, ready to store: the new snapshot and the chained transition row. */
export interface PlannedStep {
  from: string;
  to: string;
  snapshot: unknown;
  /** The transition row to append (its `seq` is the instance's current `seq`). */
  transition: TransitionContent & { hash: string };
}

export type StepPlan =
  | ({ ok: true } & PlannedStep)
  | { ok: false; reason: 'not-accepted'; currentState: string; allowedEvents: string[] };

/**
 * The pure half of a step: run the machine and build the next link of the chain. Kept apart from
 * the writes so that a caller may store the step in a statement of its own (the submit path writes
 * it together with the version); the chain format is defined here only.
 */
export function planWorkflowStep(
  inst: WorkflowHead,
  args: {
    event: { type: string } & Record<string, unknown>;
    step: Stepper;
    actor: Actor;
    at: Date;
    callVersion?: number | null;
    payload?: Record<string, unknown>;
  },
): StepPlan {
  const outcome = args.step(inst.snapshot, args.event);
  if (!outcome.accepted) {
    return {
      ok: false,
      reason: 'not-accepted',
      currentState: inst.state,
      allowedEvents: outcome.allowedEvents,
    };
  }
  const { type, ...rest } = args.event;
  const content: TransitionContent = {
    instanceId: inst.id,
    seq: inst.seq,
    actorUserId: args.actor.userId,
    actorLabel: args.actor.label,
    event: type,
    fromState: outcome.from,
    toState: outcome.to,
    at: args.at,
    payload: args.payload ?? rest,
    callVersion: args.callVersion ?? null,
    machineVersion: inst.machineVersion,
    prevHash: inst.headHash,
  };
  return {
    ok: true,
    from: outcome.from,
    to: outcome.to,
    snapshot: outcome.snapshot,
    transition: { ...content, hash: transitionHash(content) },
  };
}

/**
 * One lifecycle step in the caller's transaction: load → pure transition → refuse if not
 * accepted → store snapshot under the optimistic lock → append the chained transition row.
 * Two concurrent steps on one instance: the second finds the lock version moved and gets
 * `concurrent` (the service answers 409); nothing of it is written.
 */
export async function stepWorkflow(
  tx: DbOrTx,
  args: {
    kind: WorkflowKind;
    subjectId: string;
    event: { type: string } & Record<string, unknown>;
    step: Stepper;
    actor: Actor;
    at: Date;
    callVersion?: number | null;
    /** From If-Match: refuse when the instance has moved on since the client read it. */
    expectedLockVersion?: number;
    /** Payload recorded in the transition row (defaults to the event without its type). */
    payload?: Record<string, unknown>;
  },
): Promise<StepResult> {
  const inst = await loadWorkflowInstance(tx, args.kind, args.subjectId);
  if (!inst) return { ok: false, reason: 'missing' };
  if (args.expectedLockVersion !== undefined && args.expectedLockVersion !== inst.lockVersion) {
    return { ok: false, reason: 'stale', currentState: inst.state, lockVersion: inst.lockVersion };
  }
  const plan = planWorkflowStep(inst, args);
  if (!plan.ok) return plan;
  const updated = await tx
    .update(workflowInstances)
    .set({
      state: plan.to,
      snapshot: plan.snapshot as Record<string, unknown>,
      lockVersion: sql`${workflowInstances.lockVersion} + 1`,
      seq: inst.seq + 1,
      headHash: plan.transition.hash,
      updatedAt: args.at,
    })
    .where(and(eq(workflowInstances.id, inst.id), eq(workflowInstances.lockVersion, inst.lockVersion)))
    .returning({ lockVersion: workflowInstances.lockVersion });
  if (updated.length === 0) return { ok: false, reason: 'concurrent', currentState: inst.state };
  await tx.insert(workflowTransitions).values(plan.transition);
  return {
    ok: true,
    from: plan.from,
    to: plan.to,
    seq: plan.transition.seq,
    lockVersion: updated[0]!.lockVersion,
    hash: plan.transition.hash,
  };
}

export interface ChainBreak {
  instanceId: string;
  kind: string;
  subjectId: string;
  seq: number;
  transitionId: number | null;
  reason: string;
}

/**
 * Recomputes every instance's chain. Returns the first broken link (in instance creation order,
 * then seq), or null when every chain is intact.
 */
export async function verifyWorkflowChains(
  db: Db,
  onProgress?: (checked: number) => void,
): Promise<{ instances: number; transitions: number; firstBreak: ChainBreak | null }> {
  const instances = await db
    .select()
    .from(workflowInstances)
    .orderBy(asc(workflowInstances.updatedAt), asc(workflowInstances.id));
  let transitions = 0;
  for (const inst of instances) {
    const rows = await db
      .select()
      .from(workflowTransitions)
      .where(eq(workflowTransitions.instanceId, inst.id))
      .orderBy(asc(workflowTransitions.seq));
    let prev = GENESIS_HASH;
    const brk = (seq: number, id: number | null, reason: string): ChainBreak => ({
      instanceId: inst.id,
      kind: inst.kind,
      subjectId: inst.subjectId,
      seq,
      transitionId: id,
      reason,
    });
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      transitions += 1;
      if (row.seq !== i)
        return {
          instances: instances.length,
          transitions,
          firstBreak: brk(i, row.id, `row ${i} is missing (found seq ${row.seq})`),
        };
      if (row.prevHash !== prev) {
        return {
          instances: instances.length,
          transitions,
          firstBreak: brk(row.seq, row.id, 'prevHash does not match the previous row'),
        };
      }
      const expected = transitionHash({ ...row, payload: row.payload });
      if (expected !== row.hash) {
        return {
          instances: instances.length,
          transitions,
          firstBreak: brk(row.seq, row.id, 'content does not match its hash (row edited)'),
        };
      }
      prev = row.hash;
    }
    if (rows.length !== inst.seq || prev !== inst.headHash) {
      return {
        instances: instances.length,
        transitions,
        firstBreak: brk(
          rows.length,
          null,
          `chain ends at seq ${rows.length - 1} but the instance records ${inst.seq} rows (rows deleted)`,
        ),
      };
    }
    onProgress?.(transitions);
  }
  return { instances: instances.length, transitions, firstBreak: null };
}
