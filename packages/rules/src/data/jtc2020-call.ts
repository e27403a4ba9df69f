import { currencyCode, funderId, rule, type Rule } from '@permed/domain';
import { z } from 'zod';
import { eligibilityCall, type EligibilityCall } from '../eligibility-call.ts';
import { type ParticipatingFunder } from '../context.ts';
import { euAssociatedCountries } from './eu-associated-countries.ts';
import { funderRegistryById } from './funder-registry.ts';
import { sources } from './sources.ts';

const callFunderEntry = z
  .object({
    funderId,
    currency: currencyCode.optional().describe('Overrides the registry currency for this call'),
    note: z.string().min(1).optional(),
  })
  .strict();
export type CallFunderEntry = z.infer<typeof callFunderEntry>;

/**
 * The funders of the demo call: every funder that reference/funders.json lists for "ERA PerMed
 * JTC2020", plus, for the ERA PerMed countries with no JTC2020 funder in the reference (AT, EE, NL),
 * that country's ERA PerMed funder from the other calls.
 */
export const demoCallFunderEntries: readonly CallFunderEntry[] = z.array(callFunderEntry).parse([
  { funderId: 'frs-fnrs' },
  { funderId: 'frqs' },
  { funderId: 'mse-hr' },
  { funderId: 'innofond' },
  {
    funderId: 'asrt',
    note: 'Egypt is not an ERA PerMed country; ASRT is listed for JTC2020 (ANR pre-announcement).',
  },
  { funderId: 'aka' },
  { funderId: 'anr' },
  { funderId: 'bmbf' },
  { funderId: 'smwk' },
  {
    funderId: 'gsrt',
    note: 'Greece is listed for JTC2020; the agency name is inferred (nameConfirmed: false).',
  },
  { funderId: 'nkfih' },
  { funderId: 'hrb' },
  { funderId: 'cso-moh' },
  { funderId: 'it-moh' },
  { funderId: 'frrb' },
  { funderId: 'tuscreg' },
  { funderId: 'viaa' },
  { funderId: 'fnr' },
  { funderId: 'rcn' },
  {
    funderId: 'senacyt',
    note: 'Panama is not an ERA PerMed country; it is listed for JTC2020 (ANR pre-announcement).',
  },
  { funderId: 'ncbr' },
  { funderId: 'uefiscdi' },
  { funderId: 'mizs' },
  { funderId: 'isciii' },
  { funderId: 'cdti' },
  { funderId: 'catalonia-health' },
  { funderId: 'gn-navarra' },
  {
    funderId: 'vr',
    currency: 'EUR',
    note: 'VR stated its JTC2020 limits in EUR (40 kEUR minimum per participant, 450 kEUR per project), so Swedish budgets are in EUR in this call.',
  },
  {
    funderId: 'tubitak',
    note: 'JTC2020 participation rests only on the h2020.org.tr ERA PerMed page (see funders.json).',
  },
  {
    funderId: 'fwf',
    note: 'Austria has no JTC2020 funder in the reference (absent from the ANR JTC2020 list); FWF, the Austrian funder of JTC2018, JTC2019, JTC2021 and JTC2022, is included for the demo.',
  },
  {
    funderId: 'etag',
    note: 'Estonia has no JTC2020 funder in the reference; ETAg, the Estonian funder of JTC2018, JTC2019, JTC2021 and JTC2022, is included for the demo (MSA took part only in JTC2018).',
  },
  {
    funderId: 'zonmw',
    note: 'The Netherlands have no JTC2020 funder in the reference; ZonMw, the Dutch funder of JTC2018, is included for the demo.',
  },
]);

export const demoCallFunderIds: readonly string[] = demoCallFunderEntries.map((e) => e.funderId);

const eur = (amount: number) => ({ amountMinor: amount * 100, currency: 'EUR' });
const area3 = ['RA3'] as const;

