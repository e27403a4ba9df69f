import { schema, type Db } from '@permed/db';
import { proposalDocument, type ProposalDocument, type ProposalStage } from '@permed/domain';
import {
  contextFromCall,
  evaluateProposal,
  formatPath,
  type Finding,
  type OtherProposal,
} from '@permed/rules';
import type { ProjectedVersion } from './call-context.ts';
import { latestVersions, storedCheckKeys, versionIndex, type LatestVersionRow } from './proposal-store.ts';

const { automaticChecks } = schema;

/** Rows per INSERT: large enough to amortise round trips, small enough for the 65,535-parameter limit. */
const BATCH = 500;

export interface AutomaticCheckResult {
  proposalId: string;
  proposalSeq: number;
  eligible: boolean;
  errorCount: number;
  warningCount: number;
  findings: Finding[];
}

export interface ParsedVersion {
  row: LatestVersionRow;
  doc: ProposalDocument | null;
  issues: string[];
}

/** Stored documents were validated on submission; parsing again guards against older or hand-made rows. */
export function parseVersions(rows: readonly LatestVersionRow[]): ParsedVersion[] {
  return rows.map((row) => {
    const parsed = proposalDocument.safeParse(row.document);
    return parsed.success
      ? { row, doc: parsed.data, issues: [] }
      : {
          row,
          doc: null,
          issues: parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`),
        };
  });
}

/**
 * Evaluates every counted version against the call version, the one-proposal-per-PI rule seeing
 * all the call's other proposals of the stage. Pure apart from its inputs.
 */
export function evaluateVersions(
  call: ProjectedVersion,
  stage: ProposalStage,
  versions: readonly ParsedVersion[],
  only?: ReadonlySet<string>,
): AutomaticCheckResult[] {
  // One list for the whole run: the evaluator indexes it once (by identity), not once per proposal.
  const others: OtherProposal[] = versions.flatMap((v) =>
    v.doc ? [{ proposalId: v.row.proposalId, acronym: v.doc.acronym, partners: v.doc.partners }] : [],
  );
  // The funders and the call office run these checks and may see which proposals share a PI.
  const base = contextFromCall(call.eligibilityCall, stage, {
    otherProposals: others,
    nameOtherProposals: true,
  });
  const out: AutomaticCheckResult[] = [];
  for (const v of versions) {
    if (only && !only.has(v.row.proposalId)) continue;
    if (!v.doc) {
      out.push({
        proposalId: v.row.proposalId,
        proposalSeq: v.row.seq,
        eligible: false,
        errorCount: 1,
        warningCount: 0,
        findings: [
          {
            ruleId: 'document-valid',
            kind: 'document-valid',
            level: 'error',
            partnerIds: [],
            facts: { issues: v.issues },
            message: `The submitted document does not validate: ${v.issues.slice(0, 5).join('; ')}`,
          },
        ],
      });
      continue;
    }
    const verdict = evaluateProposal({ ...base, proposalId: v.row.proposalId }, v.doc);
    const errorCount = verdict.findings.filter((f) => f.level === 'error').length;
    out.push({
      proposalId: v.row.proposalId,
      proposalSeq: v.row.seq,
      eligible: verdict.eligible,
      errorCount,
      warningCount: verdict.findings.length - errorCount,
      findings: verdict.findings,
    });
  }
  return out;
}

/** Writes automatic checks in batches; a row already there (same proposal version and call version) is kept. */
export async function storeAutomaticChecks(
  db: Db,
  args: { callId: string; stage: ProposalStage; callVersion: number; at: Date },
  results: readonly AutomaticCheckResult[],
): Promise<void> {
  if (results.length === 0) return;
  await db.transaction(async (tx) => {
    for (let i = 0; i < results.length; i += BATCH) {
      await tx
        .insert(automaticChecks)
        .values(
          results.slice(i, i + BATCH).map((r) => ({
            proposalId: r.proposalId,
            proposalSeq: r.proposalSeq,
            callVersion: args.callVersion,
            callId: args.callId,
            stage: args.stage,
            eligible: r.eligible,
            errorCount: r.errorCount,
            warningCount: r.warningCount,
            findings: r.findings,
            computedAt: args.at,
          })),
        )
        .onConflictDoNothing();
    }
  });
}

export interface RunSummary {
  proposals: number;
  evaluated: number;
  eligible: number;
  stored: boolean;
  timings: { readMs: number; evaluateMs: number; writeMs: number };
}

/**
 * The automatic check of a whole call stage: read the counted versions, evaluate them, write the
 * results in batches. `onlyMissing` evaluates just the versions without a stored result for this
 * call version (they still see all other proposals for the one-proposal-per-PI rule). `store: false`
 * while submissions are open, because a later submission could still change another proposal's
 * one-proposal-per-PI finding.
 */
export async function runAutomaticChecks(
  db: Db,
  call: ProjectedVersion,
  args: { stage: ProposalStage; at: Date; onlyMissing?: boolean; store?: boolean },
): Promise<RunSummary & { results: AutomaticCheckResult[] }> {
  const t0 = performance.now();
  let only: Set<string> | undefined;
  if (args.onlyMissing) {
    // A cheap look first (no documents): usually every version already has its stored result.
    const [index, stored] = await Promise.all([
      versionIndex(db, { callId: call.callId, stage: args.stage }),
      storedCheckKeys(db, { callId: call.callId, stage: args.stage, callVersion: call.version }),
    ]);
    const have = new Set(stored.map((s) => `${s.proposalId}:${s.proposalSeq}`));
    only = new Set(index.filter((r) => !have.has(`${r.proposalId}:${r.seq}`)).map((r) => r.proposalId));
    if (only.size === 0) {
      return {
        proposals: index.length,
        evaluated: 0,
        eligible: 0,
        stored: false,
        results: [],
        timings: { readMs: performance.now() - t0, evaluateMs: 0, writeMs: 0 },
      };
    }
  }
  const rows = await latestVersions(db, { callId: call.callId, stage: args.stage });
  const t1 = performance.now();
  const results = evaluateVersions(call, args.stage, parseVersions(rows), only);
  const t2 = performance.now();
  const store = args.store ?? true;
  if (store) {
    await storeAutomaticChecks(
      db,
      { callId: call.callId, stage: args.stage, callVersion: call.version, at: args.at },
      results,
    );
  }
  const t3 = performance.now();
  return {
    proposals: rows.length,
    evaluated: results.length,
    eligible: results.filter((r) => r.eligible).length,
    stored: store,
    results,
    timings: { readMs: t1 - t0, evaluateMs: t2 - t1, writeMs: t3 - t2 },
  };
}
