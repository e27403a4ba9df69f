export * from './allocation-input.ts';
export * from './allocation-result.ts';
export { allocate, type AllocateOptions } from './allocate.ts';
export { bestTieSubset, type Needs } from './best-tie-subset.ts';
export * from './diff-allocations.ts';
export {
  divideRoundHalfUp,
  exchangeRate,
  makeConverter,
  parseDecimal,
  type Converter,
  type ExchangeRate,
  type Rational,
} from './exchange-rate.ts';
export { formatAmount } from './format-amount.ts';
export * from './top-up-to-rank.ts';
export * from './what-if.ts';
