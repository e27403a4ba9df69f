import { createHttpApp, type App } from '@permed/http';
import type { TestContext } from '@permed/testing';
import type { EvaluationSummarySource } from '../funding-deps.ts';
import { fundingService } from '../plugin.ts';

/**
 * The funding service mounted as the platform mounts it (/api/funding), with an evaluation summary
 * source of the test's choosing (the platform's default reads nothing).
 */
export async function buildFundingApp(
  ctx: TestContext,
  evaluationSummaries?: EvaluationSummarySource,
): Promise<App> {
  const app = await createHttpApp(ctx.config, {
    name: 'funding under test',
    authenticator: ctx.deps.authenticator,
    docs: false,
  });
  await app.register(
    fundingService({ ...ctx.deps, ...(evaluationSummaries ? { evaluationSummaries } : {}) }),
    {
      prefix: '/api/funding',
    },
  );
  return app;
}
