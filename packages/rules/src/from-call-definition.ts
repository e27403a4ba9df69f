import type { CallDefinition, Funder } from '@permed/domain';
import { euAssociatedCountries } from './data/eu-associated-countries.ts';
import type { EligibilityCall } from './eligibility-call.ts';

/**
 * Projects one published version of a call (the full definition) joined with the funder registry
 * into what the eligibility evaluator needs. A funder's currency in the call overrides the
 * registry's (VR stated JTC2020 limits in EUR).
 */
export function eligibilityCallFromDefinition(
  definition: Pick<CallDefinition, 'slug' | 'title' | 'funders' | 'rules'>,
  registry: readonly Pick<
    Funder,
    'id' | 'acronym' | 'name' | 'country' | 'region' | 'coveredRegions' | 'currency'
  >[],
  version: number,
): EligibilityCall {
  const byId = new Map(registry.map((f) => [f.id, f]));
  return {
    id: definition.slug,
    name: definition.title.slice(0, 200),
    version,
    funders: definition.funders.map((cf) => {
      const f = byId.get(cf.funderId);
      if (!f) throw new RangeError(`funder ${cf.funderId} of call ${definition.slug} is not in the registry`);
      return {
        id: f.id,
        acronym: f.acronym,
        name: f.name,
        country: f.country,
        ...(f.region ? { region: f.region } : {}),
        ...(f.coveredRegions ? { coveredRegions: [...f.coveredRegions] } : {}),
        currency: cf.currency ?? f.currency,
      };
    }),
    rules: definition.rules,
    euAssociatedCountries: [...euAssociatedCountries],
  };
}
