import { buildServiceApp, type ServiceDeps, type ServiceModule } from '@permed/service-kit';
import type { Config } from '@permed/config';
import type { App } from '@permed/http';
import { proposalsService } from './plugin.ts';
import type { ProposalsExtras } from './deps.ts';

export const proposalsModule: ServiceModule = {
  name: 'proposals',
  title: 'Proposals (consortia)',
  description: 'Proposals, partners, budgets, uploads, submission with receipts, rebuttal.',
  plugin: proposalsService,
};

/** The proposals service as a standalone app (its own port); the platform mounts proposalsModule instead. */
export function buildApp(config: Config, deps: Omit<ServiceDeps, 'config'> & ProposalsExtras): Promise<App> {
  return buildServiceApp(proposalsModule, { ...deps, config });
}

export { proposalsService };
export {
  noReviews,
  proposalsContext,
  type AnonymisedReview,
  type ProposalsDeps,
  type ProposalsExtras,
  type ReviewSource,
} from './deps.ts';
export { proposalsOutboxHandlers, ensureReceiptPdf } from './receipt-pdf.ts';
export { collectProposalOrphans } from './collect-orphans.ts';
export { submitProposal, type SubmitResult } from './submit-proposal.ts';
export { createProposal } from './create-proposal.ts';
export { uploadDocument } from './upload-document.ts';
export type { SubmissionReceipt } from './receipt.ts';
