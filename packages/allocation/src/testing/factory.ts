import { minorUnitDigits, type Money } from '@permed/domain';
import type { AllocationInput, FundingMode, TieRule } from '../allocation-input.ts';
import type { ExchangeRate } from '../exchange-rate.ts';

/** A whole number of currency units as money, e.g. amount('EUR', 120_000) = EUR 120,000.00. */
export function amount(currency: string, units: number): Money {
  if (!Number.isInteger(units)) throw new RangeError('use whole units here, or give amountMinor directly');
  return { amountMinor: units * 10 ** minorUnitDigits(currency), currency };
}

export type FunderSpec = {
  id: string;
  currency?: string;
  /** Whole units of the funder's currency. */
  commitment: number;
  maxTopUp?: number;
  acronym?: string;
};

/** `[funderId, whole units]`, `[null, units, currency]` for an own-funded partner, or exact minor units. */
export type PartnerSpec =
  | readonly [funderId: string, units: number]
  | readonly [funderId: null, units: number, currency: string]
  | { readonly funderId: string | null; readonly amountMinor: number; readonly currency?: string };

export type ProposalSpec = {
  rank: number;
  score?: number;
  category?: string;
  acronym?: string;
  id?: string;
  partners: readonly PartnerSpec[];
};

export type CallSpec = {
  funders: readonly FunderSpec[];
  proposals: readonly ProposalSpec[];
  mode?: FundingMode;
  ties?: TieRule;
  reportingCurrency?: string;
  fundableCategories?: string[];
  rates?: Readonly<Record<string, string>>;
};

/**
 * Builds an allocation input from short specs: partners take their funder's currency, ids and acronyms
 * default to readable values (proposal "P07" at rank 7, partner "P07-2"), scores default to 100 − rank.
 */
export function buildCall(spec: CallSpec): AllocationInput {
  const currencyOf = new Map(spec.funders.map((f) => [f.id, f.currency ?? 'EUR']));
  const funderCurrency = (id: string) => {
    const c = currencyOf.get(id);
    if (!c) throw new RangeError(`test data names unknown funder ${id}`);
    return c;
  };
  const rates: ExchangeRate[] = Object.entries(spec.rates ?? {}).map(([currency, perReportingUnit]) => ({
    currency,
    perReportingUnit,
  }));
  return {
    reportingCurrency: spec.reportingCurrency ?? 'EUR',
    mode: spec.mode ?? 'skip',
    ...(spec.ties ? { ties: spec.ties } : {}),
    ...(spec.fundableCategories ? { fundableCategories: spec.fundableCategories } : {}),
    exchangeRates: rates,
    funders: spec.funders.map((f) => {
      const currency = f.currency ?? 'EUR';
      return {
        funderId: f.id,
        acronym: f.acronym ?? f.id,
        commitment: amount(currency, f.commitment),
        maxTopUp: f.maxTopUp === undefined ? null : amount(currency, f.maxTopUp),
      };
    }),
    ranking: spec.proposals.map((p) => {
      const name = `P${String(p.rank).padStart(2, '0')}`;
      const id = p.id ?? name;
      return {
        proposalId: id,
        acronym: p.acronym ?? name,
        rank: p.rank,
        score: p.score ?? 100 - p.rank,
        category: p.category ?? 'A',
        partners: p.partners.map((partner, i) => {
          const partnerId = `${id}-${i + 1}`;
          if ('amountMinor' in partner) {
            const currency =
              partner.currency ?? (partner.funderId ? funderCurrency(partner.funderId) : 'EUR');
            return {
              partnerId,
              funderId: partner.funderId,
              requested: { amountMinor: partner.amountMinor, currency },
            };
          }
          const [funderId, units, own] = partner as readonly [string | null, number, string?];
          const currency = funderId === null ? (own ?? 'EUR') : funderCurrency(funderId);
          return { partnerId, funderId, requested: amount(currency, units) };
        }),
      };
    }),
  };
}
