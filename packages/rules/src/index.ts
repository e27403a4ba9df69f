export * from './context.ts';
export * from './eligibility-call.ts';
export * from './evaluate-proposal.ts';
export * from './consortium-what-if.ts';
export * from './describe-rule.ts';
export * from './canonical.ts';
export * from './run-eligibility-check.ts';
export * from './proposal-json-schema.ts';
export { funderRegistry, funderRegistryById } from './data/funder-registry.ts';
export {
  euAssociatedCountries,
  euAssociatedCountryGroups,
  type CountryGroup,
} from './data/eu-associated-countries.ts';
export {
  demoCall,
  demoCallFunderEntries,
  demoCallFunderIds,
  demoCallRules,
  type CallFunderEntry,
} from './data/jtc2020-call.ts';
export { otherCallsNationalRules, type CatalogueEntry } from './data/other-calls-national-rules.ts';
export * from './from-call-definition.ts';
