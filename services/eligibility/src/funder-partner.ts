import { proposalDocument, type ProposalDocument, type ProposalStage } from '@permed/domain';
import type { DbOrTx } from '@permed/db';
import { AppError } from '@permed/http';
import { latestVersions, type LatestVersionRow } from './proposal-store.ts';

export interface FunderPartner {
  version: LatestVersionRow;
  /** The counted version's document, parsed. */
  document: ProposalDocument;
  partner: ProposalDocument['partners'][number];
}

/**
 * The object check of every route about one funder's partner: the partner must ask `funderId` in
 * the counted (latest submitted, not withdrawn) version of the proposal at `stage`. Anything else —
 * a partner of another funder, a proposal id that does not exist or is not in this call — answers
 * the same 404, so a URL reveals nothing about other funders' partners or other calls' proposals.
 */
export async function requireFunderPartner(
  db: DbOrTx,
  args: { callId: string; stage: ProposalStage; funderId: string; proposalId: string; partnerId: string },
): Promise<FunderPartner> {
  const [version] = await latestVersions(db, {
    callId: args.callId,
    stage: args.stage,
    proposalIds: [args.proposalId],
  });
  const parsed = version ? proposalDocument.safeParse(version.document) : null;
  const partner = parsed?.success
    ? parsed.data.partners.find((p) => p.id === args.partnerId && p.funderId === args.funderId)
    : undefined;
  if (!version || !parsed?.success || !partner) {
    throw new AppError(
      'NOT_FOUND',
      `No partner ${args.partnerId} asking ${args.funderId} in a submitted proposal ${args.proposalId} of this call`,
    );
  }
  return { version, document: parsed.data, partner };
}
