import { z } from 'zod';
import type { DbOrTx } from '@permed/db';
import { proposalDocument, proposalStage, validateProposalAgainstRegistry } from '@permed/domain';
import { AppError, pointer, validationError } from '@permed/http';
import { contextFromCall, evaluateProposal, type Verdict } from '@permed/rules';
import { currentSubmissionStage, loadPublishedCall, type CallProjectionCache } from './call-context.ts';

/**
 * The pre-check body: the proposal document as the proposals service stores it, plus an optional
 * stage. The shape is checked by the route schema (so it shows in OpenAPI); the document's
 * cross-field rules (one coordinator, unique partner ids) by `proposalDocument` in the use case.
 */
export const preCheckBody = z
  .object({
    ...proposalDocument.shape,
    stage: proposalStage.optional().describe('Defaults to the stage the call is taking submissions for'),
  })
  .strict();
export type PreCheckBody = z.infer<typeof preCheckBody>;

/**
 * The applicant's automatic check of a draft against the call's current version: advisory, nothing
 * stored. A funder outside the call or a budget in another currency than its funder's is bad input
 * (400 with the field path), since the amounts could not be compared.
 */
export async function preCheckProposal(
  db: DbOrTx,
  cache: CallProjectionCache,
  args: { slug: string; body: PreCheckBody },
): Promise<{ call: { slug: string; version: number }; verdict: Verdict }> {
  const call = await loadPublishedCall(db, cache, args.slug);
  const { stage, ...document } = args.body;
  const parsed = proposalDocument.safeParse(document);
  if (!parsed.success) throw validationError(parsed.error.issues, 'body', 'The proposal is not valid');
  const registryIssues = validateProposalAgainstRegistry(parsed.data, call.eligibilityCall.funders);
  if (registryIssues.length > 0) {
    throw new AppError(
      'VALIDATION_FAILED',
      'The proposal names funders or currencies this call does not take',
      {
        errors: registryIssues.map((i) => ({
          in: 'body',
          path: pointer(i.path),
          message: i.message,
          code: i.code,
        })),
      },
    );
  }
  const verdict = evaluateProposal(
    contextFromCall(call.eligibilityCall, stage ?? currentSubmissionStage(call.definition, call.state)),
    parsed.data,
  );
  return { call: { slug: call.slug, version: call.version }, verdict };
}
