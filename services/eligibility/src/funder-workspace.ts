import type { Db } from '@permed/db';
import {
  budgetTotalMinor,
  proposalDocument,
  type Budget,
  type Organisation,
  type PrincipalInvestigator,
  type ProposalDocument,
  type ProposalStage,
} from '@permed/domain';
import { requireScope, type Principal } from '@permed/http';
import type { Finding } from '@permed/rules';
import {
  checkedStage,
  loadPublishedCall,
  requireCallFunder,
  submissionsOpen,
  type CallProjectionCache,
  type LoadedCall,
} from './call-context.ts';
import { deriveOutcome, type ProposalOutcome } from './derive-outcome.ts';
import {
  funderCompletions,
  latestVerdicts,
  latestVersions,
  storedAutomaticChecks,
  type VerdictRow,
} from './proposal-store.ts';
import { runAutomaticChecks } from './run-automatic-checks.ts';

export interface WorkspaceVerdict {
  verdict: 'eligible' | 'not-eligible';
  reasonCode: string | null;
  note: string | null;
  callVersion: number;
  proposalSeq: number;
  recordedAt: string;
  recordedBy: string;
}

export interface WorkspacePartner {
  proposalId: string;
  acronym: string;
  title: string;
  proposalState: string | null;
  proposalSeq: number;
  submittedAt: string;
  proposalOutcome: ProposalOutcome;
  partner: {
    id: string;
    coordinator: boolean;
    organisation: Organisation;
    pi: PrincipalInvestigator;
    budget: Budget;
    requestedMinor: number;
  };
  automatic: { errorCount: number; warningCount: number; findings: Finding[] };
  verdict: WorkspaceVerdict | null;
}

export interface WorkspaceProposal {
  proposalId: string;
  acronym: string;
  proposalState: string | null;
  outcome: ProposalOutcome;
  ownPartners: number;
  ownPending: number;
}

export interface FunderWorkspace {
  call: LoadedCall;
  funder: ReturnType<typeof requireCallFunder>;
  stage: ProposalStage;
  done: { at: string; by: string } | null;
  partners: WorkspacePartner[];
  proposals: WorkspaceProposal[];
}

export function verdictView(v: VerdictRow): WorkspaceVerdict {
  return {
    verdict: v.verdict,
    reasonCode: v.reasonCode,
    note: v.note,
    callVersion: v.callVersion,
    proposalSeq: v.proposalSeq,
    recordedAt: v.recordedAt.toISOString(),
    recordedBy: v.recordedByLabel,
  };
}

/**
 * Findings that concern this funder: its own national rules, and call rules naming one of its
 * partners (or the whole consortium). Another funder's national findings are never shown: they
 * carry that funder's partners' amounts.
 */
export function findingsForFunder(
  findings: readonly Finding[],
  funderId: string,
  ownPartnerIds: ReadonlySet<string>,
): Finding[] {
  return findings.filter(
    (f) =>
      f.funderId === funderId ||
      (f.funderId === undefined &&
        (f.partnerIds.length === 0 || f.partnerIds.some((id) => ownPartnerIds.has(id)))),
  );
}

/**
 * A funder officer's view of one call stage: its own partners across the counted versions, with the
 * automatic findings about them, its latest official verdict on each, and each proposal's derived
 * outcome. Scope: the officer must hold the funder role for this funder (403 otherwise); a funder
 * outside the call is 404. Other funders' partners, budgets and verdicts never leave this function.
 */
