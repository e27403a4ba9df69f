import { type Rule, type RuleKind } from '@permed/domain';
import {
  type FindingDraft,
  type EvaluationState,
  type FunderNamer,
  type KindHandler,
} from '../evaluation-state.ts';
import { allowedOrganisationTypes } from './allowed-organisation-types.ts';
import { coordinatorEligible } from './coordinator-eligible.ts';
import { distinctLegalEntities } from './distinct-legal-entities.ts';
import { excludedModules } from './excluded-modules.ts';
import { funderTerritory } from './funder-territory.ts';
import { maxDurationMonths } from './max-duration-months.ts';
import { maxFunderPartners } from './max-funder-partners.ts';
import { maxPartnersPerCountry } from './max-partners-per-country.ts';
import { maxPartners } from './max-partners.ts';
import { maxRequestPerPartner } from './max-request-per-partner.ts';
import { maxRequestTotal } from './max-request-total.ts';
import { minEligibleCountries } from './min-eligible-countries.ts';
import { minEligiblePartners } from './min-eligible-partners.ts';
import { minEuAcPartners } from './min-eu-ac-partners.ts';
import { minRequestPerPartner } from './min-request-per-partner.ts';
import { moduleCoverage } from './module-coverage.ts';
import { nationalApplication } from './national-application.ts';
import { oneProposalPerPi } from './one-proposal-per-pi.ts';
import { ownFundedPartners } from './own-funded-partners.ts';

// The mapped type makes a missing kind a compile error: adding a kind to the schema forces an evaluator.
const handlers: { readonly [K in RuleKind]: KindHandler<K> } = {
  'min-eligible-partners': minEligiblePartners,
  'min-eligible-countries': minEligibleCountries,
  'min-eu-ac-partners': minEuAcPartners,
  'max-partners': maxPartners,
  'max-partners-per-country': maxPartnersPerCountry,
  'own-funded-partners': ownFundedPartners,
  'coordinator-eligible': coordinatorEligible,
  'module-coverage': moduleCoverage,
  'distinct-legal-entities': distinctLegalEntities,
  'funder-territory': funderTerritory,
  'allowed-organisation-types': allowedOrganisationTypes,
  'max-request-per-partner': maxRequestPerPartner,
  'min-request-per-partner': minRequestPerPartner,
  'max-request-total': maxRequestTotal,
  'max-funder-partners': maxFunderPartners,
  'excluded-modules': excludedModules,
  'one-proposal-per-pi': oneProposalPerPi,
  'national-application': nationalApplication,
  'max-duration-months': maxDurationMonths,
};

// A handler is chosen by the rule's own kind, so the widened call below is sound.
function handlerOf(rule: Rule): KindHandler<RuleKind> {
  return handlers[rule.kind] as KindHandler<RuleKind>;
}

export function phaseOf(rule: Rule): 'partner' | 'consortium' {
  return handlerOf(rule).phase;
}

export function evaluateRule(rule: Rule, state: EvaluationState): FindingDraft[] {
  return handlerOf(rule).evaluate(rule, state);
}

export function describeRuleKind(rule: Rule, funderName: FunderNamer): string {
  return handlerOf(rule).describe(rule, funderName);
}
