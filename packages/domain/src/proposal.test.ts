import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  budgetTotalMinor,
  orcid,
  proposalDocument,
  rorId,
  validateProposalAgainstRegistry,
  type Partner,
  type ProposalDocument,
} from './proposal.ts';

function partner(id: string, overrides: Partial<Partner> = {}): Partner {
  return {
    id,
    organisation: { name: `Org ${id}`, country: 'DE', type: 'academia' },
    pi: { name: `PI ${id}`, email: `${id}@example.org` },
    funderId: 'bmbf',
    coordinator: false,
    budget: {
      currency: 'EUR',
      personnel: 1000,
      consumables: 0,
      equipment: 0,
      travel: 0,
      subcontracting: 0,
      overhead: 0,
    },
    ...overrides,
  };
}

function doc(overrides: Partial<ProposalDocument> = {}): ProposalDocument {
  return {
    acronym: 'PMX',
    title: 'Title',
    abstract: 'Abstract',
    keywords: ['genomics'],
    modules: ['1A', '3B'],
    durationMonths: 36,
    partners: [partner('p1', { coordinator: true }), partner('p2'), partner('p3')],
    ...overrides,
  };
}

function issuePaths(input: unknown): string[] {
  const r = proposalDocument.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
}

describe('proposalDocument', () => {
  it('accepts a valid document', () => {
    expect(proposalDocument.safeParse(doc()).success).toBe(true);
  });

  it('rejects unknown keys instead of dropping them, at every level', () => {
    expect(issuePaths({ ...doc(), extra: 1 })).toEqual(['']);
    const p = { ...partner('p1', { coordinator: true }), secret: true };
    expect(issuePaths(doc({ partners: [p as Partner] }))).toEqual(['partners.0']);
  });

  it.each(['__proto__', 'constructor'])('rejects a "%s" key from parsed JSON', (key) => {
    const json = JSON.stringify(doc()).replace('{', `{"${key}":{"polluted":true},`);
    const input: unknown = JSON.parse(json);
    const r = proposalDocument.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: [key] });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('enforces acronym and title lengths', () => {
    expect(issuePaths(doc({ acronym: 'A'.repeat(20) }))).toEqual([]);
    expect(issuePaths(doc({ acronym: 'A'.repeat(21) }))).toEqual(['acronym']);
    expect(issuePaths(doc({ title: 'T'.repeat(200) }))).toEqual([]);
    expect(issuePaths(doc({ title: 'T'.repeat(201) }))).toEqual(['title']);
  });

  it('takes 1 to 10 keywords', () => {
    expect(issuePaths(doc({ keywords: [] }))).toEqual(['keywords']);
    expect(issuePaths(doc({ keywords: Array.from({ length: 10 }, (_, i) => `k${i}`) }))).toEqual([]);
    expect(issuePaths(doc({ keywords: Array.from({ length: 11 }, (_, i) => `k${i}`) }))).toEqual([
      'keywords',
    ]);
  });

  it('takes durations of 12 to 48 whole months', () => {
    for (const ok of [12, 48]) expect(issuePaths(doc({ durationMonths: ok }))).toEqual([]);
    for (const bad of [11, 49, 24.5])
      expect(issuePaths(doc({ durationMonths: bad }))).toEqual(['durationMonths']);
  });

  it('takes known module codes, each once', () => {
    expect(issuePaths({ ...doc(), modules: ['4A'] })).toEqual(['modules.0']);
    expect(issuePaths(doc({ modules: ['1A', '3B', '1A'] }))).toEqual(['modules.2']);
  });

  it('points at the duplicate partner id', () => {
    const partners = [partner('p1', { coordinator: true }), partner('p2'), partner('p2')];
    expect(issuePaths(doc({ partners }))).toEqual(['partners.2.id']);
  });

  it('needs exactly one coordinator', () => {
    expect(issuePaths(doc({ partners: [partner('p1'), partner('p2')] }))).toEqual(['partners']);
    const two = [partner('p1', { coordinator: true }), partner('p2'), partner('p3', { coordinator: true })];
    expect(issuePaths(doc({ partners: two }))).toEqual(['partners.2.coordinator']);
  });

  it('takes at most 20 partners', () => {
    const many = (n: number) =>
      Array.from({ length: n }, (_, i) => partner(`p${i}`, { coordinator: i === 0 }));
    expect(issuePaths(doc({ partners: many(20) }))).toEqual([]);
    expect(issuePaths(doc({ partners: many(21) }))).toEqual(['partners']);
  });

  it('takes budgets only as non-negative integer minor units', () => {
    const withBudget = (personnel: number) =>
      doc({
        partners: [partner('p1', { coordinator: true, budget: { ...partner('x').budget, personnel } })],
      });
    expect(issuePaths(withBudget(0))).toEqual([]);
    expect(issuePaths(withBudget(-1))).toEqual(['partners.0.budget.personnel']);
    expect(issuePaths(withBudget(10.5))).toEqual(['partners.0.budget.personnel']);
  });

  it('checks the region belongs to the country', () => {
    const p = partner('p1', {
      coordinator: true,
      organisation: { name: 'X', country: 'DE', region: 'CA-QC', type: 'academia' },
    });
    expect(issuePaths(doc({ partners: [p] }))).toEqual(['partners.0.organisation.region']);
  });

  it('accepts own-funded partners (funderId null) but not a missing funderId', () => {
    expect(issuePaths(doc({ partners: [partner('p1', { coordinator: true, funderId: null })] }))).toEqual([]);
    const { funderId: _omit, ...withoutFunder } = partner('p1', { coordinator: true });
    expect(issuePaths(doc({ partners: [withoutFunder as Partner] }))).toEqual(['partners.0.funderId']);
  });
});

