import { buildServiceApp, type ServiceDeps, type ServiceModule } from '@permed/service-kit';
import type { Config } from '@permed/config';
import type { App } from '@permed/http';
import { fundingService } from './plugin.ts';

export const fundingModule: ServiceModule = {
  name: 'funding',
  title: 'Funding (recommendation and decisions)',
  description: 'Funding recommendation under national budgets, national decisions, letters, exports.',
  plugin: fundingService,
};

/** The funding service as a standalone app (its own port); the platform mounts fundingModule instead. */
export function buildApp(config: Config, deps: Omit<ServiceDeps, 'config'>): Promise<App> {
  return buildServiceApp(fundingModule, { ...deps, config });
}

export { fundingService };
export {
  noEvaluationSummaries,
  type AnonymisedReview,
  type EvaluationSummary,
  type EvaluationSummarySource,
  type FundingDeps,
} from './funding-deps.ts';
export { pendingDecisionsOfCall } from './pending-decisions.ts';
export { collectFundingOrphans } from './collect-orphans.ts';
export { fundingBlobStore } from './funding-deps.ts';
