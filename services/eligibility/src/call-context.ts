import { and, eq, inArray } from 'drizzle-orm';
import { schema, type DbOrTx } from '@permed/db';
import { storedCallDefinition, type CallDefinition, type ProposalStage } from '@permed/domain';
import { AppError } from '@permed/http';
import { eligibilityCallFromDefinition, type EligibilityCall } from '@permed/rules';

const { calls, callVersions, funders, workflowInstances } = schema;

/** One published call version as this service uses it: the definition and its evaluator projection. */
export interface ProjectedVersion {
  readonly callId: string;
  readonly version: number;
  readonly definition: CallDefinition;
  readonly eligibilityCall: EligibilityCall;
}

export interface LoadedCall extends ProjectedVersion {
  readonly slug: string;
  /** The call lifecycle state (workflow_instances kind 'call'). */
  readonly state: string;
}

/**
 * Projections of published call versions, keyed by (call id, version). A published version is
 * immutable, so an entry never goes stale; only the call's current version number is read on each
 * request. Bounded so that a platform with many calls and amendments does not grow without limit.
 */
export class CallProjectionCache {
  private readonly entries = new Map<string, ProjectedVersion>();
  private readonly max: number;
  hits = 0;
  misses = 0;

  constructor(max = 64) {
    this.max = max;
  }

  get(callId: string, version: number): ProjectedVersion | undefined {
    const key = `${callId}:${version}`;
    const hit = this.entries.get(key);
    if (hit) {
      // Re-insert so that Map order is least-recently-used first.
      this.entries.delete(key);
      this.entries.set(key, hit);
      this.hits += 1;
    } else this.misses += 1;
    return hit;
  }

  set(entry: ProjectedVersion): void {
    this.entries.set(`${entry.callId}:${entry.version}`, entry);
    while (this.entries.size > this.max) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Reads one version of a call and projects it for the evaluator (the cache's miss path). */
export async function projectVersion(db: DbOrTx, callId: string, version: number): Promise<ProjectedVersion> {
  const [row] = await db
    .select({ definition: callVersions.definition })
    .from(callVersions)
    .where(and(eq(callVersions.callId, callId), eq(callVersions.version, version)));
  if (!row) throw new AppError('NOT_FOUND', `No version ${version} of this call`);
  const definition = storedCallDefinition(row.definition);
  const ids = definition.funders.map((f) => f.funderId);
  const registry = ids.length ? await db.select().from(funders).where(inArray(funders.id, ids)) : [];
  const eligibilityCall = eligibilityCallFromDefinition(
    definition,
    registry.map((f) => ({
      id: f.id,
      acronym: f.acronym,
      name: f.name,
      country: f.country,
      ...(f.region ? { region: f.region } : {}),
      ...(f.coveredRegions ? { coveredRegions: f.coveredRegions } : {}),
      currency: f.currency,
    })),
    version,
  );
  return { callId, version, definition, eligibilityCall };
}

/**
 * The published call with this slug at its current version, with its lifecycle state: one query
 * on a cache hit. Drafts do not exist here (404), as for the public.
 */
export async function loadPublishedCall(
  db: DbOrTx,
  cache: CallProjectionCache,
  slug: string,
): Promise<LoadedCall> {
  const [row] = await db
    .select({ id: calls.id, slug: calls.slug, version: calls.currentVersion, state: workflowInstances.state })
    .from(calls)
    .leftJoin(
      workflowInstances,
      and(eq(workflowInstances.kind, 'call'), eq(workflowInstances.callId, calls.id)),
    )
    .where(eq(calls.slug, slug));
  if (!row || row.version === null) throw new AppError('NOT_FOUND', `No published call ${slug}`);
  let projected = cache.get(row.id, row.version);
  if (!projected) {
    projected = await projectVersion(db, row.id, row.version);
    cache.set(projected);
  }
  return { ...projected, slug: row.slug, state: row.state ?? 'unknown' };
}

/**
 * The stage whose proposals the funders check: the pre-proposals of a two-stage call, the full
 * proposals of a single-stage one (the call machine has one eligibility-check state per call).
 */
export function checkedStage(definition: Pick<CallDefinition, 'twoStage'>): ProposalStage {
  return definition.twoStage ? 'pre-proposal' : 'full-proposal';
}

const fullStageStates = new Set([
  'full-proposals-open',
  'full-proposal-review',
  'rebuttal',
  'panel',
  'funding-recommendation',
  'national-decisions',
  'closed',
]);

/** The stage a consortium is writing for now: what a pre-check defaults to. */
export function currentSubmissionStage(
  definition: Pick<CallDefinition, 'twoStage'>,
  callState: string,
): ProposalStage {
  if (!definition.twoStage) return 'full-proposal';
  return fullStageStates.has(callState) ? 'full-proposal' : 'pre-proposal';
}

/** States in which the checked stage's submissions may still change (the deadline has not passed). */
export function submissionsOpen(definition: Pick<CallDefinition, 'twoStage'>, callState: string): boolean {
  return definition.twoStage
    ? callState === 'pre-proposals-open' || callState === 'pre-announced'
    : callState === 'full-proposals-open' || callState === 'pre-announced';
}

/** True once the call has left its eligibility check (CLOSE_ELIGIBILITY_CHECK happened). */
export function eligibilityStageClosed(
  definition: Pick<CallDefinition, 'twoStage'>,
  callState: string,
): boolean {
  const before = ['draft', 'pre-announced', 'eligibility-check', 'unknown'];
  before.push(definition.twoStage ? 'pre-proposals-open' : 'full-proposals-open');
  return !before.includes(callState);
}

/** The funder as this call knows it (currency for the call, commitment), or 404 when it does not take part. */
export function requireCallFunder(call: ProjectedVersion, funderId: string) {
  const entry = call.definition.funders.find((f) => f.funderId === funderId);
  const participating = call.eligibilityCall.funders.find((f) => f.id === funderId);
  if (!entry || !participating) {
    throw new AppError('NOT_FOUND', `Funder ${funderId} does not take part in this call`);
  }
  return { ...participating, commitment: entry.commitment };
}
