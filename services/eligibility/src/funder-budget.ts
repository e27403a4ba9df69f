import type { FunderWorkspace } from './funder-workspace.ts';

interface Tally {
  partners: number;
  amountMinor: number;
}

export interface BudgetOverview {
  funderId: string;
  stage: string;
  currency: string;
  /** The commitment as the call states it (normally in the funder's currency). */
  commitment: { amountMinor: number; currency: string };
  requested: Tally & { proposals: number };
  byVerdict: { eligible: Tally; notEligible: Tally; pending: Tally };
  byProposalOutcome: { eligible: Tally; pending: Tally; declined: Tally };
  /** Requested by partners not officially ineligible, in proposals not declined: what may still be funded. */
  stillInPlayMinor: number;
  /** stillInPlay − commitment: positive means the funder is oversubscribed (null if the currencies differ). */
  gapMinor: number | null;
  /** stillInPlay / commitment, rounded to 3 decimals (null without a commitment). */
  coverageRatio: number | null;
  /** Partners whose budget is not in the funder's currency for this call: never added up. */
  notInFunderCurrency: { proposalId: string; partnerId: string; currency: string }[];
}

const zero = (): Tally => ({ partners: 0, amountMinor: 0 });
const add = (t: Tally, amount: number) => {
  t.partners += 1;
  t.amountMinor += amount;
};

/**
 * Requested by the funder's own partners against its commitment to the call, all in the funder's
 * currency for the call (integer minor units; amounts in any other currency are listed, not converted).
 */
export function budgetOverview(ws: FunderWorkspace): BudgetOverview {
  const currency = ws.funder.currency;
  const requested = { ...zero(), proposals: new Set(ws.partners.map((p) => p.proposalId)).size };
  const byVerdict = { eligible: zero(), notEligible: zero(), pending: zero() };
  const byProposalOutcome = { eligible: zero(), pending: zero(), declined: zero() };
  const notInFunderCurrency: BudgetOverview['notInFunderCurrency'] = [];
  let stillInPlayMinor = 0;
  for (const row of ws.partners) {
    if (row.partner.budget.currency !== currency) {
      notInFunderCurrency.push({
        proposalId: row.proposalId,
        partnerId: row.partner.id,
        currency: row.partner.budget.currency,
      });
      continue;
    }
    const amount = row.partner.requestedMinor;
    add(requested, amount);
    const v = row.verdict?.verdict;
    add(
      v === 'eligible'
        ? byVerdict.eligible
        : v === 'not-eligible'
          ? byVerdict.notEligible
          : byVerdict.pending,
      amount,
    );
    add(byProposalOutcome[row.proposalOutcome], amount);
    if (row.proposalOutcome !== 'declined' && v !== 'not-eligible') stillInPlayMinor += amount;
  }
  const commitmentMinor =
    ws.funder.commitment.currency === currency ? ws.funder.commitment.amountMinor : null;
  return {
    funderId: ws.funder.id,
    stage: ws.stage,
    currency,
    commitment: { amountMinor: ws.funder.commitment.amountMinor, currency: ws.funder.commitment.currency },
    requested,
    byVerdict,
    byProposalOutcome,
    stillInPlayMinor,
    gapMinor: commitmentMinor === null ? null : stillInPlayMinor - commitmentMinor,
    coverageRatio:
      commitmentMinor !== null && commitmentMinor > 0
        ? Math.round((stillInPlayMinor / commitmentMinor) * 1000) / 1000
        : null,
    notInFunderCurrency,
  };
}
