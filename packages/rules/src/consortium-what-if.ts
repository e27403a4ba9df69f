import { type ProposalDocument } from '@permed/domain';
import { type EligibilityContext, type Verdict } from './context.ts';
import { evaluateProposal } from './evaluate-proposal.ts';

function callRulesOnly(context: EligibilityContext, proposal: ProposalDocument): Verdict {
  const full = evaluateProposal(context, proposal);
  const callRuleIds = new Set(context.rules.filter((r) => r.scope === 'call').map((r) => r.id));
  // National findings and official verdicts still decide who counts as eligible for funding;
  // only the call (consortium) rules' findings are reported.
  const findings = full.findings.filter((f) => !f.officialVerdict && callRuleIds.has(f.ruleId));
  return { ...full, eligible: !findings.some((f) => f.level === 'error'), findings };
}

export interface WhatIf {
  /** The call rules' verdict with the partner taken out of the consortium. */
  readonly removed: Verdict;
  /** The call rules' verdict with the partner kept but own-funded. */
  readonly ownFunded: Verdict;
}

/**
 * If a funder finds partner `partnerId` ineligible, would the consortium still meet the call rules
 * without it, or with it bringing its own money? The partner's own official verdict is dropped in
 * both scenarios (it no longer asks that funder).
 */
export function consortiumWhatIf(
  context: EligibilityContext,
  proposal: ProposalDocument,
  partnerId: string,
): WhatIf {
  const target = proposal.partners.find((p) => p.id === partnerId);
  if (!target) throw new RangeError(`no partner "${partnerId}" in proposal ${proposal.acronym}`);
  const ctx: EligibilityContext = {
    ...context,
    officialVerdicts: (context.officialVerdicts ?? []).filter((v) => v.partnerId !== partnerId),
  };
  return {
    removed: callRulesOnly(ctx, {
      ...proposal,
      partners: proposal.partners.filter((p) => p.id !== partnerId),
    }),
    ownFunded: callRulesOnly(ctx, {
      ...proposal,
      partners: proposal.partners.map((p) => (p.id === partnerId ? { ...p, funderId: null } : p)),
    }),
  };
}
