import { canonicalHash } from './canonical.ts';
import type { RankingEntry } from './schema/ranking.ts';

/**
 * The hash of a frozen ranking list, computed from the row alone so that every reader (the
 * funding service before its recommendation, an auditor years later) can check it: SHA-256 of
 * the RFC 8785 form of the stage, the tie-break order and the entries (whose categories record
 * the cut-offs that were applied).
 */
export function rankingListHash(row: {
  stage: string;
  tieBreak: readonly string[];
  entries: readonly RankingEntry[];
}): string {
  return canonicalHash({ stage: row.stage, tieBreak: row.tieBreak, entries: row.entries });
}
