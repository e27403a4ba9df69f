import type { Db } from '@permed/db';
import { proposalDocument, type ProposalStage } from '@permed/domain';
import { requireScope, type Principal } from '@permed/http';
import {
  checkedStage,
  loadPublishedCall,
  submissionsOpen,
  type CallProjectionCache,
  type LoadedCall,
} from './call-context.ts';
import { deriveOutcome, type DerivedOutcome } from './derive-outcome.ts';
import { formalCheckItems, type FormalItem } from './formal-check-items.ts';
import { funderProgress, type FunderProgress } from './funder-progress.ts';
import {
  latestFormalChecks,
  latestVerdicts,
  latestVersions,
  storedAutomaticChecks,
  type VerdictRow,
} from './proposal-store.ts';
import { runAutomaticChecks } from './run-automatic-checks.ts';

export interface OfficeProposal {
  proposalId: string;
  acronym: string;
  proposalState: string | null;
  proposalSeq: number;
  submittedAt: string;
  automatic: { eligible: boolean; errorCount: number; warningCount: number } | null;
  formal: {
    items: FormalItem[];
    recorded: {
      result: 'passed' | 'failed';
      note: string | null;
      at: string;
      by: string;
      proposalSeq: number;
    } | null;
  };
  national: DerivedOutcome;
}

export interface CallOfficeOverview {
  call: LoadedCall;
  stage: ProposalStage;
  funders: FunderProgress[];
  pendingFunders: number;
  proposals: OfficeProposal[];
}

/**
 * The call office's view of the eligibility check: formal checks per proposal (computed completeness
 * plus the recorded result), the national outcome derived from the funders' verdicts, the automatic
 * check summary, and which funders have finished. Scope: call office of this call.
 */
export async function callOfficeOverview(
  db: Db,
  cache: CallProjectionCache,
  principal: Principal,
  args: { slug: string; stage?: ProposalStage | undefined; now: Date },
): Promise<CallOfficeOverview> {
  const call = await loadPublishedCall(db, cache, args.slug);
  requireScope(principal, 'call-office', 'call', call.callId);
  const stage = args.stage ?? checkedStage(call.definition);
  const open = submissionsOpen(call.definition, call.state);
  const run = await runAutomaticChecks(db, call, { stage, at: args.now, onlyMissing: !open, store: !open });
  const [rows, stored, verdicts, formal, funders] = await Promise.all([
    latestVersions(db, { callId: call.callId, stage }),
    open
      ? Promise.resolve([])
      : storedAutomaticChecks(db, { callId: call.callId, stage, callVersion: call.version }),
    latestVerdicts(db, { callId: call.callId, stage }),
    latestFormalChecks(db, { callId: call.callId, stage }),
    funderProgress(db, call, stage),
  ]);
  const automaticOf = new Map<string, { eligible: boolean; errorCount: number; warningCount: number }>();
  for (const s of stored) automaticOf.set(s.proposalId, s);
  for (const r of run.results) automaticOf.set(r.proposalId, r);
  const verdictsOf = new Map<string, VerdictRow[]>();
  for (const v of verdicts) verdictsOf.set(v.proposalId, [...(verdictsOf.get(v.proposalId) ?? []), v]);
  const formalOf = new Map(formal.map((f) => [f.proposalId, f]));

  const proposals: OfficeProposal[] = [];
  for (const row of rows) {
    const parsed = proposalDocument.safeParse(row.document);
    const recorded = formalOf.get(row.proposalId);
    const a = automaticOf.get(row.proposalId);
    proposals.push({
      proposalId: row.proposalId,
      acronym: row.acronym,
      proposalState: row.state,
      proposalSeq: row.seq,
      submittedAt: row.submittedAt.toISOString(),
      automatic: a ? { eligible: a.eligible, errorCount: a.errorCount, warningCount: a.warningCount } : null,
      formal: {
        items: formalCheckItems(call.definition, parsed.success ? parsed.data.abstract : null, row.documents),
        recorded: recorded
          ? {
              result: recorded.result,
              note: recorded.note,
              at: recorded.recordedAt.toISOString(),
              by: recorded.recordedByLabel,
              proposalSeq: recorded.proposalSeq,
            }
          : null,
      },
      national: parsed.success
        ? deriveOutcome(
            call.eligibilityCall,
            stage,
            row.proposalId,
            parsed.data,
            verdictsOf.get(row.proposalId) ?? [],
          )
        : { outcome: 'pending', pendingPartners: [], declinedBy: [] },
    });
  }
  proposals.sort((a, b) => a.acronym.localeCompare(b.acronym, 'en'));
  return {
    call,
    stage,
    funders,
    pendingFunders: funders.filter((f) => f.status === 'pending').length,
    proposals,
  };
}
