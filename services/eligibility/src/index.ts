import { buildServiceApp, type ServiceDeps, type ServiceModule } from '@permed/service-kit';
import type { Config } from '@permed/config';
import type { App } from '@permed/http';
import { eligibilityService } from './plugin.ts';

export const eligibilityModule: ServiceModule = {
  name: 'eligibility',
  title: 'Eligibility (national funders)',
  description: 'Automatic pre-checks, official national verdicts, funders’ budget overview.',
  plugin: eligibilityService,
};

/** The eligibility service as a standalone app (its own port); the platform mounts eligibilityModule instead. */
export function buildApp(config: Config, deps: Omit<ServiceDeps, 'config'>): Promise<App> {
  return buildServiceApp(eligibilityModule, { ...deps, config });
}

export { eligibilityService };
/** For the calls service's StageFacts: funders with partners that have not finished their check. */
export { eligibilityStageFacts, funderProgress } from './funder-progress.ts';
export { runAutomaticChecks } from './run-automatic-checks.ts';
export { CallProjectionCache, loadPublishedCall } from './call-context.ts';
export { deriveOutcome, type ProposalOutcome } from './derive-outcome.ts';
export { verdictReasonCodes } from './record-verdict.ts';
