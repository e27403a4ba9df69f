import { type Partner, type ProposalDocument, type Rule } from '@permed/domain';
import { compareFindings } from './canonical.ts';
import { type EligibilityContext, type Finding, type OfficialVerdict, type Verdict } from './context.ts';
import {
  byId,
  funderName,
  type EvaluationState,
  type NotEligibleReason,
  type PartnerStatus,
} from './evaluation-state.ts';
import { partnerLabel } from './format.ts';
import { evaluateRule, phaseOf } from './kinds/index.ts';
import { type FindingDraft } from './evaluation-state.ts';

function toFinding(rule: Rule, d: FindingDraft): Finding {
  const funderId = d.funderId ?? rule.funderId;
  return {
    ruleId: rule.id,
    kind: rule.kind,
    level: rule.level,
    ...(funderId ? { funderId } : {}),
    partnerIds: [...d.partnerIds].sort(),
    facts: d.facts,
    message: d.message,
    ...(rule.source ? { source: rule.source } : { assumption: true as const }),
    ...(rule.note ? { note: rule.note } : {}),
  };
}

/** The latest recorded verdict per partner counts, and only if it is by the funder the partner asks now. */
function officiallyIneligible(
  context: EligibilityContext,
  partners: readonly Partner[],
): Map<string, OfficialVerdict> {
  const latest = new Map<string, OfficialVerdict>();
  for (const v of context.officialVerdicts ?? []) latest.set(v.partnerId, v);
  const out = new Map<string, OfficialVerdict>();
  for (const p of partners) {
    const v = latest.get(p.id);
    if (v && v.verdict === 'ineligible' && v.funderId === p.funderId) out.set(p.id, v);
  }
  return out;
}

function officialVerdictFinding(state: EvaluationState, p: Partner, v: OfficialVerdict): Finding {
  const name = funderName(state, v.funderId);
  return {
    ruleId: 'official-verdict',
    kind: 'official-verdict',
    level: 'error',
    funderId: v.funderId,
    partnerIds: [p.id],
    facts: { verdict: v.verdict, reason: v.reason ?? null },
    message: `${name} found ${partnerLabel(p)} ineligible in its official national verdict${v.reason ? `: ${v.reason}` : '.'}`,
    officialVerdict: { funderId: v.funderId, ...(v.reason ? { reason: v.reason } : {}) },
  };
}

function partnerStatus(
  state: EvaluationState,
  p: Partner,
  partnerFindings: readonly Finding[],
): PartnerStatus {
  const reasons: NotEligibleReason[] = [];
  if (p.funderId === null) reasons.push({ type: 'own-funded' });
  else if (!state.funders.has(p.funderId))
    reasons.push({ type: 'funder-not-participating', funderId: p.funderId });
  const failed = new Set<string>();
  for (const f of partnerFindings)
    if (f.level === 'error' && f.partnerIds.includes(p.id)) failed.add(f.ruleId);
  for (const ruleId of [...failed].sort()) reasons.push({ type: 'rule', ruleId });
  const v = state.officiallyIneligible.get(p.id);
  if (v) reasons.push({ type: 'official-verdict', funderId: v.funderId });
  return { eligible: reasons.length === 0, reasons };
}

/**
 * Checks one proposal against a call's rules at the context's stage. Pure and deterministic: the
 * same context and proposal (in any partner order) give the same verdict, findings in canonical order.
 *
 * A partner is eligible for funding when it asks a participating funder, no partner-level rule
 * raises an error against it, and no official verdict of that funder declares it ineligible.
 */
export function evaluateProposal(context: EligibilityContext, proposal: ProposalDocument): Verdict {
  const partners = [...proposal.partners].sort(byId);
  const status = new Map<string, PartnerStatus>();
  const state: EvaluationState = {
    context,
    proposal,
    partners,
    funders: new Map(context.funders.map((f) => [f.id, f])),
    euAssociated: new Set(context.euAssociatedCountries),
    modules: [...proposal.modules].sort(),
    officiallyIneligible: officiallyIneligible(context, partners),
    status,
  };
  const active = context.rules.filter((r) => r.stage === 'both' || r.stage === context.stage);

  const partnerFindings: Finding[] = [];
  for (const rule of active) {
    if (phaseOf(rule) !== 'partner') continue;
    for (const d of evaluateRule(rule, state)) partnerFindings.push(toFinding(rule, d));
  }
  for (const p of partners) status.set(p.id, partnerStatus(state, p, partnerFindings));

  const findings = [...partnerFindings];
  for (const p of partners) {
    const v = state.officiallyIneligible.get(p.id);
    if (v) findings.push(officialVerdictFinding(state, p, v));
  }
  for (const rule of active) {
    if (phaseOf(rule) !== 'consortium') continue;
    for (const d of evaluateRule(rule, state)) findings.push(toFinding(rule, d));
  }
  findings.sort(compareFindings);
  return {
    eligible: !findings.some((f) => f.level === 'error'),
    callVersion: context.callVersion,
    stage: context.stage,
    findings,
  };
}
