import type { AssignmentInput } from './assignment-input.ts';

/** mulberry32: a tiny seeded generator, so benchmark and test instances are the same on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COUNTRIES = [
  'AT',
  'BE',
  'CA',
  'CH',
  'CZ',
  'DE',
  'DK',
  'EE',
  'ES',
  'FI',
  'FR',
  'GR',
  'HU',
  'IE',
  'IL',
  'IT',
  'LT',
  'LV',
  'NL',
  'NO',
  'PL',
  'PT',
  'RO',
  'SE',
  'SI',
  'SK',
  'TR',
  'TW',
];

export type RandomInstanceOptions = {
  seed: number;
  proposals: number;
  reviewers: number;
  reviewersPerProposal?: number;
  maxLoad?: number;
  minLoad?: number;
  /** Share of (reviewer, proposal) pairs in conflict. */
  conflictRate?: number;
  distinctCountries?: boolean;
  countries?: number;
  vocabulary?: number;
};

/**
 * A seeded synthetic call for benchmarks and tests: keywords drawn with a skew (some topics are
 * popular, as in real calls), reviewers with a few more expertise terms than proposals have keywords.
 */
export function randomAssignmentInput(options: RandomInstanceOptions): AssignmentInput {
  const random = seededRandom(options.seed);
  const vocabulary = options.vocabulary ?? 120;
  const countries = COUNTRIES.slice(0, Math.min(options.countries ?? 20, COUNTRIES.length));
  const pick = (count: number) => {
    const terms = new Set<string>();
    while (terms.size < count) terms.add(`topic-${Math.floor(vocabulary * random() ** 1.6)}`);
    return [...terms];
  };
  const pad = (prefix: string, i: number, total: number) =>
    `${prefix}${String(i + 1).padStart(String(total).length, '0')}`;
  const proposals = Array.from({ length: options.proposals }, (_, i) => ({
    id: pad('P', i, options.proposals),
    keywords: pick(4),
    areas: pick(1),
  }));
  const reviewers = Array.from({ length: options.reviewers }, (_, j) => ({
    id: pad('R', j, options.reviewers),
    country: countries[Math.floor(random() * countries.length)]!,
    expertise: pick(6 + Math.floor(random() * 5)),
  }));
  const conflicts: AssignmentInput['conflicts'] = [];
  const rate = options.conflictRate ?? 0.02;
  for (const p of proposals)
    for (const r of reviewers) if (random() < rate) conflicts.push({ proposalId: p.id, reviewerId: r.id });
  return {
    proposals,
    reviewers,
    settings: {
      reviewersPerProposal: options.reviewersPerProposal ?? 3,
      maxLoad: options.maxLoad ?? 10,
      minLoad: options.minLoad ?? 0,
      distinctCountries: options.distinctCountries ?? false,
    },
    affinity: { mode: 'expertise' },
    conflicts,
    declined: [],
    fixed: [],
  };
}
