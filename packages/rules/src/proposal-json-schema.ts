import { proposalDocument } from '@permed/domain';
import { z } from 'zod';

/**
 * JSON Schema (draft 2020-12) of the proposal document, for API docs and form builders. Checks that
 * JSON Schema cannot express (ORCID and ROR checksums, one coordinator, unique ids) stay in zod.
 */
export function proposalJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(proposalDocument, { target: 'draft-2020-12' });
}