/** Consortium rules of JTC2020; documented for JTC2020 unless flagged as an assumption. */
const callRules: unknown[] = [
  {
    id: 'jtc2020-min-eligible-partners',
    kind: 'min-eligible-partners',
    scope: 'call',
    level: 'error',
    stage: 'both',
    params: { min: 3 },
    source: { url: sources.prointJtc2020 },
    note: 'Reference §2.1: at least 3 partners eligible for funding, from 3 countries (JTC2020).',
  },
  {
    id: 'jtc2020-min-eligible-countries',
    kind: 'min-eligible-countries',
    scope: 'call',
    level: 'error',
    stage: 'both',
    params: { min: 3 },
    source: { url: sources.prointJtc2020 },
    note: 'Reference §2.1: at least 3 partners eligible for funding, from 3 countries (JTC2020).',
  },
  {
    id: 'jtc2020-eu-ac-partners',
    kind: 'min-eu-ac-partners',
    scope: 'call',
    level: 'error',
    stage: 'both',
    params: { minPartners: 2, minCountries: 2 },
    source: { url: sources.prointJtc2020 },
    note: 'Reference §2.1: at least 2 of the partners from 2 different EU Member States or Associated Countries (JTC2020).',
  },
  {
    id: 'jtc2020-max-partners-pre',
    kind: 'max-partners',
    scope: 'call',
    level: 'error',
    stage: 'pre-proposal',
    params: { max: 6 },
    source: { url: sources.anrJtc2020 },
    note: 'Reference §2.1: at most 6 partners at the pre-proposal stage (JTC2019-2021; ANR 2020 page).',
  },
  {
    id: 'jtc2020-max-partners-per-country',
    kind: 'max-partners-per-country',
    scope: 'call',
    level: 'error',
    stage: 'both',
    params: { max: 2 },
    assumption: true,
    note: `Documented for JTC2019 only (${sources.sisEgizJtc2019}): at most 2 partners per country, own-funded partners included.`,
  },
  {
    id: 'jtc2020-own-funded-partners',
    kind: 'own-funded-partners',
    scope: 'call',
    level: 'error',
    stage: 'both',
    params: { max: 1, onlyWithMinEligible: 3 },
    assumption: true,
    note: `Documented for JTC2019 only (${sources.sisEgizJtc2019}): at most 1 own-funded partner, and only with at least 3 partners eligible for funding.`,
  },
  {
    id: 'jtc2020-coordinator-eligible',
    kind: 'coordinator-eligible',
    scope: 'call',
    level: 'error',
    stage: 'both',
    params: {},
    assumption: true,
    note: `The reference's consortium table gives "must be eligible for funding" for JTC2020 but cites only the JTC2021 call page (${sources.eraLearnJtc2021}).`,
  },
  {
    id: 'jtc2020-module-coverage',
    kind: 'module-coverage',
    scope: 'call',
    level: 'error',
    stage: 'both',
    params: { groups: [{ anyOf: ['RA3'] }, { anyOf: ['RA1', 'RA2'] }] },
    source: { url: sources.prointJtc2020 },
    note: 'Reference §2.1: at least one module of research area 3 and at least one of research area 1 or 2 (JTC2019, same in JTC2020).',
  },
  {
    id: 'jtc2020-funder-territory',
    kind: 'funder-territory',
    scope: 'call',
    level: 'error',
    stage: 'both',
    params: {},
    source: { url: sources.kowiNational },
    note: 'Reference §3.1: funding is national; each partner is funded by its own (national or regional) funder under its rules.',
  },
  {
    id: 'jtc2020-distinct-legal-entities',
    kind: 'distinct-legal-entities',
    scope: 'call',
    level: 'error',
    stage: 'both',
    params: { minDistinctEligible: 3 },
    assumption: true,
    note: `Documented for JTC2022 only (${sources.imimJtc2022}): the 3 legal entities must be independent of each other.`,
  },
];

