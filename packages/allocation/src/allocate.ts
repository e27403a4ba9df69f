import type { Money } from '@permed/domain';
import {
  allocationInput,
  type AllocationInput,
  type FunderBudget,
  type RankedProposal,
} from './allocation-input.ts';
import type {
  AllocationResult,
  FunderOutcome,
  ProposalOutcome,
  ProposalStatus,
  Shortfall,
} from './allocation-result.ts';
import { bestTieSubset, fits } from './best-tie-subset.ts';
import { byCodeUnits } from './by-code-units.ts';
import { decisionGroups } from './decision-groups.ts';
import { amounts, funderNeeds, type FunderNeed } from './funder-needs.ts';
import { makeConverter, type Converter } from './exchange-rate.ts';
import {
  explainFunded,
  explainNotConsidered,
  explainNotReached,
  explainUnfunded,
  type ShortfallFacts,
  type TieFacts,
} from './explain.ts';

export type AllocateOptions = {
  /** Locale of the explanations and amounts in them; part of the snapshot, so keep it fixed per call. */
  locale?: string;
};

type Decision = {
  status: ProposalStatus;
  shortfalls: (ShortfallFacts & { funderId: string })[];
  tie: (TieFacts & { ids: string[] }) | null;
  stopsWalk: boolean;
};

/**
 * Walks the frozen ranking list against the funders' commitments and returns the funding recommendation.
 *
 * Decisions use only integer minor units in each funder's own currency; exchange rates are used for the
 * reporting amounts and nothing else. The result is a pure function of the input's content: funders,
 * partners and ranking entries may be listed in any order. Throws a ZodError when the input is invalid.
 */
