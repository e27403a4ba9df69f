import type { ProposalDocument, ProposalStage } from '@permed/domain';
import {
  contextFromCall,
  evaluateProposal,
  type EligibilityCall,
  type Finding,
  type OfficialVerdict,
} from '@permed/rules';

export const proposalOutcomes = ['eligible', 'declined', 'pending'] as const;
export type ProposalOutcome = (typeof proposalOutcomes)[number];

/** A recorded official verdict as stored (the latest one per partner). */
export interface RecordedVerdict {
  readonly partnerId: string;
  readonly funderId: string;
  readonly verdict: 'eligible' | 'not-eligible';
  readonly reasonCode: string | null;
  readonly note: string | null;
}

export interface DerivedOutcome {
  readonly outcome: ProposalOutcome;
  /** Partners asking a participating funder whose funder has not recorded a verdict yet. */
  readonly pendingPartners: readonly { partnerId: string; funderId: string }[];
  /** Partners a funder found not eligible: each declines the whole proposal. */
  readonly declinedBy: readonly { partnerId: string; funderId: string; reason: string | null }[];
}

/** Verdicts in the evaluator's vocabulary, so the derivation is the same code as every other check. */
export function toOfficialVerdicts(rows: readonly RecordedVerdict[]): OfficialVerdict[] {
  return rows.map((r) => {
    const reason = [r.reasonCode, r.note].filter(Boolean).join(': ');
    return {
      partnerId: r.partnerId,
      funderId: r.funderId,
      verdict: r.verdict === 'eligible' ? 'eligible' : 'ineligible',
      ...(reason ? { reason: reason.slice(0, 2000) } : {}),
    };
  });
}

/**
 * The proposal's national eligibility outcome from its funders' official verdicts: declined as soon
 * as one partner asking for funding is officially not eligible (one partner declines the whole
 * proposal), pending while a verdict is missing, eligible otherwise. The automatic findings advise
 * the funders but never decide: a funder may accept a partner the automatic check flagged.
 *
 * The "officially not eligible" part is read from the rules engine's official-verdict findings, so
 * which verdict counts (the latest, and only by the funder the partner asks now) is the same code
 * as in every verdict the engine gives.
 */
export function deriveOutcome(
  call: EligibilityCall,
  stage: ProposalStage,
  proposalId: string,
  doc: ProposalDocument,
  verdicts: readonly RecordedVerdict[],
): DerivedOutcome {
  const verdict = evaluateProposal(
    contextFromCall(call, stage, { proposalId, officialVerdicts: toOfficialVerdicts(verdicts) }),
    doc,
  );
  const official = verdict.findings.filter(
    (f): f is Finding & { officialVerdict: NonNullable<Finding['officialVerdict']> } =>
      f.officialVerdict !== undefined,
  );
  const declinedBy = official.map((f) => ({
    partnerId: f.partnerIds[0] ?? '',
    funderId: f.officialVerdict.funderId,
    reason: f.officialVerdict.reason ?? null,
  }));
  const participating = new Set(call.funders.map((f) => f.id));
  const byPartner = new Map(verdicts.map((v) => [v.partnerId, v]));
  const pendingPartners = doc.partners
    .filter((p) => p.funderId !== null && participating.has(p.funderId))
    .filter((p) => byPartner.get(p.id)?.funderId !== p.funderId)
    .map((p) => ({ partnerId: p.id, funderId: p.funderId! }))
    .sort((a, b) => (a.partnerId < b.partnerId ? -1 : a.partnerId > b.partnerId ? 1 : 0));
  const outcome: ProposalOutcome =
    declinedBy.length > 0 ? 'declined' : pendingPartners.length > 0 ? 'pending' : 'eligible';
  return { outcome, pendingPartners, declinedBy };
}
