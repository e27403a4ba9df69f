import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isAppError } from '@permed/http';
import { grantedAmount } from './record-decision.ts';

const requested = { amountMinor: 20_000_000, currency: 'EUR' };

function problemOf(run: () => unknown): { path: string; code?: string } | undefined {
  try {
    run();
  } catch (error) {
    if (isAppError(error)) return error.errors?.[0];
    throw error;
  }
  return undefined;
}

describe('grantedAmount', () => {
  it('grants the request in full when funded, zero when not funded, the given amount when reduced', () => {
    expect(grantedAmount({ decision: 'funded', reason: 'ok' }, requested)).toEqual(requested);
    expect(grantedAmount({ decision: 'not-funded', reason: 'no' }, requested)).toEqual({
      amountMinor: 0,
      currency: 'EUR',
    });
    expect(
      grantedAmount(
        { decision: 'funded-reduced', amount: { amountMinor: 15_000_000, currency: 'EUR' }, reason: 'cut' },
        requested,
      ),
    ).toEqual({ amountMinor: 15_000_000, currency: 'EUR' });
  });

  it('refuses each inconsistent amount at its path with a stable code', () => {
    const cases: [Parameters<typeof grantedAmount>[0], string, string][] = [
      [{ decision: 'funded-reduced', reason: 'x' }, '/amount', 'REQUIRED'],
      [
        { decision: 'funded-reduced', amount: { amountMinor: 0, currency: 'EUR' }, reason: 'x' },
        '/amount/amountMinor',
        'NOT_POSITIVE',
      ],
      [{ decision: 'funded-reduced', amount: requested, reason: 'x' }, '/amount/amountMinor', 'NOT_REDUCED'],
      [
        { decision: 'funded', amount: { amountMinor: 1, currency: 'EUR' }, reason: 'x' },
        '/amount/amountMinor',
        'NOT_FULL',
      ],
      [
        { decision: 'not-funded', amount: { amountMinor: 1, currency: 'EUR' }, reason: 'x' },
        '/amount/amountMinor',
        'NOT_ZERO',
      ],
      [
        { decision: 'funded', amount: { amountMinor: 1, currency: 'SEK' }, reason: 'x' },
        '/amount/currency',
        'WRONG_CURRENCY',
      ],
    ];
    for (const [body, path, code] of cases) {
      expect(problemOf(() => grantedAmount(body, requested))).toMatchObject({ path, code });
    }
  });

  it('property: a granted amount is never above the request and is in its currency', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('funded', 'funded-reduced', 'not-funded' as const),
        fc.option(fc.integer({ min: 0, max: 40_000_000 })),
        (decision, amountMinor) => {
          const body = {
            decision,
            reason: 'r',
            ...(amountMinor === null ? {} : { amount: { amountMinor, currency: 'EUR' } }),
          };
          try {
            const granted = grantedAmount(body, requested);
            expect(granted.currency).toBe('EUR');
            expect(granted.amountMinor).toBeLessThanOrEqual(requested.amountMinor);
            expect(granted.amountMinor > 0).toBe(decision !== 'not-funded');
          } catch (error) {
            expect(isAppError(error) && error.code === 'VALIDATION_FAILED').toBe(true);
          }
        },
      ),
    );
  });
});
