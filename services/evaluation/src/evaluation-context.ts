import { and, eq } from 'drizzle-orm';
import { schema, type DbOrTx } from '@permed/db';
import { inZone, storedCallDefinition, type CallDefinition, type StageKind } from '@permed/domain';
import {
  DEFAULT_TIE_BREAK,
  stageCriteria,
  type CategoryCutoffs,
  type StageCriteria,
  type TieBreakKey,
} from '@permed/evaluation';
import { AppError } from '@permed/http';
import type { ServiceDeps } from '@permed/service-kit';

export const evaluationStages = ['pre-proposal', 'full-proposal'] as const;
export type EvaluationStage = (typeof evaluationStages)[number];

/** What every use case of this service is built from (tests pass a manual clock). */
export type UseCaseDeps = Pick<ServiceDeps, 'db' | 'clock' | 'config'>;

/** Base of links in e-mails: the configured public URL, else the address the platform listens on. */
export function publicBase(deps: UseCaseDeps): string {
  return (deps.config.PUBLIC_URL ?? `http://${deps.config.HOST}:${deps.config.PORT}`).replace(/\/$/, '');
}

export interface CallContext {
  callId: string;
  slug: string;
  callVersion: number;
  definition: CallDefinition;
}

/** A published call with the definition of its current version; drafts do not exist for evaluation. */
export async function requireCallContext(db: DbOrTx, callId: string): Promise<CallContext> {
  const [call] = await db.select().from(schema.calls).where(eq(schema.calls.id, callId));
  if (!call || call.currentVersion === null) throw new AppError('NOT_FOUND', `No published call ${callId}`);
  const [version] = await db
    .select()
    .from(schema.callVersions)
    .where(and(eq(schema.callVersions.callId, callId), eq(schema.callVersions.version, call.currentVersion)));
  if (!version) throw new AppError('NOT_FOUND', `No version ${call.currentVersion} of call ${callId}`);
  return {
    callId,
    slug: call.slug,
    callVersion: version.version,
    definition: storedCallDefinition(version.definition),
  };
}

/** A single-stage call has no pre-proposal evaluation: refuse rather than evaluate nothing. */
export function requireStage(ctx: CallContext, stage: EvaluationStage): void {
  if (stage === 'pre-proposal' && !ctx.definition.twoStage) {
    throw new AppError(
      'STAGE_NOT_OPEN',
      'This call has a single stage: there is no pre-proposal evaluation',
      {
        errors: [{ in: 'body', path: '/stage', message: 'single-stage call', code: 'NO_PRE_PROPOSAL_STAGE' }],
      },
    );
  }
}

/**
 * The call's criteria for one stage in the form of @permed/evaluation: the stage's criterion ids
 * with the call's names and weights, the per-criterion and total thresholds, the 0–5 scale and
 * the half-point rule. A pre-proposal stage without its own settings uses the full stage's.
 */
export function stageCriteriaOf(definition: CallDefinition, stage: EvaluationStage): StageCriteria {
  const settings = definition.evaluation;
  const thresholds = settings.stages[stage] ?? settings.stages['full-proposal'];
  const parsed = stageCriteria.safeParse({
    criteria: thresholds.criteria.map((id) => {
      const c = settings.criteria.find((x) => x.id === id);
      return {
        id,
        label: c?.name ?? id,
        weight: c?.weight ?? 1,
        ...(thresholds.perCriterion === undefined ? {} : { threshold: thresholds.perCriterion }),
      };
    }),
    scale: { min: settings.scaleMin, max: settings.scaleMax },
    halfPoints: settings.halfPoints,
    total: 'weighted-sum',
    ...(thresholds.total === undefined ? {} : { totalThreshold: thresholds.total }),
  });
  // Weights and thresholds with more than two decimals cannot be consolidated exactly.
  if (!parsed.success) {
    throw new AppError('CONFLICT', "The call's evaluation settings cannot be used for scoring", {
      extensions: { problems: parsed.error.issues.map((i) => i.message) },
    });
  }
  return parsed.data;
}

/** The highest weighted total a proposal can reach at a stage. */
export function maxTotal(criteria: StageCriteria): number {
  return criteria.criteria.reduce((sum, c) => sum + c.weight * criteria.scale.max, 0);
}

const halfDown = (v: number) => Math.floor(v * 2) / 2;

/**
 * Category cut-offs, derived from the call so the frozen list can be recomputed from its call
 * version: B from the total threshold (two thirds of the maximum without one), A at 40 % of the
 * way from B to the maximum, rounded down to half points. For the default criteria (0–15,
 * threshold 10) this is the documented A ≥ 12, B ≥ 10. An assumption: no source gives ERA PerMed's.
 */
export function rankingCutoffs(criteria: StageCriteria): CategoryCutoffs {
  const max = maxTotal(criteria);
  const b = criteria.totalThreshold ?? halfDown((max * 2) / 3);
  const a = Math.max(b, halfDown(b + (max - b) * 0.4));
  return { a, b };
}

/** The documented tie-break (total → excellence → impact → id), keeping only criteria of the stage. */
export function tieBreakOf(criteria: StageCriteria): TieBreakKey[] {
  const ids = new Set(criteria.criteria.map((c) => c.id));
  return DEFAULT_TIE_BREAK.filter((k) => k.by !== 'criterion' || ids.has(k.criterionId));
}

export function tieBreakName(key: TieBreakKey): string {
  return key.by === 'criterion' ? `criterion:${key.criterionId}` : key.by;
}

export function parseTieBreakName(name: string): TieBreakKey {
  if (name.startsWith('criterion:')) return { by: 'criterion', criterionId: name.slice('criterion:'.length) };
  return name === 'total' ? { by: 'total' } : { by: 'proposal-id' };
}

/** The stage whose close is the review deadline of an evaluation stage. */
export const reviewStageOf: Record<EvaluationStage, StageKind> = {
  'pre-proposal': 'pre-proposal-evaluation',
  'full-proposal': 'full-proposal-review',
};

/** The review deadline as an instant, or null when the call announces none. */
export function reviewDeadline(definition: CallDefinition, stage: EvaluationStage): Date | null {
  const s = definition.stages.find((x) => x.kind === reviewStageOf[stage]);
  return s ? new Date(s.closesAt.at) : null;
}

/**
 * The server clock decides, at commit time: a review committed at T−1 ms is on time, at T it is
 * late. Read `now` inside the transaction that writes the review.
 */
export function requireBeforeReviewDeadline(
  definition: CallDefinition,
  stage: EvaluationStage,
  now: Date,
): void {
  const s = definition.stages.find((x) => x.kind === reviewStageOf[stage]);
  if (!s) return;
  if (now.getTime() >= Date.parse(s.closesAt.at)) {
    throw new AppError(
      'DEADLINE_PASSED',
      `The review deadline was ${inZone(s.closesAt)} (${s.closesAt.zone})`,
      {
        extensions: { deadline: s.closesAt.at, serverTime: now.toISOString() },
      },
    );
  }
}
