import { describe, expect, it } from 'vitest';
import { consolidate } from '../scores/consolidate.ts';
import { defaultStageCriteria, type StageCriteria } from '../scores/criteria-settings.ts';
import { rankingHash } from './ranking-hash.ts';
import { categorise, rankProposals, type RankingEntryInput } from './rank-proposals.ts';

const halves: StageCriteria = { ...defaultStageCriteria, halfPoints: true };
const scored = (
  proposalId: string,
  excellence: number,
  impact: number,
  implementation: number,
): RankingEntryInput => ({
  proposalId,
  consolidated: consolidate(halves, {
    kind: 'reviews',
    reviews: [
      {
        reviewerId: 'R1',
        scores: [
          { criterionId: 'excellence', score: excellence },
          { criterionId: 'impact', score: impact },
          { criterionId: 'implementation', score: implementation },
        ],
      },
    ],
  }),
});

describe('rankProposals', () => {
  it('orders by total, then excellence, then impact, then id, and says what decided each place', () => {
    const ranking = rankProposals([
      scored('P4', 4, 4, 4), // 12, excellence 4
      scored('P1', 3.5, 4.5, 4), // 12, excellence 3.5
      scored('P3', 4, 3.5, 4.5), // 12, excellence 4, impact 3.5
      scored('P2', 4, 4, 4), // same as P4: only the id separates them
      scored('P5', 5, 5, 5),
    ]);
    expect(ranking.entries.map((e) => [e.position, e.proposalId, e.decidedBy, e.tiedWithPrevious])).toEqual([
      [1, 'P5', null, false],
      [2, 'P2', 'total', false],
      [3, 'P4', 'proposal-id', true],
      [4, 'P3', 'criterion:impact', false],
      [5, 'P1', 'criterion:excellence', false],
    ]);
  });

  it('takes the tie-break order as a parameter and always closes it with the id', () => {
    const ranking = rankProposals([scored('P1', 3.5, 4.5, 4), scored('P2', 4, 4, 4), scored('P3', 4, 4, 4)], {
      tieBreak: [{ by: 'total' }, { by: 'criterion', criterionId: 'impact' }],
    });
    expect(ranking.entries.map((e) => e.proposalId)).toEqual(['P1', 'P2', 'P3']);
    expect(ranking.tieBreak.at(-1)).toEqual({ by: 'proposal-id' });
  });

  it('categorises with configurable cut-offs and puts below-threshold proposals in C whatever their total', () => {
    const ranking = rankProposals([
      scored('A1', 4, 4, 4),
      scored('B1', 4, 3, 4),
      scored('C1', 2.5, 5, 5),
      scored('C2', 3, 3, 3.5),
    ]);
    expect(Object.fromEntries(ranking.entries.map((e) => [e.proposalId, e.category]))).toEqual({
      A1: 'A',
      B1: 'B',
      C1: 'C',
      C2: 'C',
    });
    const strict = rankProposals([scored('A1', 4, 4, 4), scored('B1', 4, 3, 4)], {
      cutoffs: { a: 12.5, b: 11 },
    });
    expect(strict.entries.map((e) => e.category)).toEqual(['B', 'B']);
    expect(
      categorise(
        { ...scored('X', 5, 5, 5).consolidated, passesThresholds: false },
        {
          a: 0,
          b: 0,
        },
      ),
    ).toBe('C');
    expect(() => rankProposals([], { cutoffs: { a: 10, b: 12 } })).toThrow(/A cut-off/);
  });

  it('refuses a proposal ranked twice', () => {
    expect(() => rankProposals([scored('P1', 4, 4, 4), scored('P1', 3, 3, 3)])).toThrow(/ranked twice/);
  });
});

describe('rankingHash', () => {
  const entries = [
    scored('P1', 4, 4, 4),
    scored('P2', 4, 4, 4),
    scored('P3', 5, 3, 4),
    scored('P4', 2, 2, 2),
  ];

  it('is stable under input reordering', () => {
    const hashes = new Set(
      [entries, [...entries].reverse(), [entries[2]!, entries[0]!, entries[3]!, entries[1]!]].map((e) =>
        rankingHash(rankProposals(e, { stage: 'full-proposal' })),
      ),
    );
    expect(hashes.size).toBe(1);
    expect([...hashes][0]).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes when a score, the tie-break or the stage changes', () => {
    const base = rankingHash(rankProposals(entries));
    expect(rankingHash(rankProposals([...entries.slice(0, 3), scored('P4', 2, 2, 2.5)]))).not.toBe(base);
    expect(rankingHash(rankProposals(entries, { tieBreak: [{ by: 'total' }] }))).not.toBe(base);
    expect(rankingHash(rankProposals(entries, { stage: 'pre-proposal' }))).not.toBe(base);
  });
});
