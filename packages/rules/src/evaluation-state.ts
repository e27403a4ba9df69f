import {
  funderLabel,
  type ModuleCode,
  type Partner,
  type ProposalDocument,
  type Rule,
  type RuleKind,
  type RuleOfKind,
} from '@permed/domain';
import { type EligibilityContext, type OfficialVerdict, type ParticipatingFunder } from './context.ts';
import { joinAnd, partnerLabel } from './format.ts';

/** Why a partner is not eligible for funding. */
export type NotEligibleReason =
  | { readonly type: 'own-funded' }
  | { readonly type: 'funder-not-participating'; readonly funderId: string }
  | { readonly type: 'rule'; readonly ruleId: string }
  | { readonly type: 'official-verdict'; readonly funderId: string };

export interface PartnerStatus {
  readonly eligible: boolean;
  readonly reasons: readonly NotEligibleReason[];
}

/** Everything a kind evaluator reads. Partners are sorted by id so that input order never matters. */
export interface EvaluationState {
  readonly context: EligibilityContext;
  readonly proposal: ProposalDocument;
  readonly partners: readonly Partner[];
  readonly funders: ReadonlyMap<string, ParticipatingFunder>;
  readonly euAssociated: ReadonlySet<string>;
  readonly modules: readonly ModuleCode[];
  readonly officiallyIneligible: ReadonlyMap<string, OfficialVerdict>;
  /** Filled once the partner-level rules have run; consortium rules count on it. */
  readonly status: ReadonlyMap<string, PartnerStatus>;
}

/** A finding before the evaluator adds rule id, kind, level and provenance. */
export interface FindingDraft {
  readonly partnerIds: readonly string[];
  readonly facts: Record<string, unknown>;
  readonly message: string;
  readonly funderId?: string;
}

/** Names funders in rule descriptions. */
export type FunderNamer = (funderId: string) => string;

/**
 * One small pure evaluator per rule kind. `partner` kinds run first: an error they raise against a
 * partner makes that partner not eligible for funding, which the `consortium` kinds then count.
 */
export interface KindHandler<K extends RuleKind> {
  readonly phase: 'partner' | 'consortium';
  evaluate(rule: RuleOfKind<K>, state: EvaluationState): FindingDraft[];
  describe(rule: RuleOfKind<K>, funderName: FunderNamer): string;
}

export function byId<T extends { id: string }>(a: T, b: T): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function funderName(state: EvaluationState, id: string): string {
  const f = state.funders.get(id);
  return f ? funderLabel(f) : id;
}

/** The partners a rule applies to: the funder's own partners, or every partner for a call rule. */
export function partnersInScope(rule: Rule, state: EvaluationState): readonly Partner[] {
  return rule.scope === 'funder'
    ? state.partners.filter((p) => p.funderId === rule.funderId)
    : state.partners;
}

export function eligiblePartners(state: EvaluationState): Partner[] {
  return state.partners.filter((p) => state.status.get(p.id)?.eligible === true);
}

export function notEligibleFacts(
  state: EvaluationState,
): { partnerId: string; reasons: NotEligibleReason[] }[] {
  return state.partners.flatMap((p) => {
    const s = state.status.get(p.id);
    return s && !s.eligible ? [{ partnerId: p.id, reasons: [...s.reasons] }] : [];
  });
}

function reasonText(r: NotEligibleReason, state: EvaluationState): string {
  switch (r.type) {
    case 'own-funded':
      return 'is own-funded';
    case 'funder-not-participating':
      return `asks ${r.funderId}, which does not fund this call`;
    case 'rule':
      return `fails rule ${r.ruleId}`;
    case 'official-verdict':
      return `was found ineligible by ${funderName(state, r.funderId)}`;
  }
}

/** "p4 (X, DE) is own-funded; p5 (Y, PL) fails rule ncbr-…" — or '' when every partner is eligible. */
export function notEligibleSentence(state: EvaluationState): string {
  const parts = state.partners.flatMap((p) => {
    const s = state.status.get(p.id);
    if (!s || s.eligible) return [];
    return [`${partnerLabel(p)} ${joinAnd(s.reasons.map((r) => reasonText(r, state)))}`];
  });
  return parts.length ? ` Not eligible for funding: ${parts.join('; ')}.` : '';
}

export function labels(partners: readonly Partner[]): string {
  return joinAnd(partners.map(partnerLabel));
}