describe('orcid', () => {
  it('accepts iDs whose MOD 11-2 check character is right, including X', () => {
    for (const id of ['0000-0002-1825-0097', '0000-0001-5109-3700', '0000-0002-1694-233X']) {
      expect(orcid.safeParse(id).success).toBe(true);
    }
  });
  it('rejects a wrong check character and a wrong shape', () => {
    for (const id of [
      '0000-0002-1825-0098',
      '0000-0002-1694-2330',
      '0000000218250097',
      '0000-0002-1825-009',
    ]) {
      expect(orcid.safeParse(id).success).toBe(false);
    }
  });
});

describe('orcid (properties of ISO 7064 MOD 11-2)', () => {
  const digits15 = fc
    .array(fc.integer({ min: 0, max: 9 }), { minLength: 15, maxLength: 15 })
    .map((d) => d.join(''));
  const shape = (sixteen: string) => sixteen.match(/.{4}/g)!.join('-');
  const checkChars = [...'0123456789X'];
  const valid = (first15: string) => checkChars.filter((c) => orcid.safeParse(shape(first15 + c)).success);

  it('accepts exactly one of the 11 check characters for any 15 digits', () => {
    fc.assert(
      fc.property(digits15, (first15) => {
        expect(valid(first15)).toHaveLength(1);
      }),
      { numRuns: 300 },
    );
  });

  it('detects every single-digit error and every swap of two adjacent different digits', () => {
    fc.assert(
      fc.property(
        digits15,
        fc.integer({ min: 0, max: 14 }),
        fc.integer({ min: 1, max: 9 }),
        (first15, at, shift) => {
          const id = first15 + valid(first15)[0]!;
          const typo = id.slice(0, at) + String((Number(id[at]) + shift) % 10) + id.slice(at + 1);
          expect(orcid.safeParse(shape(typo)).success).toBe(false);
          if (at < 15 && id[at] !== id[at + 1]) {
            const swapped = id.slice(0, at) + id[at + 1] + id[at] + id.slice(at + 2);
            expect(orcid.safeParse(shape(swapped)).success).toBe(false);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('rorId', () => {
  it('accepts real ROR ids with or without the https://ror.org/ prefix', () => {
    for (const id of ['https://ror.org/013meh722', '052gg0110', 'https://ror.org/001w7jn25']) {
      expect(rorId.safeParse(id).success).toBe(true);
    }
  });
  it('rejects a wrong checksum, excluded letters and other hosts', () => {
    for (const id of ['https://ror.org/013meh723', '0l3meh722', 'http://ror.org/013meh722', '113meh722']) {
      expect(rorId.safeParse(id).success).toBe(false);
    }
  });
});

describe('budgetTotalMinor', () => {
  it('adds the cost categories, leaving out excluded ones', () => {
    const b = {
      currency: 'EUR',
      personnel: 1,
      consumables: 2,
      equipment: 4,
      travel: 8,
      subcontracting: 16,
      overhead: 32,
    };
    expect(budgetTotalMinor(b)).toBe(63);
    expect(budgetTotalMinor(b, ['overhead', 'travel'])).toBe(23);
  });
});

describe('validateProposalAgainstRegistry', () => {
  const funders = [
    { id: 'bmbf', currency: 'EUR' },
    { id: 'frqs', currency: 'CAD' },
  ];
  it('reports unknown funders and currency mismatches with their paths', () => {
    const d = doc({
      partners: [
        partner('p1', { coordinator: true }),
        partner('p2', { funderId: 'nope' }),
        partner('p3', { funderId: 'frqs' }),
        partner('p4', { funderId: null, budget: { ...partner('x').budget, currency: 'USD' } }),
      ],
    });
    const issues = validateProposalAgainstRegistry(d, funders);
    expect(issues.map((i) => [i.code, i.path.join('.')])).toEqual([
      ['UNKNOWN_FUNDER', 'partners.1.funderId'],
      ['CURRENCY_MISMATCH', 'partners.2.budget.currency'],
    ]);
  });
  it('finds nothing in a consistent proposal', () => {
    expect(validateProposalAgainstRegistry(doc(), funders)).toEqual([]);
  });
});
