import type { Config } from '@permed/config';
import { authRoutes } from '@permed/auth';
import { webApp } from '@permed/web';
import { createHttpApp, type App, type FastifyPluginAsyncZod } from '@permed/http';
import { databaseReadiness, type ServiceDeps, type ServiceModule } from '@permed/service-kit';
import { callsModule, callsService, type StageFacts } from '@permed/calls-service';
import { proposalsModule, proposalsService, type ReviewSource } from '@permed/proposals-service';
import { eligibilityModule, eligibilityStageFacts } from '@permed/eligibility-service';
import { evaluationModule, evaluationSummaries, rebuttalReviewSource } from '@permed/evaluation-service';
import {
  fundingModule,
  fundingService,
  pendingDecisionsOfCall,
  type EvaluationSummarySource,
} from '@permed/funding-service';

export const serviceModules: readonly ServiceModule[] = [
  callsModule,
  proposalsModule,
  eligibilityModule,
  evaluationModule,
  fundingModule,
];

/**
 * The services are independent bounded contexts; where one needs facts another owns (the call
 * office's stage guards, the reviews shown for the rebuttal, the review comments in outcome
 * letters), the platform composes them here through small interfaces, so no service imports
 * another.
 */
/** What a test may put in place of a composed source. */
export interface PlatformOverrides {
  reviews?: ReviewSource;
  evaluationSummaries?: EvaluationSummarySource;
}

export function composedPlugins(
  deps: ServiceDeps & PlatformOverrides,
): Map<ServiceModule, FastifyPluginAsyncZod> {
  const facts: StageFacts = {
    ...eligibilityStageFacts(deps.db),
    pendingDecisions: (callId) => pendingDecisionsOfCall(deps.db, callId),
  };
  return new Map<ServiceModule, FastifyPluginAsyncZod>([
    [callsModule, callsService({ ...deps, facts })],
    [proposalsModule, proposalsService({ ...deps, reviews: deps.reviews ?? rebuttalReviewSource(deps.db) })],
    [eligibilityModule, eligibilityModule.plugin(deps)],
    [evaluationModule, evaluationModule.plugin(deps)],
    [
      fundingModule,
      fundingService({
        ...deps,
        evaluationSummaries: deps.evaluationSummaries ?? evaluationSummaries(deps.db),
      }),
    ],
  ]);
}

/**
 * Every service on one port: /api/auth and /api/<service>, one OpenAPI document at /docs, and the
 * web app at /.
 */
export async function buildPlatform(
  config: Config,
  deps: Omit<ServiceDeps, 'config'> & PlatformOverrides,
): Promise<App> {
  const full: ServiceDeps & PlatformOverrides = { ...deps, config };
  const app = await createHttpApp(config, {
    name: 'PerMed Calls',
    description:
      'Joint transnational calls in personalised medicine: calls, consortia, national eligibility, evaluation panels and funding under national budgets. Errors are application/problem+json (RFC 9457) with a stable `code`.',
    authenticator: deps.authenticator,
    readiness: [databaseReadiness(deps.db)],
  });
  await app.register(authRoutes(full), { prefix: '/api/auth' });
  for (const [module, plugin] of composedPlugins(full)) {
    await app.register(plugin, { prefix: `/api/${module.name}` });
  }
  // The browser app at / (its build; deep links fall back to its index.html).
  await app.register(webApp());
  return app;
}
