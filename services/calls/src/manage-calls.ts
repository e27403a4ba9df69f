import { and, eq, sql } from 'drizzle-orm';
import fastJsonPatch from 'fast-json-patch';
import { canonicalHash, recordAudit, schema, type Actor, type Db } from '@permed/db';
import { storedCallDefinition, type CallDefinition, type Clock } from '@permed/domain';
import { AppError } from '@permed/http';
import { advanceWorkflow } from '@permed/service-kit';
import { visibleCallEvents } from './advance-call.ts';
import { grantRole } from '@permed/auth';
import { initialSnapshot, machineVersion, type CallEvent } from '@permed/workflow';
import { createWorkflowInstance } from '@permed/db';
import { requireCall, type CallRow } from './call-store.ts';
import { scheduleStageJobs } from './schedule-stage-jobs.ts';
import { validateCallDefinition } from './validate-call.ts';

const { calls, callVersions } = schema;

export interface UseCaseDeps {
  db: Db;
  clock: Clock;
}

/** Creates a draft call; its creator becomes its call office. */
export async function createCall(deps: UseCaseDeps, actor: Actor, input: unknown): Promise<CallRow> {
  const definition = await validateCallDefinition(deps.db, input);
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const [existing] = await tx.select({ id: calls.id }).from(calls).where(eq(calls.slug, definition.slug));
    if (existing) {
      throw new AppError('ALREADY_EXISTS', `A call with slug ${definition.slug} exists`, {
        errors: [{ in: 'body', path: '/slug', message: 'already used' }],
      });
    }
    const [row] = await tx
      .insert(calls)
      .values({
        slug: definition.slug,
        draft: definition,
        createdAt: now,
        createdBy: actor.userId,
      })
      .returning();
    await createWorkflowInstance(tx, {
      kind: 'call',
      subjectId: row!.id,
      callId: row!.id,
      state: 'draft',
      snapshot: initialSnapshot('call', {
        twoStage: definition.twoStage,
        rebuttal: definition.rebuttal.enabled,
      }),
      machineVersion: machineVersion('call'),
      actor,
      at: now,
    });
    if (actor.userId)
      await grantRole(tx, {
        userId: actor.userId,
        role: 'call-office',
        scopeType: 'call',
        scopeId: row!.id,
        grantedBy: actor.userId,
      });
    await recordAudit(tx, {
      actor,
      action: 'call.created',
      targetType: 'call',
      targetId: row!.id,
      details: { slug: definition.slug },
      at: now,
    });
    return row!;
  });
}

/** Replaces the draft under If-Match; a published call changes only through new versions. */
export async function updateDraft(
  deps: UseCaseDeps,
  actor: Actor,
  slug: string,
  expectedRevision: number,
  input: unknown,
): Promise<CallRow> {
  const call = await requireCall(deps.db, slug);
  if (call.currentVersion !== null) {
    throw new AppError(
      'PUBLISHED_IMMUTABLE',
      'This call is published: amend it with POST .../versions and a reason',
      {
        extensions: { currentVersion: call.currentVersion },
      },
    );
  }
  const definition = await validateCallDefinition(deps.db, input);
  if (definition.slug !== call.slug) {
    throw new AppError('VALIDATION_FAILED', 'The slug cannot change', {
      errors: [{ in: 'body', path: '/slug', message: 'cannot change' }],
    });
  }
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const [row] = await tx
      .update(calls)
      .set({
        draft: definition,
        draftRevision: sql`${calls.draftRevision} + 1`,
      })
      .where(
        and(
          eq(calls.id, call.id),
          eq(calls.draftRevision, expectedRevision),
          sql`${calls.currentVersion} is null`,
        ),
      )
      .returning();
    if (!row) {
      const [current] = await tx.select().from(calls).where(eq(calls.id, call.id));
      if (current?.currentVersion !== null)
        throw new AppError('PUBLISHED_IMMUTABLE', 'This call was published meanwhile');
      throw new AppError('PRECONDITION_FAILED', 'The draft changed since you read it', {
        extensions: { currentRevision: current.draftRevision },
        headers: { etag: `"${current.draftRevision}"` },
      });
    }
    await recordAudit(tx, {
      actor,
      action: 'call.draft_updated',
      targetType: 'call',
      targetId: call.id,
      details: { revision: row.draftRevision },
      at: now,
    });
    return row;
  });
}

export function structuredDiff(before: CallDefinition | Record<string, never>, after: CallDefinition) {
  const ops = fastJsonPatch.compare(before as object, after as object);
  return ops.map((op) => {
    const beforeValue: unknown =
      op.op === 'add' ? undefined : fastJsonPatch.getValueByPointer(before, op.path);
    return {
      path: op.path,
      op: op.op as 'add' | 'remove' | 'replace',
      ...(beforeValue !== undefined ? { before: beforeValue } : {}),
      ...('value' in op ? { after: op.value as unknown } : {}),
    };
  });
}

