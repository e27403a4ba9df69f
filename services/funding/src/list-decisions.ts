import { budgetTotalMinor, type Money } from '@permed/domain';
import type { AllocationResult } from '@permed/allocation';
import type { DbOrTx } from '@permed/db';
import { AppError, hasScope, scopeIds, type Principal } from '@permed/http';
import { currentDecisions, decisionHistory, decisionKey, type DecisionRow } from './decision-store.ts';
import { findRecommendation, latestVersions, proposalStates, type PublishedCall } from './funding-store.ts';

export interface PartnerToDecide {
  proposalId: string;
  acronym: string;
  rank: number;
  proposalState: string;
  partnerId: string;
  organisation: string;
  country: string;
  funderId: string;
  requested: Money;
  current: DecisionRow | null;
}

/**
 * Which funders' partners the principal may see in this call: all of them for the call office, its
 * own for a funder officer, none otherwise (403). A funder never sees another funder's budgets.
 */
export function visibleFunders(principal: Principal, callId: string): '*' | string[] {
  if (hasScope(principal, 'call-office', 'call', callId)) return '*';
  const mine = scopeIds(principal, 'funder', 'funder');
  if (mine !== '*' && mine.length === 0)
    throw new AppError('FORBIDDEN', 'Needs the call office of this call or a funder');
  return mine;
}

/** The partners of recommended proposals that ask the visible funders for money, with their current decision. */
export async function partnersToDecide(
  db: DbOrTx,
  published: PublishedCall,
  funders: '*' | readonly string[],
): Promise<PartnerToDecide[]> {
  const callId = published.call.id;
  const recommendation = await findRecommendation(db, callId);
  if (!recommendation) return [];
  const allocation = recommendation.snapshot.allocation as AllocationResult;
  const recommended = allocation.proposals.filter((p) => p.status === 'funded');
  const ids = recommended.map((p) => p.proposalId);
  const [versions, states, history] = await Promise.all([
    latestVersions(db, callId, 'full-proposal', ids),
    proposalStates(db, callId, ids),
    decisionHistory(db, callId, funders === '*' ? {} : { funderIds: funders }),
  ]);
  const current = currentDecisions(history);
  const result: PartnerToDecide[] = [];
  for (const p of recommended) {
    const version = versions.get(p.proposalId);
    if (!version) continue;
    for (const partner of version.document.partners) {
      if (partner.funderId === null) continue;
      if (funders !== '*' && !funders.includes(partner.funderId)) continue;
      result.push({
        proposalId: p.proposalId,
        acronym: p.acronym,
        rank: p.rank,
        proposalState: states.get(p.proposalId) ?? 'unknown',
        partnerId: partner.id,
        organisation: partner.organisation.name,
        country: partner.organisation.country,
        funderId: partner.funderId,
        requested: { amountMinor: budgetTotalMinor(partner.budget), currency: partner.budget.currency },
        current: current.get(decisionKey(p.proposalId, partner.id)) ?? null,
      });
    }
  }
  return result;
}

/**
 * Partners still awaiting a national decision in this call: the fact the call lifecycle's CLOSE needs
 * (wire it into the calls service's StageFacts.pendingDecisions).
 */
export async function pendingDecisions(db: DbOrTx, published: PublishedCall): Promise<number> {
  const partners = await partnersToDecide(db, published, '*');
  return partners.filter((p) => p.current === null && p.proposalState === 'recommended').length;
}
