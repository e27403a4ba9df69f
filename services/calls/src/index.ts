import { buildServiceApp, type ServiceDeps, type ServiceModule } from '@permed/service-kit';
import type { Config } from '@permed/config';
import type { App } from '@permed/http';
import { callsService } from './plugin.ts';

export const callsModule: ServiceModule = {
  name: 'calls',
  title: 'Calls (call office)',
  description: 'Call definitions, versions, lifecycle, public call pages and statistics.',
  plugin: callsService,
};

/** The calls service as a standalone app (its own port); the platform mounts callsModule instead. */
export function buildApp(config: Config, deps: Omit<ServiceDeps, 'config'>): Promise<App> {
  return buildServiceApp(callsModule, { ...deps, config });
}

export { callsService };
export { callJobHandlers } from './call-jobs.ts';
export { seedDemoCalls, seedFunderRegistry, jtc2020Definition, liveDemoDefinition } from './seed-calls.ts';
export { requirePublishedCall, findCallBySlug } from './call-store.ts';
export type { StageFacts } from './advance-call.ts';
