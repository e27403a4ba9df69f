import { buildServiceApp, type ServiceDeps, type ServiceModule } from '@permed/service-kit';
import type { Config } from '@permed/config';
import type { App } from '@permed/http';
import { evaluationService } from './plugin.ts';

export const evaluationModule: ServiceModule = {
  name: 'evaluation',
  title: 'Evaluation (panels)',
  description: 'Reviewer pool, conflicts of interest, assignment, reviews, ranking list.',
  plugin: evaluationService,
};

/** The evaluation service as a standalone app (its own port); the platform mounts evaluationModule instead. */
export function buildApp(config: Config, deps: Omit<ServiceDeps, 'config'>): Promise<App> {
  return buildServiceApp(evaluationModule, { ...deps, config });
}

export { evaluationService };
/** For readers of `ranking_lists` (funding) that want to re-check a frozen list's hash. */
export { frozenRanking, hashOfFrozen, type FrozenEntry } from './frozen-ranking.ts';
export { rankingCutoffs, stageCriteriaOf } from './evaluation-context.ts';
export { evaluationSummaries, rebuttalReviewSource } from './evaluation-summary.ts';
