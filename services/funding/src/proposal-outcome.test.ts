import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deriveOutcome, nationalDecisionKinds, type NationalDecisionKind } from './proposal-outcome.ts';

const partners = [
  { partnerId: 'a', funderId: 'bmbf' },
  { partnerId: 'b', funderId: 'isciii' },
  { partnerId: 'own', funderId: null },
];

describe('deriveOutcome', () => {
  it('is pending until every partner asking a funder has a decision; own-funded partners need none', () => {
    expect(deriveOutcome(partners, new Map([['a', 'funded']]))).toEqual({
      outcome: 'pending',
      pendingPartners: ['b'],
    });
    expect(
      deriveOutcome(
        partners,
        new Map<string, NationalDecisionKind>([
          ['a', 'funded'],
          ['b', 'funded-reduced'],
        ]),
      ),
    ).toEqual({ outcome: 'funded', pendingPartners: [] });
  });

  it('is not funded when one partner is not funded, even if the others are', () => {
    expect(
      deriveOutcome(
        partners,
        new Map<string, NationalDecisionKind>([
          ['a', 'funded'],
          ['b', 'not-funded'],
        ]),
      ).outcome,
    ).toBe('not-funded');
  });

  it('property: funded exactly when all asking partners are decided and none is not-funded', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ funded: fc.boolean(), decision: fc.option(fc.constantFrom(...nationalDecisionKinds)) }),
          {
            minLength: 1,
            maxLength: 8,
          },
        ),
        (specs) => {
          const ps = specs.map((s, i) => ({ partnerId: `p${i}`, funderId: s.funded ? 'f' : null }));
          const current = new Map<string, NationalDecisionKind>();
          specs.forEach((s, i) => {
            if (s.decision !== null) current.set(`p${i}`, s.decision);
          });
          const asking = specs.filter((s) => s.funded);
          const result = deriveOutcome(ps, current);
          if (asking.some((s) => s.decision === null)) expect(result.outcome).toBe('pending');
          else if (asking.some((s) => s.decision === 'not-funded')) expect(result.outcome).toBe('not-funded');
          else expect(result.outcome).toBe('funded');
        },
      ),
    );
  });
});