// Levels: a rule documented for JTC2020 or for another ERA PerMed / EP PerMed call keeps its natural
// level; a rule known only from another partnership or generic national practice is a warning, so
// that borrowed rules advise but never block a consortium on their own.
const nationalRules: unknown[] = [
  // ---- Germany ----
  {
    id: 'bmbf-max-request-per-partner',
    kind: 'max-request-per-partner',
    scope: 'funder',
    funderId: 'bmbf',
    level: 'error',
    stage: 'both',
    params: { max: eur(300_000) },
    assumption: true,
    note: `Documented for JTC2018 (${sources.annexJtc2018Germany}): up to 300 kEUR per German applicant including the project lump sum.`,
  },
  {
    id: 'bmbf-max-request-total',
    kind: 'max-request-total',
    scope: 'funder',
    funderId: 'bmbf',
    level: 'error',
    stage: 'both',
    params: { tiers: [{ fromPartners: 2, max: eur(400_000) }] },
    assumption: true,
    note: `Documented for JTC2018 (${sources.annexJtc2018Germany}): up to 400 kEUR in total when two BMBF-funded partners are in one consortium.`,
  },
  {
    id: 'smwk-organisation-types',
    kind: 'allowed-organisation-types',
    scope: 'funder',
    funderId: 'smwk',
    level: 'error',
    stage: 'both',
    params: { types: ['academia'] },
    assumption: true,
    note: `Documented for JTC2018 (${sources.annexJtc2018Germany}): universities and research institutions in Saxony; industry partners should contact BMBF. Location is checked by the territory rule (SMWK region DE-SN).`,
  },
  // ---- Sweden (VR's JTC2020 call page) ----
  {
    id: 'vr-max-funder-partners',
    kind: 'max-funder-partners',
    scope: 'funder',
    funderId: 'vr',
    level: 'error',
    stage: 'both',
    params: { max: 2 },
    source: { url: sources.vrJtc2020 },
    note: 'At most 2 Swedish project leaders per consortium.',
  },
  {
    id: 'vr-min-request-per-partner',
    kind: 'min-request-per-partner',
    scope: 'funder',
    funderId: 'vr',
    level: 'error',
    stage: 'both',
    params: { min: eur(40_000) },
    source: { url: sources.vrJtc2020 },
    note: 'JTC2020: at least 40 kEUR per Swedish participant.',
  },
  {
    id: 'vr-max-request-total',
    kind: 'max-request-total',
    scope: 'funder',
    funderId: 'vr',
    level: 'error',
    stage: 'both',
    params: { tiers: [{ fromPartners: 1, max: eur(450_000) }] },
    source: { url: sources.vrJtc2020 },
    note: 'JTC2020: at most 450 kEUR per project for the Swedish participation.',
  },
  {
    id: 'vr-prisma-pre',
    kind: 'national-application',
    scope: 'funder',
    funderId: 'vr',
    level: 'warning',
    stage: 'pre-proposal',
    params: {
      requirement: 'parallel-application',
      system: 'Prisma',
      description: 'Swedish project leaders also apply to the Swedish Research Council.',
      due: { date: '2020-03-11', zone: 'Europe/Stockholm' },
    },
    source: { url: sources.vrJtc2020 },
    note: 'funders.json: Prisma application due 11 Mar 2020 for JTC2020 (time of day not given).',
  },
  {
    id: 'vr-prisma-full',
    kind: 'national-application',
    scope: 'funder',
    funderId: 'vr',
    level: 'warning',
    stage: 'full-proposal',
    params: {
      requirement: 'parallel-application',
      system: 'Prisma',
      description: 'Swedish project leaders also apply to the Swedish Research Council.',
      due: { date: '2020-06-23', zone: 'Europe/Stockholm' },
    },
    source: { url: sources.vrJtc2020 },
    note: 'funders.json: Prisma application due 23 Jun 2020 for JTC2020 (time of day not given).',
  },
  {
    id: 'vr-max-duration',
    kind: 'max-duration-months',
    scope: 'funder',
    funderId: 'vr',
    level: 'warning',
    stage: 'both',
    params: { max: 36 },
    source: { url: sources.vrJtc2020 },
    note: 'VR grants run for 3 years; a longer project needs other money for the Swedish part.',
  },
  // ---- Canada / Quebec ----
  {
    id: 'frqs-max-request-per-partner',
    kind: 'max-request-per-partner',
    scope: 'funder',
    funderId: 'frqs',
    level: 'error',
    stage: 'both',
    params: { max: { amountMinor: 450_000 * 100, currency: 'CAD' } },
    source: { url: sources.frqsJtc2020 },
    note: 'JTC2020: at most CAD 450,000 per Quebec team over 3 years.',
  },
  {
    id: 'frqs-max-duration',
    kind: 'max-duration-months',
    scope: 'funder',
    funderId: 'frqs',
    level: 'warning',
    stage: 'both',
    params: { max: 36 },
    source: { url: sources.frqsJtc2020 },
    note: 'JTC2020: funding over at most 3 years.',
  },
  // ---- Poland ----
  {
    id: 'ncbr-excluded-ra3',
    kind: 'excluded-modules',
    scope: 'funder',
    funderId: 'ncbr',
    level: 'warning',
    stage: 'both',
    params: { modules: area3 },
    assumption: true,
    note: `Documented for JTC2021 (${sources.ncbrJtc2021}): NCBR did not fund Research Area 3 tasks; Polish partners covered them from their own resources.`,
  },
  // ---- Italy ----
  {
    id: 'it-moh-pre-eligibility',
    kind: 'national-application',
    scope: 'funder',
    funderId: 'it-moh',
    level: 'warning',
    stage: 'pre-proposal',
    params: {
      requirement: 'pre-eligibility-check',
      system: 'Workflow della Ricerca',
      description:
        'Italian Ministry of Health applicants pass a pre-eligibility check before the pre-proposal deadline, through their institution.',
    },
    assumption: true,
    note: `Documented for JTC2019 (${sources.echallianceJtc2019}); the WFR channel is general IT-MoH practice (${sources.lombardiaWfr}).`,
  },
  {
    id: 'frrb-pre-eligibility',
    kind: 'national-application',
    scope: 'funder',
    funderId: 'frrb',
    level: 'warning',
    stage: 'pre-proposal',
    params: {
      requirement: 'pre-eligibility-check',
      description:
        'Lombardy applicants pass an FRRB pre-eligibility check and fill in a budget form before the pre-proposal deadline.',
    },
    assumption: true,
    note: `Documented for JTC2019 (${sources.echallianceJtc2019}).`,
  },
  {
    id: 'frrb-max-funder-partners',
    kind: 'max-funder-partners',
    scope: 'funder',
    funderId: 'frrb',
    level: 'warning',
    stage: 'both',
    params: { max: 2 },
    assumption: true,
    note: `FRRB model rules from another partnership (OHAMR JTC2026, ${sources.ohamrItaly}): at most 2 Lombardy partners per project.`,
  },
  {
    id: 'frrb-max-request-total',
    kind: 'max-request-total',
    scope: 'funder',
    funderId: 'frrb',
    level: 'warning',
    stage: 'both',
    params: { tiers: [{ fromPartners: 1, max: eur(500_000) }] },
    assumption: true,
    note: `FRRB model rules from another partnership (OHAMR JTC2026, ${sources.ohamrItaly}): at most 500 kEUR per project, shared by the Lombardy partners.`,
  },
  {
    id: 'frrb-organisation-types',
    kind: 'allowed-organisation-types',
    scope: 'funder',
    funderId: 'frrb',
    level: 'warning',
    stage: 'both',
    params: { types: ['clinical-public-health', 'academia'] },
    assumption: true,
    note: `FRRB model rules from another partnership (OHAMR JTC2026, ${sources.ohamrItaly}): IRCCS, ASST, ATS and AREU; universities only together with one of these; enterprises not eligible.`,
  },
  {
    id: 'tuscreg-pre-eligibility',
    kind: 'national-application',
    scope: 'funder',
    funderId: 'tuscreg',
    level: 'warning',
    stage: 'pre-proposal',
    params: {
      requirement: 'pre-eligibility-check',
      description:
        'Tuscan applicants pass a Tuscany Region pre-eligibility check and fill in a budget form before the pre-proposal deadline.',
    },
    assumption: true,
    note: `Documented for JTC2019 (${sources.echallianceJtc2019}).`,
  },
  // ---- Spain ----
  {
    id: 'isciii-additional-form',
    kind: 'national-application',
    scope: 'funder',
    funderId: 'isciii',
    level: 'warning',
    stage: 'pre-proposal',
    params: {
      requirement: 'additional-form',
      description: 'Spanish partners asking ISCIII fill in an additional national application form.',
    },
    assumption: true,
    note: `Documented for JTC2019 (${sources.echallianceJtc2019}); ISCIII-style calls also ask the Spanish PI for a CVA-ISCIII CV before the deadline (${sources.vetinnovaIsciii}).`,
  },
  {
    id: 'isciii-one-proposal-per-pi',
    kind: 'one-proposal-per-pi',
    scope: 'funder',
    funderId: 'isciii',
    level: 'warning',
    stage: 'both',
    params: {},
    assumption: true,
    note: `ISCIII-style rules of another ERA-NET call (${sources.vetinnovaIsciii}): the Spanish PI may appear in one proposal only. Not documented for ERA PerMed.`,
  },
  {
    id: 'cdti-organisation-types',
    kind: 'allowed-organisation-types',
    scope: 'funder',
    funderId: 'cdti',
    level: 'error',
    stage: 'both',
    params: { types: ['company-sme', 'company-large'] },
    source: { url: sources.prointJtc2020 },
    note: 'JTC2020: CDTI funds Spanish companies, through loans with a 33% non-refundable part.',
  },
  {
    id: 'gn-navarra-max-request-total',
    kind: 'max-request-total',
    scope: 'funder',
    funderId: 'gn-navarra',
    level: 'error',
    stage: 'both',
    params: { tiers: [{ fromPartners: 1, max: eur(200_000) }] },
    assumption: true,
    note: `Documented for EP PerMed (${sources.navarraEp}): up to 200 kEUR per proposal (about 3 years).`,
  },
  // ---- Slovenia ----
  {
    id: 'mizs-signed-form',
    kind: 'national-application',
    scope: 'funder',
    funderId: 'mizs',
    level: 'warning',
    stage: 'pre-proposal',
    params: {
      requirement: 'additional-form',
      description: 'Slovenian applicants sign a form on the national eligibility criteria.',
    },
    assumption: true,
    note: `Documented for JTC2018 (Annex 4 of the guidelines, ${sources.guidelinesJtc2018}).`,
  },
  // ---- Austria ----
  {
    id: 'fwf-max-duration',
    kind: 'max-duration-months',
    scope: 'funder',
    funderId: 'fwf',
    level: 'warning',
    stage: 'both',
    params: { max: 36 },
    assumption: true,
    note: `Documented for EP PerMed (${sources.fwfEp}): at most 36 months under FWF programme rules.`,
  },
  // ---- Belgium (generic FNRS joint-call practice) ----
  {
    id: 'frs-fnrs-organisation-types',
    kind: 'allowed-organisation-types',
    scope: 'funder',
    funderId: 'frs-fnrs',
    level: 'warning',
    stage: 'both',
    params: { types: ['academia', 'clinical-public-health'] },
    assumption: true,
    note: `Generic FNRS rules in other ERA-NETs (${sources.fnrsMEraNet}): no funding for industry; applicants affiliated to a research institution of the Fédération Wallonie-Bruxelles.`,
  },
  {
    id: 'frs-fnrs-max-request-total',
    kind: 'max-request-total',
    scope: 'funder',
    funderId: 'frs-fnrs',
    level: 'warning',
    stage: 'both',
    params: { tiers: [{ fromPartners: 1, max: eur(300_000) }] },
    assumption: true,
    note: `Generic FNRS rules in other ERA-NETs (${sources.fnrsMEraNet}): 200-300 kEUR per project over 3 years.`,
  },
  {
    id: 'frs-fnrs-e-space',
    kind: 'national-application',
    scope: 'funder',
    funderId: 'frs-fnrs',
    level: 'warning',
    stage: 'both',
    params: {
      requirement: 'parallel-application',
      system: 'FNRS e-space',
      description:
        'Applicants file an administrative application on e-space at the call deadline or within 5 working days, and contact FNRS before submitting.',
    },
    assumption: true,
    note: `Generic FNRS joint-call practice (${sources.fnrsMEraNet}).`,
  },
  // ---- Türkiye (practice in other ERA-NETs) ----
  {
    id: 'tubitak-parallel-application',
    kind: 'national-application',
    scope: 'funder',
    funderId: 'tubitak',
    level: 'warning',
    stage: 'both',
    params: {
      requirement: 'parallel-application',
      system: 'TÜBİTAK 1071',
      description: 'Turkish partners also apply to the national TÜBİTAK programme.',
    },
    assumption: true,
    note: `Practice in other ERA-NETs (TRANSCAN-3 JTC2021, ${sources.tubitakTranscan3}).`,
  },
  {
    id: 'tubitak-max-request-per-partner',
    kind: 'max-request-per-partner',
    scope: 'funder',
    funderId: 'tubitak',
    level: 'warning',
    stage: 'both',
    params: { max: { amountMinor: 720_000 * 100, currency: 'TRY' }, excludedCategories: ['overhead'] },
    assumption: true,
    note: `NEURON JTC2019 under TÜBİTAK 1001 rules (${sources.tubitakNeuron2019}): at most 720,000 TL per Turkish partner, excluding overhead and incentive payments.`,
  },
];

/** All rules of the demo call, validated at load. */
export const demoCallRules: readonly Rule[] = z.array(rule).parse([...callRules, ...nationalRules]);

function participating(entry: CallFunderEntry): ParticipatingFunder {
  const f = funderRegistryById.get(entry.funderId);
  if (!f) throw new Error(`demo call funder "${entry.funderId}" is not in the funder registry`);
  return {
    id: f.id,
    acronym: f.acronym,
    name: f.name,
    country: f.country,
    ...(f.region ? { region: f.region } : {}),
    ...(f.coveredRegions ? { coveredRegions: f.coveredRegions } : {}),
    currency: entry.currency ?? f.currency,
  };
}

/** The ERA PerMed JTC2020 demo call, in the shape the CLI and the services take. */
export const demoCall: EligibilityCall = eligibilityCall.parse({
  id: 'erapermed-jtc2020',
  name: 'ERA PerMed JTC2020 (demo)',
  version: 1,
  funders: demoCallFunderEntries.map(participating),
  rules: demoCallRules,
  euAssociatedCountries,
});
