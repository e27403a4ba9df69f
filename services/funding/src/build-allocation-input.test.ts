import { describe, expect, it } from 'vitest';
import { allocate } from '@permed/allocation';
import { isAppError } from '@permed/http';
import { callDefinitionInput, canonicalCallDefinition, type ProposalDocument } from '@permed/domain';
import { jtc2020Definition } from '@permed/calls-service';
import { buildAllocationInput, checkBudgetChanges } from './build-allocation-input.ts';

const definition = canonicalCallDefinition(callDefinitionInput.parse(jtc2020Definition()));

function document(partners: [string, string | null, number, string][]): ProposalDocument {
  return {
    acronym: 'X',
    title: 'A proposal',
    abstract: 'An abstract.',
    keywords: ['pm'],
    modules: ['1B'],
    durationMonths: 36,
    partners: partners.map(([id, funderId, amountMinor, currency], i) => ({
      id,
      organisation: { name: id, country: 'DE', type: 'academia' },
      pi: { name: id, email: `${id}@example.org` },
      funderId,
      coordinator: i === 0,
      budget: {
        currency,
        personnel: amountMinor - 100,
        consumables: 100,
        equipment: 0,
        travel: 0,
        subcontracting: 0,
        overhead: 0,
      },
    })),
  };
}

describe('buildAllocationInput', () => {
  it('maps the call, its fixed rates and the ranked proposals onto the allocation input', () => {
    const input = buildAllocationInput({
      definition,
      acronyms: new Map([['bmbf', 'BMBF']]),
      ties: 'fund-most',
      ranked: [
        {
          entry: {
            proposalId: 'p1',
            acronym: 'P1',
            position: 1,
            category: 'A',
            total: 13,
            perCriterion: {},
            passedThreshold: true,
          },
          document: document([
            ['a', 'bmbf', 10_000_000, 'EUR'],
            ['b', 'ncbr', 40_000_000, 'PLN'],
            ['c', null, 5_000, 'EUR'],
          ]),
        },
      ],
      budgets: [{ funderId: 'bmbf', commitment: { amountMinor: 1, currency: 'EUR' } }],
    });
    expect(input.mode).toBe('skip');
    expect(input.exchangeRates).toContainEqual({ currency: 'PLN', perReportingUnit: '4.4373' });
    expect(input.funders.find((f) => f.funderId === 'bmbf')).toEqual({
      funderId: 'bmbf',
      acronym: 'BMBF',
      commitment: { amountMinor: 1, currency: 'EUR' },
    });
    // A funder without a registry acronym is named by its id.
    expect(input.funders.find((f) => f.funderId === 'catalonia-health')!.acronym).toBe('CATALONIA-HEALTH');
    expect(input.ranking[0]).toEqual({
      proposalId: 'p1',
      acronym: 'P1',
      rank: 1,
      score: 13,
      category: 'A',
      partners: [
        { partnerId: 'a', funderId: 'bmbf', requested: { amountMinor: 10_000_000, currency: 'EUR' } },
        { partnerId: 'b', funderId: 'ncbr', requested: { amountMinor: 40_000_000, currency: 'PLN' } },
        { partnerId: 'c', funderId: null, requested: { amountMinor: 5_000, currency: 'EUR' } },
      ],
    });
    // The allocation package accepts it as it is.
    expect(allocate(input).proposals[0]!.status).toBe('fundable-with-top-up');
  });
});

describe('checkBudgetChanges', () => {
  it('accepts a change in the funder’s currency for this call (VR commits in EUR in JTC2020)', () => {
    expect(() =>
      checkBudgetChanges(definition, [{ funderId: 'vr', commitment: { amountMinor: 1, currency: 'EUR' } }]),
    ).not.toThrow();
  });

  it('refuses a wrong currency, an unknown funder and a funder changed twice, each at its path', () => {
    try {
      checkBudgetChanges(definition, [
        { funderId: 'vr', commitment: { amountMinor: 1, currency: 'SEK' } },
        { funderId: 'nih', commitment: { amountMinor: 1, currency: 'USD' } },
        { funderId: 'bmbf', commitment: { amountMinor: 1, currency: 'EUR' } },
        { funderId: 'bmbf', commitment: { amountMinor: 2, currency: 'EUR' } },
      ]);
      expect.unreachable();
    } catch (error) {
      expect(isAppError(error)).toBe(true);
      if (!isAppError(error)) return;
      expect(error.status).toBe(400);
      expect(error.errors!.map((e) => [e.path, e.code])).toEqual([
        ['/budgets/0/commitment/currency', 'WRONG_CURRENCY'],
        ['/budgets/1/funderId', 'UNKNOWN_FUNDER'],
        ['/budgets/3/funderId', 'DUPLICATE'],
      ]);
    }
  });
});
