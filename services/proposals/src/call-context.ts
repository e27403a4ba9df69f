import { and, eq, inArray } from 'drizzle-orm';
import { schema, type DbOrTx } from '@permed/db';
import {
  storedCallDefinition,
  type CallDefinition,
  type ProposalStage,
  type Stage,
  type StageKind,
  stageOf,
} from '@permed/domain';
import { AppError } from '@permed/http';
import { eligibilityCallFromDefinition, type EligibilityCall } from '@permed/rules';

/** One published version of a call, with what the proposals service derives from it. */
export interface CallContext {
  callId: string;
  slug: string;
  version: number;
  definition: CallDefinition;
  /** The call's funders and rules in the shape of the eligibility evaluator. */
  eligibility: EligibilityCall;
  /** Participating funders with the currency partners budget in for this call. */
  funders: readonly { id: string; currency: string }[];
}

export interface CallCache {
  /** The current published version of a call (by id). */
  current(db: DbOrTx, callId: string): Promise<CallContext>;
  /** The current published version of a call (by slug); 404 when unknown or unpublished. */
  bySlug(db: DbOrTx, slug: string): Promise<CallContext>;
  /** A given version: published versions never change, so they are cached for the process. */
  version(db: DbOrTx, callId: string, version: number): Promise<CallContext>;
}

/**
 * Published call versions are immutable, so their projection is computed once per process; only
 * "which version is current" is read from the database on every request.
 */
export function createCallCache(): CallCache {
  const cache = new Map<string, Promise<CallContext>>();
  const version: CallCache['version'] = (db, callId, v) => {
    const key = `${callId}:${v}`;
    let hit = cache.get(key);
    if (!hit) {
      hit = load(db, callId, v);
      cache.set(key, hit);
      hit.catch(() => cache.delete(key));
    }
    return hit;
  };
  return {
    version,
    async current(db, callId) {
      const [call] = await db
        .select({ currentVersion: schema.calls.currentVersion })
        .from(schema.calls)
        .where(eq(schema.calls.id, callId));
      if (!call || call.currentVersion === null) throw new AppError('NOT_FOUND', 'No published call');
      return version(db, callId, call.currentVersion);
    },
    async bySlug(db, slug) {
      const [call] = await db
        .select({ id: schema.calls.id, currentVersion: schema.calls.currentVersion })
        .from(schema.calls)
        .where(eq(schema.calls.slug, slug));
      if (!call || call.currentVersion === null) {
        throw new AppError('NOT_FOUND', `No published call ${slug}`, {
          errors: [{ in: 'body', path: '/callSlug', message: 'no published call with this slug' }],
        });
      }
      return version(db, call.id, call.currentVersion);
    },
  };
}

async function load(db: DbOrTx, callId: string, version: number): Promise<CallContext> {
  const [row] = await db
    .select({ definition: schema.callVersions.definition, slug: schema.calls.slug })
    .from(schema.callVersions)
    .innerJoin(schema.calls, eq(schema.calls.id, schema.callVersions.callId))
    .where(and(eq(schema.callVersions.callId, callId), eq(schema.callVersions.version, version)));
  if (!row) throw new AppError('NOT_FOUND', `No version ${version} of this call`);
  const slug = row.slug;
  const definition = storedCallDefinition(row.definition);
  const ids = definition.funders.map((f) => f.funderId);
  const registry = ids.length
    ? await db.select().from(schema.funders).where(inArray(schema.funders.id, ids))
    : [];
  const eligibility = eligibilityCallFromDefinition(
    definition,
    registry.map((f) => ({
      id: f.id,
      acronym: f.acronym,
      name: f.name,
      country: f.country,
      currency: f.currency,
      ...(f.region ? { region: f.region } : {}),
      ...(f.coveredRegions ? { coveredRegions: f.coveredRegions } : {}),
    })),
    version,
  );
  return {
    callId,
    slug,
    version,
    definition,
    eligibility,
    funders: eligibility.funders.map((f) => ({ id: f.id, currency: f.currency })),
  };
}

/** The submission window of a proposal stage: pre-proposals, or full proposals. */
export function submissionStage(definition: CallDefinition, stage: ProposalStage): Stage {
  const kind: StageKind = stage === 'pre-proposal' ? 'pre-proposal-submission' : 'full-proposal-submission';
  const found = stageOf(definition, kind);
  // The call schema requires both windows of a two-stage call and the full one of every call.
  if (!found) throw new AppError('CONFLICT', `The call has no ${kind} stage`);
  return found;
}

/** Where a call's proposals start: the pre-proposal of a two-stage call, else the full proposal. */
export function firstStage(definition: CallDefinition): 'pre-proposal' | 'full-proposal' {
  return definition.twoStage ? 'pre-proposal' : 'full-proposal';
}

export const instantMs = (s: { at: string }): number => Date.parse(s.at);
