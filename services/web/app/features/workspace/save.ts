import { useEffect, useState } from 'react';
import type { QueryClient } from '@tanstack/react-query';
import { ApiError, toApiError } from '../../lib/api';
import { fieldKey } from './partner-model';
import { proposalQuery, type ProposalView } from './queries';

/** What a save came to, for the editor to show. */
export type SaveOutcome =
  | { kind: 'saved' }
  | { kind: 'stale'; fresh: ProposalView }
  | { kind: 'invalid'; fields: Record<string, string> }
  | { kind: 'failed'; error: ApiError };

/**
 * Runs one conditional write and sorts its answer: a 412 fetches the proposal as it is now (what
 * the other person saved), a 400 becomes messages by field.
 */
export async function conditionalWrite(
  queryClient: QueryClient,
  proposalId: string,
  write: () => Promise<{ error?: unknown; response: Response }>,
): Promise<SaveOutcome> {
  let result: { error?: unknown; response: Response };
  try {
    result = await write();
  } catch (cause) {
    return { kind: 'failed', error: new ApiError('NETWORK', 0, null, String(cause)) };
  }
  if (result.response.ok) return { kind: 'saved' };
  if (result.response.status === 412) {
    const fresh = await queryClient.fetchQuery({ ...proposalQuery(proposalId), staleTime: 0 });
    return { kind: 'stale', fresh };
  }
  const error = toApiError(result.error, result.response);
  if (error.code === 'VALIDATION_FAILED' && error.problem?.errors?.length) {
    const fields: Record<string, string> = {};
    for (const e of error.problem.errors) fields[fieldKey(e.path)] ??= e.message;
    return { kind: 'invalid', fields };
  }
  return { kind: 'failed', error };
}

/** Moves focus to the first control with an error, as a person expects after pressing Save. */
export function focusFirstError(container: HTMLElement | null): void {
  requestAnimationFrame(() => {
    container?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  });
}

/**
 * After a 412 the edits are laid over the other person's; once every clash is decided, the save
 * goes out again (with the new ETag). Call the returned function on a 412. `save` is the current
 * render's, so it sends the draft as resolved; it runs once per resolved 412.
 */
export function useResaveWhenResolved(conflicts: number, save: () => Promise<void>): () => void {
  const [pending, setPending] = useState(false);
  useEffect(() => {
    if (!pending || conflicts > 0) return;
    setPending(false);
    void save();
  }, [pending, conflicts]);
  return () => setPending(true);
}
