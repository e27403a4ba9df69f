import { describe, expect, it } from 'vitest';
import { callDefinitionInput, canonicalCallDefinition, defaultCriteria } from '@permed/domain';
import { demoCall, demoCallFunderEntries, demoCallRules, funderRegistry } from './index.ts';
import { eligibilityCallFromDefinition } from './from-call-definition.ts';
import { eligibilityCall } from './eligibility-call.ts';

describe('eligibilityCallFromDefinition', () => {
  const definition = canonicalCallDefinition(
    callDefinitionInput.parse({
      slug: 'era-permed-jtc-2020',
      title: 'ERA PerMed JTC2020 (demo)',
      topic: 'personalised medicine',
      zone: 'Europe/Brussels',
      stages: [
        {
          kind: 'pre-proposal-submission',
          opensAt: { local: '2019-12-16T09:00', zone: 'Europe/Brussels' },
          closesAt: { local: '2020-03-05T17:00', zone: 'Europe/Brussels' },
        },
        {
          kind: 'full-proposal-submission',
          opensAt: { local: '2020-05-15T17:00', zone: 'Europe/Brussels' },
          closesAt: { local: '2020-06-15T17:00', zone: 'Europe/Brussels' },
        },
      ],
      funders: demoCallFunderEntries.map((e) => {
        const currency = e.currency ?? funderRegistry.find((f) => f.id === e.funderId)!.currency;
        return {
          funderId: e.funderId,
          ...(e.currency ? { currency } : {}),
          commitment: { amountMinor: 100, currency },
        };
      }),
      exchangeRates: ['CAD', 'DKK', 'EGP', 'HUF', 'ILS', 'NOK', 'USD', 'PLN', 'RON', 'TRY'].map(
        (currency) => ({ currency, rate: '2' }),
      ),
      rules: [...demoCallRules],
      evaluation: {
        criteria: [...defaultCriteria],
        stages: { 'full-proposal': { criteria: ['excellence'] } },
      },
    }),
  );

  it('gives the same funders (with per-call currencies) and rules as the demo data', () => {
    const projected = eligibilityCall.parse(eligibilityCallFromDefinition(definition, funderRegistry, 3));
    expect(projected.version).toBe(3);
    expect(projected.funders).toEqual(demoCall.funders);
    expect(projected.rules).toEqual(demoCall.rules);
    expect(projected.funders.find((f) => f.id === 'vr')?.currency).toBe('EUR');
  });

  it('refuses a funder missing from the registry', () => {
    expect(() =>
      eligibilityCallFromDefinition(
        definition,
        funderRegistry.filter((f) => f.id !== 'bmbf'),
        1,
      ),
    ).toThrow(/bmbf/);
  });
});
