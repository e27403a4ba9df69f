import { z } from 'zod';
import { compareIds } from '../canonical-hash.ts';
import type { ConsolidatedScore } from '../scores/consolidate.ts';

export const tieBreakKey = z.discriminatedUnion('by', [
  z.object({ by: z.literal('total') }).strict(),
  z.object({ by: z.literal('criterion'), criterionId: z.string().min(1) }).strict(),
  z.object({ by: z.literal('proposal-id') }).strict(),
]);
export type TieBreakKey = z.infer<typeof tieBreakKey>;

/**
 * Higher total, then higher excellence, then higher impact (the order Horizon Europe applies after
 * its coverage rule), then the proposal id so that the order is total and reproducible. A ranking
 * decided by id is flagged as a tie for the panel to settle.
 */
export const DEFAULT_TIE_BREAK: readonly TieBreakKey[] = [
  { by: 'total' },
  { by: 'criterion', criterionId: 'excellence' },
  { by: 'criterion', criterionId: 'impact' },
  { by: 'proposal-id' },
];

export const categoryCutoffs = z
  .object({ a: z.number().min(0), b: z.number().min(0) })
  .strict()
  .refine((c) => c.a >= c.b, { message: 'the A cut-off must not be below the B cut-off' });
export type CategoryCutoffs = z.infer<typeof categoryCutoffs>;

/** Cut-offs for the default criteria (weighted sum 0–15, threshold 10): an assumption, set per call. */
export const DEFAULT_CUTOFFS: CategoryCutoffs = { a: 12, b: 10 };

/** A: fund; B: fund if budget allows; C: not fundable (always, when a threshold is missed). */
export type Category = 'A' | 'B' | 'C';

export type RankingEntryInput = { proposalId: string; consolidated: ConsolidatedScore };

export type RankedProposal = {
  position: number;
  proposalId: string;
  total: number;
  criteria: { criterionId: string; score: number }[];
  passesThresholds: boolean;
  failed: string[];
  category: Category;
  method: ConsolidatedScore['method'];
  /** The tie-break key that placed this entry below the previous one (null for the first). */
  decidedBy: string | null;
  /** True when only the proposal id separates this entry from the previous one. */
  tiedWithPrevious: boolean;
};

export type Ranking = {
  stage?: string;
  tieBreak: TieBreakKey[];
  cutoffs: CategoryCutoffs;
  entries: RankedProposal[];
};

function keyName(key: TieBreakKey): string {
  return key.by === 'criterion' ? `criterion:${key.criterionId}` : key.by;
}

/** Scores compare in integer hundredths: consolidated figures are exact to two decimals by construction. */
function compareBy(key: TieBreakKey, a: RankingEntryInput, b: RankingEntryInput): number {
  const value = (e: RankingEntryInput) => {
    if (key.by === 'total') return Math.round(e.consolidated.total * 100);
    if (key.by === 'criterion') {
      const c = e.consolidated.criteria.find((x) => x.criterionId === key.criterionId);
      // A criterion this entry was not scored on sorts last rather than guessing a value.
      return c === undefined ? -Infinity : Math.round(c.score * 100);
    }
    return 0;
  };
  if (key.by === 'proposal-id') return compareIds(a.proposalId, b.proposalId);
  return value(b) - value(a) || 0;
}

export function categorise(consolidated: ConsolidatedScore, cutoffs: CategoryCutoffs): Category {
  if (!consolidated.passesThresholds) return 'C';
  const total = Math.round(consolidated.total * 100);
  if (total >= Math.round(cutoffs.a * 100)) return 'A';
  if (total >= Math.round(cutoffs.b * 100)) return 'B';
  return 'C';
}

/** The panel's ranking list: ordered by the tie-break keys, positioned and categorised. */
export function rankProposals(
  entries: readonly RankingEntryInput[],
  options: { tieBreak?: readonly TieBreakKey[]; cutoffs?: CategoryCutoffs; stage?: string } = {},
): Ranking {
  const ids = new Set<string>();
  for (const e of entries) {
    if (ids.has(e.proposalId)) throw new RangeError(`proposal ${e.proposalId} is ranked twice`);
    ids.add(e.proposalId);
  }
  const requested = z.array(tieBreakKey).parse(options.tieBreak ?? DEFAULT_TIE_BREAK);
  // The id always closes the order, so no input order can change the list.
  const tieBreak = requested.some((k) => k.by === 'proposal-id')
    ? requested
    : [...requested, { by: 'proposal-id' as const }];
  const cutoffs = categoryCutoffs.parse(options.cutoffs ?? DEFAULT_CUTOFFS);
  const compare = (a: RankingEntryInput, b: RankingEntryInput) => {
    for (const key of tieBreak) {
      const c = compareBy(key, a, b);
      if (c !== 0) return c;
    }
    return 0;
  };
  const sorted = [...entries].sort(compare);
  const ranked = sorted.map((e, i): RankedProposal => {
    const previous = i === 0 ? undefined : sorted[i - 1]!;
    const decidingKey =
      previous === undefined ? undefined : tieBreak.find((k) => compareBy(k, previous, e) !== 0);
    return {
      position: i + 1,
      proposalId: e.proposalId,
      total: e.consolidated.total,
      criteria: e.consolidated.criteria.map((c) => ({ criterionId: c.criterionId, score: c.score })),
      passesThresholds: e.consolidated.passesThresholds,
      failed: [...e.consolidated.failed],
      category: categorise(e.consolidated, cutoffs),
      method: e.consolidated.method,
      decidedBy: decidingKey === undefined ? null : keyName(decidingKey),
      tiedWithPrevious: decidingKey?.by === 'proposal-id',
    };
  });
  return {
    ...(options.stage === undefined ? {} : { stage: options.stage }),
    tieBreak,
    cutoffs,
    entries: ranked,
  };
}
