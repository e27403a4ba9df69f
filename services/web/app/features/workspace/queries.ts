import { queryOptions } from '@tanstack/react-query';
import type { paths } from '../../api/schema.gen';
import { api, unwrap } from '../../lib/api';

export type ProposalView =
  paths['/api/proposals/{id}']['get']['responses'][200]['content']['application/json'];
export type HeaderView = ProposalView['header'];
export type PartnerView = ProposalView['partners'][number];
export type PartnerBody =
  paths['/api/proposals/{id}/partners']['post']['requestBody']['content']['application/json'];
export type HeaderPatch = NonNullable<
  paths['/api/proposals/{id}']['patch']['requestBody']
>['content']['application/json'];
export type PreCheckBody =
  paths['/api/eligibility/calls/{slug}/pre-check']['post']['requestBody']['content']['application/json'];
export type Verdict =
  paths['/api/eligibility/calls/{slug}/pre-check']['post']['responses'][200]['content']['application/json'];
export type Finding = Verdict['findings'][number];
export type ModuleCode = NonNullable<HeaderPatch['modules']>[number];
export type OrganisationType = PartnerBody['organisation']['type'];

export const organisationTypes: readonly OrganisationType[] = [
  'academia',
  'clinical-public-health',
  'company-sme',
  'company-large',
  'patient-organisation',
  'other',
];

/** The call as the workspace needs it: limits, modules, funders' currencies and fixed rates. */
export interface CallFacts {
  slug: string;
  abstractMaxCharacters: number;
  modules: ModuleCode[];
  reportingCurrency: string;
  exchangeRates: { currency: string; rate: string }[];
}

export const proposalQuery = (id: string) =>
  queryOptions({
    queryKey: ['proposals', id],
    queryFn: () => unwrap(api.GET('/api/proposals/{id}', { params: { path: { id } } })),
  });

export const callFactsQuery = (slug: string) =>
  queryOptions({
    queryKey: ['calls', slug, 'facts'],
    queryFn: async (): Promise<CallFacts> => {
      const call = await unwrap(api.GET('/api/calls/{slug}', { params: { path: { slug } } }));
      const d = call.definition as unknown as Partial<CallFacts>;
      return {
        slug,
        abstractMaxCharacters: d.abstractMaxCharacters ?? 2000,
        modules: d.modules ?? [],
        reportingCurrency: d.reportingCurrency ?? 'EUR',
        exchangeRates: d.exchangeRates ?? [],
      };
    },
    staleTime: 5 * 60_000,
  });

export const etag = (version: number) => `"${version}"`;
