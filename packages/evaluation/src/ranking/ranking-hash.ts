import { canonicalHash } from '../canonical-hash.ts';
import type { Ranking } from './rank-proposals.ts';

/**
 * SHA-256 of the canonical JSON of a ranking list, stored when the panel freezes it. The entries are
 * already in a total order (the id closes every tie), so the same scores give the same hash
 * whatever order they were entered in; any change to an order, score or category changes it.
 */
export function rankingHash(ranking: Ranking): string {
  return canonicalHash(ranking);
}
