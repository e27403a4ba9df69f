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
