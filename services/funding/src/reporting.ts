import { makeConverter, type Converter } from '@permed/allocation';
import type { CallDefinition, Money } from '@permed/domain';

/**
 * Converts into the call's reporting currency at its fixed rates ("1 EUR = rate units"), rounding once
 * half up (the allocation package's rule). A currency without a rate gives null rather than a guess.
 */
export function reportingConverter(definition: CallDefinition): (amount: Money) => Money | null {
  const convert: Converter = makeConverter(
    definition.reportingCurrency,
    definition.exchangeRates
      .filter((r) => r.currency !== definition.reportingCurrency)
      .map((r) => ({ currency: r.currency, perReportingUnit: r.rate })),
  );
  return (amount) => {
    try {
      return convert(amount);
    } catch {
      return null;
    }
  };
}
