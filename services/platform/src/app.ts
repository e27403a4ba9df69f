import type { Config } from '@permed/config';
import { authRoutes } from '@permed/auth';
import { createHttpApp, type App } from '@permed/http';
import { databaseReadiness, type ServiceDeps, type ServiceModule } from '@permed/service-kit';
import { callsModule, callsService, type StageFacts } from '@permed/calls-service';
import { proposalsModule } from '@permed/proposals-service';
import { eligibilityModule, eligibilityStageFacts } from '@permed/eligibility-service';
import { evaluationModule } from '@permed/evaluation-service';
import { fundingModule } from '@permed/funding-service';

export const serviceModules: readonly ServiceModule[] = [
  callsModule,
  proposalsModule,
  eligibilityModule,
  evaluationModule,
  fundingModule,
];

/** Every service on one port: /api/auth and /api/<service>, one OpenAPI document at /docs. */
export async function buildPlatform(config: Config, deps: Omit<ServiceDeps, 'config'>): Promise<App> {
  const full: ServiceDeps = { ...deps, config };
  const app = await createHttpApp(config, {
    name: 'PerMed Calls',
    description:
      'Joint transnational calls in personalised medicine: calls, consortia, national eligibility, evaluation panels and funding under national budgets. Errors are application/problem+json (RFC 9457) with a stable `code`.',
    authenticator: deps.authenticator,
    readiness: [databaseReadiness(deps.db)],
  });
  await app.register(authRoutes(full), { prefix: '/api/auth' });
  // The call office's stage guards need facts owned by other services; the platform composes them.
  const facts: StageFacts = {
    ...eligibilityStageFacts(deps.db),
    pendingDecisions: async () => 0,
  };
  for (const module of serviceModules) {
    const plugin = module === callsModule ? callsService({ ...full, facts }) : module.plugin(full);
    await app.register(plugin, { prefix: `/api/${module.name}` });
  }
  return app;
}
