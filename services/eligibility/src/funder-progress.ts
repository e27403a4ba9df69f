import { eq } from 'drizzle-orm';
import { schema, type DbOrTx } from '@permed/db';
import type { ProposalStage } from '@permed/domain';
import { checkedStage, projectVersion, type ProjectedVersion } from './call-context.ts';
import { funderCompletions, latestVerdicts, versionIndex } from './proposal-store.ts';

export interface FunderProgress {
  funderId: string;
  name: string;
  /** Partners asking this funder in the counted versions (withdrawn proposals left out). */
  partners: number;
  verdicts: number;
  notEligible: number;
  pending: number;
  done: { at: string; by: string } | null;
  /** done: declared finished; pending: has partners and has not; nothing-to-check: no partner asks it. */
  status: 'done' | 'pending' | 'nothing-to-check';
}

/** Where each funder of the call stands in its national check of one stage. */
export async function funderProgress(
  db: DbOrTx,
  call: ProjectedVersion,
  stage: ProposalStage,
): Promise<FunderProgress[]> {
  const [index, verdicts, completions] = await Promise.all([
    versionIndex(db, { callId: call.callId, stage }),
    latestVerdicts(db, { callId: call.callId, stage }),
    funderCompletions(db, { callId: call.callId, stage }),
  ]);
  const verdictOf = new Map(verdicts.map((v) => [`${v.proposalId}/${v.partnerId}`, v]));
  const tally = new Map<string, { partners: number; verdicts: number; notEligible: number }>();
  for (const row of index) {
    row.funderIds.forEach((funderId, i) => {
      if (funderId === null) return;
      const t = tally.get(funderId) ?? { partners: 0, verdicts: 0, notEligible: 0 };
      t.partners += 1;
      const v = verdictOf.get(`${row.proposalId}/${row.partnerIds[i]}`);
      // Only a verdict by the funder the partner asks now counts (as in the rules engine).
      if (v && v.funderId === funderId) {
        t.verdicts += 1;
        if (v.verdict === 'not-eligible') t.notEligible += 1;
      }
      tally.set(funderId, t);
    });
  }
  const doneOf = new Map(completions.map((c) => [c.funderId, c]));
  return call.eligibilityCall.funders.map((f) => {
    const t = tally.get(f.id) ?? { partners: 0, verdicts: 0, notEligible: 0 };
    const c = doneOf.get(f.id);
    return {
      funderId: f.id,
      name: f.acronym ?? f.name,
      partners: t.partners,
      verdicts: t.verdicts,
      notEligible: t.notEligible,
      pending: t.partners - t.verdicts,
      done: c ? { at: c.doneAt.toISOString(), by: c.doneByLabel } : null,
      status: c ? 'done' : t.partners > 0 ? 'pending' : 'nothing-to-check',
    };
  });
}

/**
 * The fact the call machine's CLOSE_ELIGIBILITY_CHECK guard needs, computed from the database:
 * how many funders with partners in the checked stage have not declared their check done.
 * Matches `StageFacts['pendingFunders']` of the calls service (wired there by the platform).
 */
export function eligibilityStageFacts(db: DbOrTx): { pendingFunders(callId: string): Promise<number> } {
  return {
    async pendingFunders(callId) {
      const [call] = await db
        .select({ version: schema.calls.currentVersion })
        .from(schema.calls)
        .where(eq(schema.calls.id, callId));
      if (!call || call.version === null) return 0;
      const projected = await projectVersion(db, callId, call.version);
      const progress = await funderProgress(db, projected, checkedStage(projected.definition));
      return progress.filter((p) => p.status === 'pending').length;
    },
  };
}