export function allocate(raw: AllocationInput, options: AllocateOptions = {}): AllocationResult {
  const input = allocationInput.parse(raw);
  const locale = options.locale ?? 'en-GB';
  const funders = [...input.funders].sort((a, b) => byCodeUnits(a.funderId, b.funderId));
  const funderById = new Map(funders.map((f) => [f.funderId, f]));
  const convert = makeConverter(input.reportingCurrency, input.exchangeRates);
  const inCurrencyOf = (funder: FunderBudget, amountMinor: number): Money => ({
    amountMinor,
    currency: funder.commitment.currency,
  });

  const remaining = new Map(funders.map((f) => [f.funderId, f.commitment.amountMinor]));
  const needsById = new Map(input.ranking.map((p) => [p.proposalId, funderNeeds(p)]));
  const needsOf = (p: RankedProposal) => needsById.get(p.proposalId)!;
  const decisions = new Map<string, Decision>();
  let stop: RankedProposal | null = null;

  const shortfallsOf = (needs: ReadonlyMap<string, FunderNeed>): Decision['shortfalls'] => {
    const result: Decision['shortfalls'] = [];
    for (const [funderId, need] of needs) {
      const left = remaining.get(funderId) ?? 0;
      if (need.amount <= left) continue;
      const funder = funderById.get(funderId)!;
      result.push({
        funderId,
        acronym: funder.acronym,
        remaining: inCurrencyOf(funder, left),
        requested: inCurrencyOf(funder, need.amount),
        missing: inCurrencyOf(funder, need.amount - left),
        maxTopUp: funder.maxTopUp,
        partners: need.partners,
      });
    }
    return result;
  };

  for (const group of decisionGroups(input)) {
    if (stop) {
      for (const p of group)
        decisions.set(p.proposalId, { status: 'not-reached', shortfalls: [], tie: null, stopsWalk: false });
      continue;
    }
    const groupNeeds = group.map((p) => amounts(needsOf(p)));
    const chosen = new Set(
      group.length === 1
        ? fits(groupNeeds[0]!, remaining)
          ? [0]
          : []
        : bestTieSubset(groupNeeds, remaining),
    );
    for (const i of chosen) {
      for (const [funderId, amount] of groupNeeds[i]!)
        remaining.set(funderId, remaining.get(funderId)! - amount);
    }
    const unfunded = group.filter((_, i) => !chosen.has(i));
    const tieOf = (p: RankedProposal): Decision['tie'] => {
      if (group.length === 1 || unfunded.length === 0) return null;
      const others = group.filter((o) => o !== p);
      return {
        score: p.score,
        others: others.map((o) => ({ acronym: o.acronym, rank: o.rank })),
        ids: others.map((o) => o.proposalId),
      };
    };
    const stopsWalk = input.mode === 'no-gaps' && unfunded.length > 0;
    group.forEach((p, i) => {
      if (chosen.has(i)) {
        decisions.set(p.proposalId, { status: 'funded', shortfalls: [], tie: tieOf(p), stopsWalk: false });
        return;
      }
      // Measured after the whole group's choice: these are the budgets the proposal really meets.
      const shortfalls = shortfallsOf(needsOf(p));
      const refused = shortfalls.some(
        (s) => s.maxTopUp !== null && s.missing.amountMinor > s.maxTopUp.amountMinor,
      );
      decisions.set(p.proposalId, {
        status: refused ? 'not-fundable' : 'fundable-with-top-up',
        shortfalls,
        tie: tieOf(p),
        stopsWalk,
      });
    });
    if (stopsWalk) stop = unfunded[0]!;
  }

  if (stop) {
    // Below the gap, the binding amounts are what funding everything down to this rank would take: each
    // funder's requests over the unfunded proposals so far against what it has left (see top-up-to-rank.ts).
    const cumulative = new Map<string, FunderNeed>();
    for (const group of decisionGroups(input)) {
      for (const p of group) {
        const decision = decisions.get(p.proposalId)!;
        if (decision.status === 'funded') continue;
        for (const [funderId, need] of needsOf(p)) {
          const sum = cumulative.get(funderId) ?? { amount: 0, partners: 0 };
          cumulative.set(funderId, {
            amount: sum.amount + need.amount,
            partners: sum.partners + need.partners,
          });
        }
        if (decision.status === 'not-reached') {
          decision.shortfalls = shortfallsOf(new Map([...cumulative].sort(([a], [b]) => byCodeUnits(a, b))));
        }
      }
    }
  }

  const fundable = input.fundableCategories;
  const proposals = [...input.ranking]
    .sort((a, b) => a.rank - b.rank)
    .map((p): ProposalOutcome => {
      const needs = needsOf(p);
      const requested = [...needs].map(([funderId, need]) => {
        const funder = funderById.get(funderId)!;
        return { funderId, acronym: funder.acronym, amount: inCurrencyOf(funder, need.amount) };
      });
      const requestedReporting = requested.reduce((sum, r) => sum + convert(r.amount).amountMinor, 0);
      const decision = decisions.get(p.proposalId) ?? {
        status: 'not-considered' as const,
        shortfalls: [],
        tie: null,
        stopsWalk: false,
      };
      const explanation =
        decision.status === 'funded'
          ? explainFunded(decision.tie, locale)
          : decision.status === 'not-considered'
            ? explainNotConsidered(p.category, fundable, locale)
            : decision.status === 'not-reached'
              ? explainNotReached(decision.shortfalls, stop!, locale)
              : explainUnfunded(decision.shortfalls, {
                  tie: decision.tie,
                  stopsWalk: decision.stopsWalk,
                  locale,
                });
      return {
        proposalId: p.proposalId,
        acronym: p.acronym,
        rank: p.rank,
        score: p.score,
        category: p.category,
        status: decision.status,
        requested,
        requestedReporting: { amountMinor: requestedReporting, currency: input.reportingCurrency },
        shortfalls: decision.shortfalls.map((s): Shortfall => ({
          funderId: s.funderId,
          acronym: s.acronym,
          remaining: s.remaining,
          requested: s.requested,
          missing: s.missing,
          maxTopUp: s.maxTopUp,
        })),
        tiedWith: decision.tie?.ids ?? [],
        explanation,
      };
    });

  const funderOutcomes = funders.map((f): FunderOutcome =>
    funderOutcome(f, remaining.get(f.funderId)!, convert),
  );
  return {
    mode: input.mode,
    ties: input.ties,
    reportingCurrency: input.reportingCurrency,
    fundableCategories: [...fundable],
    stoppedAtRank: stop?.rank ?? null,
    fundedCount: proposals.filter((p) => p.status === 'funded').length,
    allocatedReporting: {
      amountMinor: funderOutcomes.reduce((sum, f) => sum + f.allocatedReporting.amountMinor, 0),
      currency: input.reportingCurrency,
    },
    funders: funderOutcomes,
    proposals,
  };
}

function funderOutcome(f: FunderBudget, left: number, convert: Converter): FunderOutcome {
  const committed = { ...f.commitment };
  const allocated = { amountMinor: committed.amountMinor - left, currency: committed.currency };
  const remaining = { amountMinor: left, currency: committed.currency };
  return {
    funderId: f.funderId,
    acronym: f.acronym,
    committed,
    allocated,
    remaining,
    committedReporting: convert(committed),
    allocatedReporting: convert(allocated),
    remainingReporting: convert(remaining),
  };
}
