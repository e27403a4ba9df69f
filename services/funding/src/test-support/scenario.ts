import type { FundingCallSpec, ProposalSpec } from './funding-fixture.ts';

export const EUR = (units: number): number => units * 100;
export const PLN = (units: number): number => units * 100;

/**
 * Six proposals against four funders (BMBF, ISCIII, ANR in EUR; NCBR in PLN) at JTC2020's fixed rates:
 *
 * | rank | acronym | asks | outcome (skip mode) |
 * |---|---|---|---|
 * | 1 | ALPHA | BMBF 200k, ISCIII 150k, NCBR PLN 400k | funded |
 * | 2 | BETA | BMBF 250k, ANR 150k | funded (BMBF 50k left, ANR 50k left) |
 * | 3 | GAMMA | BMBF 100k, ISCIII 100k | fundable with a top-up: BMBF misses 50k |
 * | 4 | DELTA | ISCIII 100k, NCBR PLN 500k, one own-funded partner | funded |
 * | 5 | EPSILON | ANR 100k, NCBR PLN 200k | fundable with a top-up: ANR misses 50k, NCBR PLN 100k |
 * | 6 | ZETA | BMBF 10k (category C) | not considered |
 */
export const scenarioCommitments = {
  bmbf: EUR(500_000),
  isciii: EUR(300_000),
  anr: EUR(200_000),
  ncbr: PLN(1_000_000),
};

export const scenarioProposals: ProposalSpec[] = [
  {
    acronym: 'ALPHA',
    total: 14,
    partners: [
      {
        id: 'charite',
        funderId: 'bmbf',
        requestMinor: EUR(200_000),
        name: 'Charité – Universitätsmedizin Berlin',
      },
      { id: 'isciii-lab', funderId: 'isciii', requestMinor: EUR(150_000) },
      { id: 'lodz', funderId: 'ncbr', requestMinor: PLN(400_000), name: 'Uniwersytet Medyczny w Łodzi' },
    ],
  },
  {
    acronym: 'BETA',
    total: 13.5,
    partners: [
      { id: 'tum', funderId: 'bmbf', requestMinor: EUR(250_000) },
      { id: 'inserm', funderId: 'anr', requestMinor: EUR(150_000) },
    ],
  },
  {
    acronym: 'GAMMA',
    total: 13,
    partners: [
      { id: 'heidelberg', funderId: 'bmbf', requestMinor: EUR(100_000) },
      { id: 'madrid', funderId: 'isciii', requestMinor: EUR(100_000) },
    ],
  },
  {
    acronym: 'DELTA',
    total: 12.5,
    partners: [
      { id: 'valencia', funderId: 'isciii', requestMinor: EUR(100_000) },
      { id: 'krakow', funderId: 'ncbr', requestMinor: PLN(500_000) },
      { id: 'pharma', funderId: null, requestMinor: EUR(80_000), country: 'CH' },
    ],
  },
  {
    acronym: 'EPSILON',
    total: 11,
    partners: [
      { id: 'lyon', funderId: 'anr', requestMinor: EUR(100_000) },
      { id: 'gdansk', funderId: 'ncbr', requestMinor: PLN(200_000) },
    ],
  },
  {
    acronym: 'ZETA',
    total: 9,
    partners: [{ id: 'bonn', funderId: 'bmbf', requestMinor: EUR(10_000) }],
  },
];

export function scenario(slug: string, overrides: Partial<FundingCallSpec> = {}): FundingCallSpec {
  return { slug, commitments: scenarioCommitments, proposals: scenarioProposals, ...overrides };
}
