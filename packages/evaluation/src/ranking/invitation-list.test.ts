import { describe, expect, it } from 'vitest';
import { consolidate } from '../scores/consolidate.ts';
import { defaultStageCriteria } from '../scores/criteria-settings.ts';
import { invitationList } from './invitation-list.ts';
import { rankProposals } from './rank-proposals.ts';

const entry = (proposalId: string, score: number, impact = score) => ({
  proposalId,
  consolidated: consolidate(defaultStageCriteria, {
    kind: 'reviews',
    reviews: [
      {
        reviewerId: 'R1',
        scores: [
          { criterionId: 'excellence', score },
          { criterionId: 'impact', score: impact },
          { criterionId: 'implementation', score },
        ],
      },
    ],
  }),
});
// Totals: P1 15, P5 12 (excellence 5, but impact 2 misses its threshold), P2 12, P3 12, P4 11.
const ranking = rankProposals([
  entry('P1', 5),
  entry('P2', 4),
  entry('P3', 4),
  entry('P4', 4, 3),
  entry('P5', 5, 2),
]);
const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });

describe('invitationList', () => {
  it('never invites a proposal below the stage thresholds', () => {
    const list = invitationList(ranking, {});
    expect(list.invited).toEqual(['P1', 'P2', 'P3', 'P4']);
    expect(ranking.entries.map((e) => e.proposalId)).toEqual(['P1', 'P5', 'P2', 'P3', 'P4']);
    expect(list.notInvited).toEqual([{ proposalId: 'P5', reason: 'below-stage-thresholds' }]);
  });

  it('invites the top N in ranking order', () => {
    const list = invitationList(ranking, { topN: 2 });
    expect(list.invited).toEqual(['P1', 'P2']);
    expect(list.notInvited.map((n) => [n.proposalId, n.reason])).toEqual([
      ['P5', 'below-stage-thresholds'],
      ['P3', 'outside-top-n'],
      ['P4', 'outside-top-n'],
    ]);
  });

  it('invites everything at or above a total threshold', () => {
    expect(invitationList(ranking, { threshold: 12 }).invited).toEqual(['P1', 'P2', 'P3']);
  });

  it('stops at the first proposal that would take the requested budget over the cap', () => {
    const budgetCap = {
      requestedBudgetByProposal: {
        P1: eur(100_000_00),
        P2: eur(150_000_00),
        P3: eur(10_000_00),
        P4: eur(10_000_00),
        P5: eur(1_00),
      },
      availableBudget: eur(80_000_00),
      multiplier: 3,
    };
    // Cap 240,000 €: P1 (100k) fits, P2 would make 250k, so P2 and everything below it wait even though P3 is cheap.
    const list = invitationList(ranking, { budgetCap });
    expect(list.invited).toEqual(['P1']);
    expect(list.notInvited.map((n) => [n.proposalId, n.reason])).toEqual([
      ['P5', 'below-stage-thresholds'],
      ['P2', 'budget-cap'],
      ['P3', 'budget-cap'],
      ['P4', 'budget-cap'],
    ]);
    expect(list.requested).toEqual(eur(100_000_00));
    expect(list.cap).toEqual(eur(240_000_00));
    const exact = invitationList(ranking, {
      budgetCap: { ...budgetCap, availableBudget: eur(100_000_00), multiplier: 2.5 },
    });
    // Cap 250,000 € exactly: P1 + P2 = 250k fits (≤), P3 does not.
    expect(exact.invited).toEqual(['P1', 'P2']);
    expect(exact.cap).toEqual(eur(250_000_00));
    expect(() => invitationList(ranking, { budgetCap: { ...budgetCap, multiplier: 3.125 } })).toThrow(
      /two decimals/,
    );
  });

  it('refuses budgets in another currency or a missing budget', () => {
    expect(() =>
      invitationList(ranking, {
        budgetCap: {
          requestedBudgetByProposal: { P1: { amountMinor: 1, currency: 'SEK' } },
          availableBudget: eur(1),
          multiplier: 3,
        },
      }),
    ).toThrow(/SEK/);
    expect(() =>
      invitationList(ranking, {
        budgetCap: { requestedBudgetByProposal: {}, availableBudget: eur(1), multiplier: 3 },
      }),
    ).toThrow(/no requested budget for P1/);
  });
});
