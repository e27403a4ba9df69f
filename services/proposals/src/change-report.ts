import { canonicalHash } from '@permed/db';
import {
  budgetTotalMinor,
  DEFAULT_STAGE_CHANGES,
  type Partner,
  type ProposalDocument,
  type StageChangeRules,
} from '@permed/domain';

export interface PartnerSummary {
  id: string;
  organisation: string;
  country: string;
  funderId: string | null;
}

export interface BudgetChange {
  partnerId: string;
  currency: string;
  /** Integer minor units; null when the partner is not in that version. */
  before: number | null;
  after: number | null;
  change: number;
}

/** Why the call office must approve a full proposal's changes, by the call's stage-change rules. */
export type ApprovalReason = 'partner-added' | 'partner-removed' | 'coordinator-changed' | 'budget-changed';

export interface ChangeReport {
  partnersAdded: PartnerSummary[];
  partnersRemoved: PartnerSummary[];
  coordinatorChanged: { from: string | null; to: string | null } | null;
  budget: {
    perPartner: BudgetChange[];
    /** Totals per currency: amounts are never added across currencies. */
    totals: { currency: string; before: number; after: number; change: number }[];
  };
  /** The changes the call says need the call office's approval (empty: none). */
  approvalReasons: ApprovalReason[];
  requiresApproval: boolean;
  /** Fingerprint of the consortium (partner ids and the coordinator) an approval is given for. */
  consortiumHash: string;
  /** Fingerprint of every partner's budget total, for an approval of a budget change. */
  budgetsHash: string;
}

/** What an approved request was given for. */
export interface ApprovedChange {
  consortiumHash: string;
  /** Null for requests made before budgets could need approval. */
  budgetsHash: string | null;
}

const CONSORTIUM_REASONS: readonly ApprovalReason[] = [
  'partner-added',
  'partner-removed',
  'coordinator-changed',
];

/**
 * Whether an approval covers what the report says needs one: the consortium as approved when a
 * consortium change needs approval, the budgets as approved when a budget change does. A later
 * change of either needs a new request; undoing a change (or a call that stops asking) needs none.
 */
export function approvalCovers(report: ChangeReport, approved: ApprovedChange): boolean {
  const consortium = report.approvalReasons.some((r) => CONSORTIUM_REASONS.includes(r));
  const budgets = report.approvalReasons.includes('budget-changed');
  return (
    (!consortium || approved.consortiumHash === report.consortiumHash) &&
    (!budgets || approved.budgetsHash === report.budgetsHash)
  );
}

const summary = (p: Partner): PartnerSummary => ({
  id: p.id,
  organisation: p.organisation.name,
  country: p.organisation.country,
  funderId: p.funderId,
});

export function consortiumHash(partners: readonly Pick<Partner, 'id' | 'coordinator'>[]): string {
  return canonicalHash({
    partners: partners.map((p) => p.id).sort(),
    coordinator: partners.find((p) => p.coordinator)?.id ?? null,
  });
}

export function budgetsHash(partners: readonly Pick<Partner, 'id' | 'budget'>[]): string {
  return canonicalHash(
    partners
      .map((p) => ({ id: p.id, currency: p.budget.currency, total: budgetTotalMinor(p.budget) }))
      .sort((a, b) => a.id.localeCompare(b.id)),
  );
}

/**
 * `after` moved from `before` by more than `percent` % of `before` (anything from nothing counts).
 * In integers: the percentage has at most two decimals (the call's schema), so it is compared in
 * basis points, exactly, in BigInt (budgets may exceed 2^53 / 10,000 minor units).
 */
function beyond(before: number, after: number, percent: number): boolean {
  if (before === 0) return after !== 0;
  const basisPoints = BigInt(Math.round(percent * 100));
  return BigInt(Math.abs(after - before)) * 10_000n > basisPoints * BigInt(before);
}

/**
 * What changed between the pre-proposal the consortium submitted and its full proposal. Partners are
 * matched by their id; a partner whose budget changed currency shows as two lines (one per currency).
 */
export function changeReport(
  baseline: Pick<ProposalDocument, 'partners'>,
  current: { partners: readonly Partner[] },
  rules: StageChangeRules = DEFAULT_STAGE_CHANGES,
): ChangeReport {
  const before = new Map(baseline.partners.map((p) => [p.id, p]));
  const after = new Map(current.partners.map((p) => [p.id, p]));
  const partnersAdded = current.partners.filter((p) => !before.has(p.id)).map(summary);
  const partnersRemoved = baseline.partners.filter((p) => !after.has(p.id)).map(summary);
  const coordBefore = baseline.partners.find((p) => p.coordinator)?.id ?? null;
  const coordAfter = current.partners.find((p) => p.coordinator)?.id ?? null;

  const lines = new Map<string, BudgetChange>();
  const line = (partnerId: string, currency: string) => {
    const key = `${partnerId}\u0000${currency}`;
    let l = lines.get(key);
    if (!l) {
      l = { partnerId, currency, before: null, after: null, change: 0 };
      lines.set(key, l);
    }
    return l;
  };
  for (const p of baseline.partners) line(p.id, p.budget.currency).before = budgetTotalMinor(p.budget);
  for (const p of current.partners) line(p.id, p.budget.currency).after = budgetTotalMinor(p.budget);
  const perPartner = [...lines.values()]
    .map((l) => ({ ...l, change: (l.after ?? 0) - (l.before ?? 0) }))
    .sort((a, b) =>
      a.partnerId === b.partnerId
        ? a.currency.localeCompare(b.currency)
        : a.partnerId.localeCompare(b.partnerId),
    );
  const totals = new Map<string, { currency: string; before: number; after: number; change: number }>();
  for (const l of perPartner) {
    const t = totals.get(l.currency) ?? { currency: l.currency, before: 0, after: 0, change: 0 };
    t.before += l.before ?? 0;
    t.after += l.after ?? 0;
    t.change = t.after - t.before;
    totals.set(l.currency, t);
  }
  const coordinatorChanged = coordBefore === coordAfter ? null : { from: coordBefore, to: coordAfter };
  const totalLines = [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency));

  const percent = rules.budgetChangePercent;
  // A partner's own budget is compared where it is in both versions in one currency; what a partner
  // added or removed (or a changed currency) brings shows in the totals per currency.
  const budgetChanged =
    percent !== null &&
    (perPartner.some((l) => l.before !== null && l.after !== null && beyond(l.before, l.after, percent)) ||
      totalLines.some((t) => beyond(t.before, t.after, percent)));
  const approvalReasons = (
    [
      ['partner-added', partnersAdded.length > 0 && rules.partnerAdded === 'approval'],
      ['partner-removed', partnersRemoved.length > 0 && rules.partnerRemoved === 'approval'],
      ['coordinator-changed', coordinatorChanged !== null && rules.coordinatorChanged === 'approval'],
      ['budget-changed', budgetChanged],
    ] as const
  )
    .filter(([, needed]) => needed)
    .map(([reason]): ApprovalReason => reason);
  return {
    partnersAdded,
    partnersRemoved,
    coordinatorChanged,
    budget: { perPartner, totals: totalLines },
    approvalReasons,
    requiresApproval: approvalReasons.length > 0,
    consortiumHash: consortiumHash(current.partners),
    budgetsHash: budgetsHash(current.partners),
  };
}
