import { stepWorkflow, type Actor, type DbOrTx, type WorkflowKind } from '@permed/db';
import { AppError, type Principal } from '@permed/http';
import { step, type EventOf } from '@permed/workflow';

export function actorOf(principal: Principal | null): Actor {
  return principal
    ? { userId: principal.userId, label: principal.email }
    : { userId: null, label: 'anonymous' };
}

export const schedulerActor: Actor = { userId: null, label: 'scheduler' };

/**
 * Steps a lifecycle in the caller's transaction and turns every refusal into the catalogue:
 * an event the machine does not accept → 409 INVALID_TRANSITION naming the state and the
 * events it allows; a concurrent step → 409 CONFLICT; a stale If-Match → 412.
 */
export async function advanceWorkflow<K extends WorkflowKind>(
  tx: DbOrTx,
  args: {
    kind: K;
    subjectId: string;
    event: EventOf<K>;
    actor: Actor;
    at: Date;
    callVersion?: number | null;
    expectedLockVersion?: number;
    payload?: Record<string, unknown>;
    /** Narrows the `allowedEvents` of a refusal to those the caller may send (default: all). */
    visibleEvents?: (events: string[]) => string[];
  },
): Promise<{ from: string; to: string; lockVersion: number }> {
  const result = await stepWorkflow(tx, {
    kind: args.kind,
    subjectId: args.subjectId,
    event: args.event,
    step: (snapshot, event) => step(args.kind, snapshot as never, event as EventOf<K>),
    actor: args.actor,
    at: args.at,
    ...(args.callVersion !== undefined ? { callVersion: args.callVersion } : {}),
    ...(args.expectedLockVersion !== undefined ? { expectedLockVersion: args.expectedLockVersion } : {}),
    ...(args.payload ? { payload: args.payload } : {}),
  });
  if (result.ok) return result;
  switch (result.reason) {
    case 'missing':
      throw new AppError('NOT_FOUND', `No ${args.kind} lifecycle for ${args.subjectId}`);
    case 'not-accepted':
      throw new AppError(
        'INVALID_TRANSITION',
        `${args.event.type} is not allowed in state ${result.currentState}`,
        {
          extensions: {
            currentState: result.currentState,
            allowedEvents: args.visibleEvents
              ? args.visibleEvents(result.allowedEvents)
              : result.allowedEvents,
            event: args.event.type,
          },
        },
      );
    case 'concurrent':
      throw new AppError('CONFLICT', 'Another change to this lifecycle committed first; reload and retry', {
        extensions: { currentState: result.currentState },
      });
    case 'stale':
      throw new AppError('PRECONDITION_FAILED', 'The lifecycle has changed since you read it', {
        extensions: { currentState: result.currentState, currentVersion: result.lockVersion },
        headers: { etag: `"${result.lockVersion}"` },
      });
  }
}

/** Parses an If-Match header holding one strong or weak ETag of an integer version. */
export function ifMatchVersion(header: string | string[] | undefined, required: boolean): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') {
    if (required) throw new AppError('PRECONDITION_REQUIRED', 'Send If-Match with the ETag you read');
    return undefined;
  }
  const m = /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(value);
  if (!m) {
    throw new AppError('BAD_REQUEST', 'If-Match must be one ETag such as "3"', {
      errors: [{ in: 'headers', path: '/if-match', message: 'expected "<version>"' }],
    });
  }
  return Number(m[1]);
}