export async function funderWorkspace(
  db: Db,
  cache: CallProjectionCache,
  principal: Principal,
  args: { slug: string; funderId: string; stage?: ProposalStage | undefined; now: Date },
): Promise<FunderWorkspace> {
  requireScope(principal, 'funder', 'funder', args.funderId);
  const call = await loadPublishedCall(db, cache, args.slug);
  const funder = requireCallFunder(call, args.funderId);
  const stage = args.stage ?? checkedStage(call.definition);

  // Stored checks are filled in for versions that have none yet; while submissions are open they
  // are computed fresh and not stored (a later submission could change a one-proposal-per-PI finding).
  const open = submissionsOpen(call.definition, call.state);
  const run = await runAutomaticChecks(db, call, {
    stage,
    at: args.now,
    onlyMissing: !open,
    store: !open,
  });

  const rows = await latestVersions(db, { callId: call.callId, stage, funderId: args.funderId });
  const ids = rows.map((r) => r.proposalId);
  const [stored, verdicts, completions] = await Promise.all([
    open
      ? Promise.resolve([])
      : storedAutomaticChecks(db, {
          callId: call.callId,
          stage,
          callVersion: call.version,
          proposalIds: ids,
        }),
    latestVerdicts(db, { callId: call.callId, stage, proposalIds: ids }),
    funderCompletions(db, { callId: call.callId, stage }),
  ]);
  const findingsOf = new Map<string, Finding[]>();
  for (const s of stored) findingsOf.set(s.proposalId, s.findings as unknown as Finding[]);
  for (const r of run.results) findingsOf.set(r.proposalId, r.findings);
  const verdictsOf = new Map<string, VerdictRow[]>();
  for (const v of verdicts) verdictsOf.set(v.proposalId, [...(verdictsOf.get(v.proposalId) ?? []), v]);

  const partners: WorkspacePartner[] = [];
  const proposals: WorkspaceProposal[] = [];
  for (const row of rows) {
    const parsed = proposalDocument.safeParse(row.document);
    if (!parsed.success) continue;
    const doc: ProposalDocument = parsed.data;
    const own = doc.partners.filter((p) => p.funderId === args.funderId);
    if (own.length === 0) continue;
    const proposalVerdicts = verdictsOf.get(row.proposalId) ?? [];
    const derived = deriveOutcome(call.eligibilityCall, stage, row.proposalId, doc, proposalVerdicts);
    const ownIds = new Set(own.map((p) => p.id));
    const relevant = findingsForFunder(findingsOf.get(row.proposalId) ?? [], args.funderId, ownIds);
    for (const p of own) {
      const mine = relevant.filter((f) => f.partnerIds.length === 0 || f.partnerIds.includes(p.id));
      const errors = mine.filter((f) => f.level === 'error').length;
      const v = proposalVerdicts.find((x) => x.partnerId === p.id && x.funderId === args.funderId);
      partners.push({
        proposalId: row.proposalId,
        acronym: doc.acronym,
        title: doc.title,
        proposalState: row.state,
        proposalSeq: row.seq,
        submittedAt: row.submittedAt.toISOString(),
        proposalOutcome: derived.outcome,
        partner: {
          id: p.id,
          coordinator: p.coordinator,
          organisation: p.organisation,
          pi: p.pi,
          budget: p.budget,
          requestedMinor: budgetTotalMinor(p.budget),
        },
        automatic: { errorCount: errors, warningCount: mine.length - errors, findings: mine },
        verdict: v ? verdictView(v) : null,
      });
    }
    proposals.push({
      proposalId: row.proposalId,
      acronym: doc.acronym,
      proposalState: row.state,
      outcome: derived.outcome,
      ownPartners: own.length,
      ownPending: derived.pendingPartners.filter((x) => x.funderId === args.funderId).length,
    });
  }
  partners.sort((a, b) =>
    a.acronym === b.acronym
      ? a.partner.id.localeCompare(b.partner.id)
      : a.acronym.localeCompare(b.acronym, 'en'),
  );
  proposals.sort((a, b) => a.acronym.localeCompare(b.acronym, 'en'));
  const completion = completions.find((c) => c.funderId === args.funderId);
  return {
    call,
    funder,
    stage,
    done: completion ? { at: completion.doneAt.toISOString(), by: completion.doneByLabel } : null,
    partners,
    proposals,
  };
}
