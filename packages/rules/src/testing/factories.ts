import {
  orcidCheckCharacter,
  type Budget,
  type ModuleCode,
  type OrganisationType,
  type Partner,
  type ProposalDocument,
} from '@permed/domain';
import { type EligibilityContext } from '../context.ts';
import { type EligibilityCall, contextFromCall } from '../eligibility-call.ts';
import { demoCall } from '../data/jtc2020-call.ts';

/** A valid ORCID iD built from 15 digits (the check character is computed). */
export function makeOrcid(first15: string): string {
  const d = first15.padStart(15, '0').slice(0, 15);
  return `${d.slice(0, 4)}-${d.slice(4, 8)}-${d.slice(8, 12)}-${d.slice(12, 15)}${orcidCheckCharacter(d)}`;
}

export interface PartnerSpec {
  readonly id: string;
  /** null = own-funded. */
  readonly funderId: string | null;
  /** Defaults to the funder's country (and region) in `call`, else DE. */
  readonly country?: string;
  readonly region?: string;
  readonly type?: OrganisationType;
  readonly coordinator?: boolean;
  /** Whole request, put in `personnel`; defaults to 100,000.00. */
  readonly requestMinor?: number;
  readonly budget?: Partial<Budget>;
  readonly currency?: string;
  readonly name?: string;
  readonly legalEntityId?: string;
  readonly rorId?: string;
  readonly piEmail?: string;
  readonly orcid?: string;
}

/** A partner with sensible defaults, located where its funder (in `call`) is. */
export function buildPartner(spec: PartnerSpec, call: EligibilityCall = demoCall): Partner {
  const funder = spec.funderId ? call.funders.find((f) => f.id === spec.funderId) : undefined;
  const country = spec.country ?? funder?.country ?? 'DE';
  const region = spec.region ?? (spec.country ? undefined : funder?.region);
  const currency = spec.currency ?? funder?.currency ?? 'EUR';
  return {
    id: spec.id,
    organisation: {
      name: spec.name ?? `Organisation ${spec.id}`,
      country,
      ...(region ? { region } : {}),
      type: spec.type ?? 'academia',
      ...(spec.legalEntityId ? { legalEntityId: spec.legalEntityId } : {}),
      ...(spec.rorId ? { rorId: spec.rorId } : {}),
    },
    pi: {
      name: `PI of ${spec.id}`,
      email: spec.piEmail ?? `pi.${spec.id}@example.org`,
      ...(spec.orcid ? { orcid: spec.orcid } : {}),
    },
    funderId: spec.funderId,
    coordinator: spec.coordinator ?? false,
    budget: {
      currency,
      personnel: spec.requestMinor ?? 100_000_00,
      consumables: 0,
      equipment: 0,
      travel: 0,
      subcontracting: 0,
      overhead: 0,
      ...spec.budget,
    },
  };
}

export interface ProposalSpec {
  readonly partners: readonly (PartnerSpec | Partner)[];
  readonly modules?: readonly ModuleCode[];
  readonly durationMonths?: number;
  readonly acronym?: string;
}

/** A proposal document; the first partner is the coordinator unless one is marked. */
export function buildProposal(spec: ProposalSpec, call: EligibilityCall = demoCall): ProposalDocument {
  const partners = spec.partners.map((p) => ('organisation' in p ? p : buildPartner(p, call)));
  const withCoordinator = partners.some((p) => p.coordinator)
    ? partners
    : partners.map((p, i) => (i === 0 ? { ...p, coordinator: true } : p));
  return {
    acronym: spec.acronym ?? 'TESTPM',
    title: 'A test proposal on personalised medicine',
    abstract: 'An abstract.',
    keywords: ['personalised medicine'],
    modules: [...(spec.modules ?? ['1B', '3B'])],
    durationMonths: spec.durationMonths ?? 36,
    partners: withCoordinator,
  };
}

/** The demo call's context at a stage, with extras. */
export function demoContext(
  stage: EligibilityContext['stage'] = 'pre-proposal',
  extra: Parameters<typeof contextFromCall>[2] = {},
): EligibilityContext {
  return contextFromCall(demoCall, stage, extra);
}

/** A context with only the given rules (and the demo call's funders and EU/AC set). */
export function contextWithRules(
  rules: EligibilityContext['rules'],
  extra: Partial<EligibilityContext> = {},
): EligibilityContext {
  return { ...demoContext('pre-proposal'), rules, ...extra };
}
