import { buildServiceApp, type ServiceDeps, type ServiceModule } from '@permed/service-kit';
import type { Config } from '@permed/config';
import type { App } from '@permed/http';
import { proposalsService } from './plugin.ts';

export const proposalsModule: ServiceModule = {
  name: 'proposals',
  title: 'Proposals (consortia)',
  description: 'Proposals, partners, budgets, uploads, submission with receipts, rebuttal.',
  plugin: proposalsService,
};

/** The proposals service as a standalone app (its own port); the platform mounts proposalsModule instead. */
export function buildApp(config: Config, deps: Omit<ServiceDeps, 'config'>): Promise<App> {
  return buildServiceApp(proposalsModule, { ...deps, config });
}

export { proposalsService };
