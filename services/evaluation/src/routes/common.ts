import { z } from 'zod';
import { requireScope, type Principal } from '@permed/http';
import { requireCallContext, type CallContext, type UseCaseDeps } from '../evaluation-context.ts';

export const callParams = z.object({ callId: z.uuid() }).strict();
export const proposalParams = z.object({ callId: z.uuid(), proposalId: z.uuid() }).strict();

/** Problem documents (application/problem+json), declared per status so OpenAPI lists them. */
export const problems = {
  400: z.unknown(),
  401: z.unknown(),
  403: z.unknown(),
  404: z.unknown(),
  409: z.unknown(),
};

/** The call office of this call (or of every call); scope first, so another call's office learns nothing. */
export async function officeContext(
  deps: UseCaseDeps,
  principal: Principal,
  callId: string,
): Promise<CallContext> {
  requireScope(principal, 'call-office', 'call', callId);
  return requireCallContext(deps.db, callId);
}

export const iso = (d: Date | null) => (d ? d.toISOString() : null);
