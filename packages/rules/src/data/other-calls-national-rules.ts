import { rule } from '@permed/domain';
import { z } from 'zod';
import { sources } from './sources.ts';

const catalogueEntry = z.object({ call: z.string().min(1), rule }).strict();
export type CatalogueEntry = z.infer<typeof catalogueEntry>;

const eur = (amount: number) => ({ amountMinor: amount * 100, currency: 'EUR' });
const sek = (amount: number) => ({ amountMinor: amount * 100, currency: 'SEK' });

/**
 * National rules the reference documents for other ERA PerMed / EP PerMed calls, each sourced for
 * the call it names. Not part of the demo call (JTC2020); a call office defining another call starts
 * from these. Funders that did not join JTC2020 (Vinnova, LMT, AECC, VLAIO, ...) appear only here.
 */
export const otherCallsNationalRules: readonly CatalogueEntry[] = z.array(catalogueEntry).parse([
  {
    call: 'ERA PerMed JTC2018',
    rule: {
      id: 'jtc2018.bmbf-max-request-per-partner',
      kind: 'max-request-per-partner',
      scope: 'funder',
      funderId: 'bmbf',
      level: 'error',
      stage: 'both',
      params: { max: eur(300_000) },
      source: { url: sources.annexJtc2018Germany },
      note: 'Up to 300 kEUR per German applicant including the project lump sum (Projektpauschale).',
    },
  },
  {
    call: 'ERA PerMed JTC2018',
    rule: {
      id: 'jtc2018.bmbf-max-request-total',
      kind: 'max-request-total',
      scope: 'funder',
      funderId: 'bmbf',
      level: 'error',
      stage: 'both',
      params: { tiers: [{ fromPartners: 2, max: eur(400_000) }] },
      source: { url: sources.annexJtc2018Germany },
      note: 'Up to 400 kEUR in total if two BMBF-funded partners are in one consortium.',
    },
  },
  {
    call: 'ERA PerMed JTC2018',
    rule: {
      id: 'jtc2018.smwk-organisation-types',
      kind: 'allowed-organisation-types',
      scope: 'funder',
      funderId: 'smwk',
      level: 'error',
      stage: 'both',
      params: { types: ['academia'] },
      source: { url: sources.annexJtc2018Germany },
      note: 'Universities and research institutions in Saxony; industry partners should contact BMBF.',
    },
  },
  {
    call: 'ERA PerMed JTC2018',
    rule: {
      id: 'jtc2018.frqs-max-request-per-partner',
      kind: 'max-request-per-partner',
      scope: 'funder',
      funderId: 'frqs',
      level: 'error',
      stage: 'both',
      params: { max: { amountMinor: 450_000 * 100, currency: 'CAD' } },
      source: { url: sources.frqsJtc2018 },
      note: 'CAD 450,000 per Quebec team over 3 years.',
    },
  },
  {
    call: 'ERA PerMed JTC2018',
    rule: {
      id: 'jtc2018.mizs-signed-form',
      kind: 'national-application',
      scope: 'funder',
      funderId: 'mizs',
      level: 'warning',
      stage: 'pre-proposal',
      params: {
        requirement: 'additional-form',
        description: 'Slovenian applicants sign a form on the national eligibility criteria (Annex 4).',
      },
      source: { url: sources.guidelinesJtc2018 },
    },
  },
  {
    call: 'ERA PerMed JTC2019',
    rule: {
      id: 'jtc2019.vr-max-request-total',
      kind: 'max-request-total',
      scope: 'funder',
      funderId: 'vr',
      level: 'error',
      stage: 'both',
      params: { tiers: [{ fromPartners: 1, max: sek(6_000_000) }] },
      source: { url: sources.vrJtc2019 },
      note: 'At most SEK 6 M in total for the Swedish participation.',
    },
  },
  {
    call: 'ERA PerMed JTC2019',
    rule: {
      id: 'jtc2019.vr-prisma-pre',
      kind: 'national-application',
      scope: 'funder',
      funderId: 'vr',
      level: 'warning',
      stage: 'pre-proposal',
      params: {
        requirement: 'parallel-application',
        system: 'Prisma',
        description: 'Swedish project leaders also apply to the Swedish Research Council.',
        due: { date: '2019-03-12', zone: 'Europe/Stockholm' },
      },
      source: { url: sources.vrJtc2019 },
    },
  },
  {
    call: 'ERA PerMed JTC2019',
    rule: {
      id: 'jtc2019.vr-prisma-full',
      kind: 'national-application',
      scope: 'funder',
      funderId: 'vr',
      level: 'warning',
      stage: 'full-proposal',
      params: {
        requirement: 'parallel-application',
        system: 'Prisma',
        description: 'Swedish project leaders also apply to the Swedish Research Council.',
        due: { date: '2019-06-25', zone: 'Europe/Stockholm' },
      },
      source: { url: sources.vrJtc2019 },
    },
  },
  ...(['it-moh', 'frrb', 'tuscreg'] as const).map((funderId) => ({
    call: 'ERA PerMed JTC2019',
    rule: {
      id: `jtc2019.${funderId}-pre-eligibility`,
      kind: 'national-application',
      scope: 'funder',
      funderId,
      level: 'warning',
      stage: 'pre-proposal',
      params: {
        requirement: 'pre-eligibility-check',
        description:
          funderId === 'it-moh'
            ? 'Italian Ministry of Health applicants pass a pre-eligibility check before the pre-proposal deadline.'
            : 'Regional applicants pass a pre-eligibility check and fill in a budget form before the pre-proposal deadline.',
      },
      source: { url: sources.echallianceJtc2019 },
    },
  })),
  ...(['isciii', 'aecc'] as const).map((funderId) => ({
    call: 'ERA PerMed JTC2019',
    rule: {
      id: `jtc2019.${funderId}-additional-form`,
      kind: 'national-application',
      scope: 'funder',
      funderId,
      level: 'warning',
      stage: 'pre-proposal',
      params: {
        requirement: 'additional-form',
        description: 'Spanish partners asking this funder fill in an additional national application form.',
      },
      source: { url: sources.echallianceJtc2019 },
    },
  })),
  {
    call: 'ERA PerMed JTC2021',
    rule: {
      id: 'jtc2021.ncbr-excluded-ra3',
      kind: 'excluded-modules',
      scope: 'funder',
      funderId: 'ncbr',
      level: 'warning',
      stage: 'both',
      params: { modules: ['RA3'] },
      source: { url: sources.ncbrJtc2021 },
      note: 'Polish partners cover Research Area 3 tasks from their own resources.',
    },
  },
  {
    call: 'ERA PerMed JTC2021',
    rule: {
      id: 'jtc2021.fapesp-max-duration',
      kind: 'max-duration-months',
      scope: 'funder',
      funderId: 'fapesp',
      level: 'warning',
      stage: 'both',
      params: { max: 36 },
      source: { url: sources.fapespJtc2021 },
      note: 'FAPESP Regular Research Grant rules, 24-36 months; a São Paulo-based PI is required.',
    },
  },
  {
    call: 'ERA PerMed JTC2022',
    rule: {
      id: 'jtc2022.lmt-max-duration',
      kind: 'max-duration-months',
      scope: 'funder',
      funderId: 'lmt',
      level: 'warning',
      stage: 'both',
      params: { max: 36 },
      source: { url: sources.lmtJtc2022 },
      note: 'Projects of at most 3 years; Lithuanian participants file nothing with LMT.',
    },
  },
  {
    call: 'ERA PerMed JTC2022',
    rule: {
      id: 'jtc2022.frqs-max-duration',
      kind: 'max-duration-months',
      scope: 'funder',
      funderId: 'frqs',
      level: 'warning',
      stage: 'both',
      params: { max: 36 },
      source: { url: sources.frqsJtc2022 },
      note: 'CAD 150,000 per year, at most 3 years, non-renewable (the yearly cap is not expressible as a rule kind yet).',
    },
  },
  {
    call: 'EP PerMed JTC2024',
    rule: {
      id: 'ep2024.vr-max-funder-partners',
      kind: 'max-funder-partners',
      scope: 'funder',
      funderId: 'vr',
      level: 'error',
      stage: 'both',
      params: { max: 2 },
      source: { url: sources.vrEp2024 },
    },
  },
  {
    call: 'EP PerMed JTC2024',
    rule: {
      id: 'ep2024.vr-min-request-per-partner',
      kind: 'min-request-per-partner',
      scope: 'funder',
      funderId: 'vr',
      level: 'error',
      stage: 'both',
      params: { min: sek(1_200_000) },
      source: { url: sources.vrEp2024 },
    },
  },
  {
    call: 'EP PerMed JTC2024',
    rule: {
      id: 'ep2024.vr-max-request-total',
      kind: 'max-request-total',
      scope: 'funder',
      funderId: 'vr',
      level: 'error',
      stage: 'both',
      params: {
        tiers: [
          { fromPartners: 1, max: sek(3_000_000) },
          { fromPartners: 2, max: sek(4_500_000) },
        ],
      },
      source: { url: sources.vrEp2024 },
    },
  },
  {
    call: 'EP PerMed JTC2024',
    rule: {
      id: 'ep2024.vr-prisma-pre',
      kind: 'national-application',
      scope: 'funder',
      funderId: 'vr',
      level: 'warning',
      stage: 'pre-proposal',
      params: {
        requirement: 'parallel-application',
        system: 'Prisma',
        description: 'Swedish project leaders also apply to the Swedish Research Council.',
        due: { date: '2024-03-12', time: '14:00', zone: 'Europe/Stockholm' },
      },
      source: { url: sources.vrEp2024 },
    },
  },
  {
    call: 'EP PerMed JTC2024',
    rule: {
      id: 'ep2024.vinnova-max-request-total',
      kind: 'max-request-total',
      scope: 'funder',
      funderId: 'vinnova',
      level: 'error',
      stage: 'both',
      params: {
        tiers: [
          { fromPartners: 1, max: sek(3_000_000) },
          { fromPartners: 2, max: sek(4_500_000) },
        ],
      },
      source: { url: sources.vinnovaEp2024 },
      note: 'SEK 3 M for one Swedish party, 4.5 M for two, over 3 years (the reference cites this page and the 2022 Vinnova call together).',
    },
  },
  {
    call: 'EP PerMed JTC2024',
    rule: {
      id: 'ep2024.vinnova-application',
      kind: 'national-application',
      scope: 'funder',
      funderId: 'vinnova',
      level: 'warning',
      stage: 'both',
      params: {
        requirement: 'parallel-application',
        description: 'Swedish parties also apply to Vinnova; two Swedish parties file one joint application.',
      },
      source: { url: sources.vinnovaEp2024 },
    },
  },
  {
    call: 'EP PerMed JTC2024',
    rule: {
      id: 'ep2024.vlaio-application',
      kind: 'national-application',
      scope: 'funder',
      funderId: 'vlaio',
      level: 'warning',
      stage: 'pre-proposal',
      params: {
        requirement: 'parallel-application',
        description:
          'Flemish partners submit their own VLAIO proposal on the day of the pre-proposal deadline.',
        due: { date: '2024-03-05', zone: 'Europe/Brussels' },
      },
      source: { url: sources.vlaioEp2024 },
    },
  },
  {
    call: 'EP PerMed JTC2024',
    rule: {
      id: 'ep2024.fwf-max-duration',
      kind: 'max-duration-months',
      scope: 'funder',
      funderId: 'fwf',
      level: 'warning',
      stage: 'both',
      params: { max: 36 },
      source: { url: sources.fwfEp },
    },
  },
  {
    call: 'EP PerMed (2024 onwards)',
    rule: {
      id: 'ep.gn-navarra-max-request-total',
      kind: 'max-request-total',
      scope: 'funder',
      funderId: 'gn-navarra',
      level: 'error',
      stage: 'both',
      params: { tiers: [{ fromPartners: 1, max: eur(200_000) }] },
      source: { url: sources.navarraEp },
      note: 'Up to 200 kEUR per proposal (about 3 years).',
    },
  },
  {
    call: 'EP PerMed JTC2026',
    rule: {
      id: 'ep2026.research-ireland-max-duration',
      kind: 'max-duration-months',
      scope: 'funder',
      funderId: 'research-ireland',
      level: 'warning',
      stage: 'both',
      params: { max: 36 },
      source: { url: sources.researchIrelandJtc2026 },
    },
  },
]);
