import { canonicalHash } from '@permed/db';
import { budgetTotalMinor, type Partner, type ProposalDocument } from '@permed/domain';

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

export interface ChangeReport {
  partnersAdded: PartnerSummary[];
  partnersRemoved: PartnerSummary[];
  coordinatorChanged: { from: string | null; to: string | null } | null;
  budget: {
    perPartner: BudgetChange[];
    /** Totals per currency: amounts are never added across currencies. */
    totals: { currency: string; before: number; after: number; change: number }[];
  };
  /** A consortium change (partner added or removed, coordinator changed) needs the call office's approval. */
  requiresApproval: boolean;
  /** Fingerprint of the consortium (partner ids and the coordinator) an approval is given for. */
  consortiumHash: string;
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

/**
 * What changed between the pre-proposal the consortium submitted and its full proposal. Partners are
 * matched by their id; a partner whose budget changed currency shows as two lines (one per currency).
 */
export function changeReport(
  baseline: Pick<ProposalDocument, 'partners'>,
  current: { partners: readonly Partner[] },
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
  return {
    partnersAdded,
    partnersRemoved,
    coordinatorChanged,
    budget: { perPartner, totals: [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency)) },
    requiresApproval: partnersAdded.length > 0 || partnersRemoved.length > 0 || coordinatorChanged !== null,
    consortiumHash: consortiumHash(current.partners),
  };
}