async function insertVersion(
  tx: Parameters<Parameters<Db['transaction']>[0]>[0],
  args: {
    call: CallRow;
    version: number;
    definition: CallDefinition;
    previous: CallDefinition | null;
    actor: Actor;
    reason: string;
    at: Date;
  },
) {
  const changes = structuredDiff(args.previous ?? {}, args.definition);
  await tx.insert(callVersions).values({
    callId: args.call.id,
    version: args.version,
    definition: args.definition,
    definitionHash: canonicalHash(args.definition),
    publishedAt: args.at,
    publishedBy: args.actor.userId,
    publishedByLabel: args.actor.label,
    reason: args.reason,
    changes: args.previous ? changes : [],
  });
  return changes;
}

/** Publishes the draft as version 1: it needs at least one funder; the stage jobs get scheduled. */
export async function publishCall(
  deps: UseCaseDeps,
  actor: Actor,
  slug: string,
  reason: string,
): Promise<{ version: number }> {
  const call = await requireCall(deps.db, slug);
  if (call.currentVersion !== null)
    throw new AppError('INVALID_TRANSITION', 'The call is already published', {
      extensions: { currentVersion: call.currentVersion },
    });
  const definition = await validateCallDefinition(deps.db, call.draft);
  if (definition.funders.length === 0) {
    throw new AppError(
      'CALL_NOT_PUBLISHABLE',
      'A call needs at least one participating funder before it is published',
      {
        errors: [{ in: 'body', path: '/funders', message: 'no funders', code: 'NO_FUNDERS' }],
      },
    );
  }
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const [claimed] = await tx
      .update(calls)
      .set({ currentVersion: 1 })
      .where(and(eq(calls.id, call.id), sql`${calls.currentVersion} is null`))
      .returning({ id: calls.id });
    if (!claimed) throw new AppError('CONFLICT', 'The call was published concurrently');
    await insertVersion(tx, { call, version: 1, definition, previous: null, actor, reason, at: now });
    const event: CallEvent = { type: 'PUBLISH', funderCount: definition.funders.length, stagesValid: true };
    await advanceWorkflow(tx, {
      kind: 'call',
      subjectId: call.id,
      event,
      actor,
      at: now,
      callVersion: 1,
      visibleEvents: visibleCallEvents,
    });
    await scheduleStageJobs(tx, call.id, definition, now);
    await recordAudit(tx, {
      actor,
      action: 'call.published',
      targetType: 'call',
      targetId: call.id,
      details: { version: 1, reason },
      at: now,
    });
  });
  return { version: 1 };
}

/**
 * A change after publication (a funder joins, a date or national rule is corrected) is a new
 * version with who, when, why and a structured diff (RFC 6902 operations with the old values).
 */
export async function amendCall(
  deps: UseCaseDeps,
  actor: Actor,
  slug: string,
  args: { definition: unknown; reason: string; basedOnVersion: number },
): Promise<{ version: number; changes: ReturnType<typeof structuredDiff> }> {
  const call = await requireCall(deps.db, slug);
  if (call.currentVersion === null)
    throw new AppError('CONFLICT', 'The call is still a draft: edit the draft instead');
  if (args.basedOnVersion !== call.currentVersion) {
    throw new AppError(
      'PRECONDITION_FAILED',
      `Version ${call.currentVersion} is current; you edited version ${args.basedOnVersion}`,
      {
        extensions: { currentVersion: call.currentVersion },
        headers: { etag: `"${call.currentVersion}"` },
      },
    );
  }
  const definition = await validateCallDefinition(deps.db, args.definition);
  if (definition.slug !== call.slug) {
    throw new AppError('VALIDATION_FAILED', 'The slug cannot change', {
      errors: [{ in: 'body', path: '/slug', message: 'cannot change' }],
    });
  }
  if (definition.funders.length === 0) {
    throw new AppError('VALIDATION_FAILED', 'A published call keeps at least one funder', {
      errors: [{ in: 'body', path: '/funders', message: 'no funders', code: 'NO_FUNDERS' }],
    });
  }
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const [prev] = await tx
      .select()
      .from(callVersions)
      .where(and(eq(callVersions.callId, call.id), eq(callVersions.version, call.currentVersion!)));
    // Read with the defaults of settings newer than it: amending it is no change of those.
    const previous = storedCallDefinition(prev!.definition);
    if (canonicalHash(previous) === canonicalHash(definition)) {
      throw new AppError('NO_CHANGE', 'Nothing changed: a new version needs a change');
    }
    const next = call.currentVersion! + 1;
    const [claimed] = await tx
      .update(calls)
      .set({ currentVersion: next })
      .where(and(eq(calls.id, call.id), eq(calls.currentVersion, call.currentVersion!)))
      .returning({ id: calls.id });
    if (!claimed) throw new AppError('CONFLICT', 'Another version was published concurrently; reload');
    const changes = await insertVersion(tx, {
      call,
      version: next,
      definition,
      previous,
      actor,
      reason: args.reason,
      at: now,
    });
    await scheduleStageJobs(tx, call.id, definition, now);
    await recordAudit(tx, {
      actor,
      action: 'call.amended',
      targetType: 'call',
      targetId: call.id,
      details: { version: next, reason: args.reason, changedPaths: changes.map((c) => c.path) },
      at: now,
    });
    return { version: next, changes };
  });
}
