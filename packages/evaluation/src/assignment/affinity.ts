import { AFFINITY_SCALE, type AssignmentInput, type BidLevel } from './assignment-input.ts';

/** Keywords are typed freely by applicants and reviewers; case, accents and punctuation carry no meaning. */
export function normaliseTerm(term: string): string {
  return term
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function termSet(terms: readonly string[]): Set<string> {
  return new Set(terms.map(normaliseTerm).filter((t) => t !== ''));
}

/**
 * Cosine overlap of the reviewer's expertise and the proposal's keywords and areas, scaled to an
 * integer 0..AFFINITY_SCALE. Cosine rather than a raw count so that a reviewer listing fifty topics
 * does not outrank a specialist; integers so that optimisation is exact.
 */
export function expertiseAffinity(expertise: readonly string[], proposalTerms: readonly string[]): number {
  const e = termSet(expertise);
  const t = termSet(proposalTerms);
  if (e.size === 0 || t.size === 0) return 0;
  let common = 0;
  for (const term of t) if (e.has(term)) common++;
  return scaledCosine(common, e.size, t.size);
}

function scaledCosine(common: number, a: number, b: number): number {
  return common === 0 ? 0 : Math.round((AFFINITY_SCALE * common) / Math.sqrt(a * b));
}

/** Bids outrank expertise: "eager" beats any keyword overlap; "not willing" is soft (0), never a hard ban. */
export const bidAffinity: Record<BidLevel, number> = {
  eager: AFFINITY_SCALE,
  willing: 700,
  'in-a-pinch': 300,
  'not-willing': 0,
};

/**
 * Affinity of every (proposal, reviewer) pair, row-major by proposal in the given orders. Expertise
 * overlap goes through an inverted index so the cost follows the number of shared terms, not n × m × terms.
 */
export function affinityMatrix(
  input: AssignmentInput,
  proposalOrder: readonly number[],
  reviewerOrder: readonly number[],
): Int32Array {
  const n = proposalOrder.length;
  const m = reviewerOrder.length;
  const matrix = new Int32Array(n * m);
  const proposals = proposalOrder.map((i) => input.proposals[i]!);
  const reviewers = reviewerOrder.map((j) => input.reviewers[j]!);
  const proposalIndex = new Map(proposals.map((p, i) => [p.id, i]));
  const reviewerIndex = new Map(reviewers.map((r, j) => [r.id, j]));

  const source = input.affinity;
  if (source.mode === 'explicit') {
    matrix.fill(source.otherwise);
    for (const v of source.values)
      matrix[proposalIndex.get(v.proposalId)! * m + reviewerIndex.get(v.reviewerId)!] = v.value;
    return matrix;
  }

  const termIds = new Map<string, number>();
  const reviewerTerms = reviewers.map((r) => [...termSet(r.expertise)]);
  const postings: number[][] = [];
  reviewerTerms.forEach((terms, j) => {
    for (const term of terms) {
      let idx = termIds.get(term);
      if (idx === undefined) {
        idx = postings.length;
        termIds.set(term, idx);
        postings.push([]);
      }
      postings[idx]!.push(j);
    }
  });
  const common = new Int32Array(m);
  proposals.forEach((p, i) => {
    const terms = termSet([...p.keywords, ...p.areas]);
    common.fill(0);
    for (const term of terms) {
      const idx = termIds.get(term);
      if (idx !== undefined) for (const j of postings[idx]!) common[j]!++;
    }
    for (let j = 0; j < m; j++)
      matrix[i * m + j] = scaledCosine(common[j]!, reviewerTerms[j]!.length, terms.size);
  });

  if (source.mode === 'bids') {
    const bid = new Map(
      source.bids.map((b) => [
        proposalIndex.get(b.proposalId)! * m + reviewerIndex.get(b.reviewerId)!,
        b.level,
      ]),
    );
    for (let cell = 0; cell < n * m; cell++) {
      const level = bid.get(cell);
      matrix[cell] = level === undefined ? Math.floor(matrix[cell]! / 2) : bidAffinity[level];
    }
  }
  return matrix;
}
