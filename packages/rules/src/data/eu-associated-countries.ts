import { countryCode, source } from '@permed/domain';
import { z } from 'zod';

const countryGroup = z
  .object({
    group: z.enum(['eu-member-state', 'h2020-associated-country']),
    countries: z.array(countryCode).min(1),
    source: source.optional(),
    assumption: z.literal(true).optional(),
    note: z.string().min(1).optional(),
  })
  .strict()
  .refine((g) => (g.source === undefined) !== (g.assumption === undefined) && (!g.assumption || g.note), {
    message: 'give a source, or assumption: true with a note',
  });
export type CountryGroup = z.infer<typeof countryGroup>;

const ERA_PERMED_NETWORK =
  'https://readkong.com/page/era-permed-cluster-event-on-personalised-medicine-with-itn-3033358';

/**
 * EU member states and Horizon 2020 associated countries as of the JTC2020 call (after the UK left
 * on 31 Jan 2020). The reference documents which ERA PerMed countries are EU members or associated;
 * the EU members outside the network are general knowledge and flagged as an assumption.
 */
export const euAssociatedCountryGroups: readonly CountryGroup[] = z.array(countryGroup).parse([
  {
    group: 'eu-member-state',
    // The 19 EU countries of the 23 ERA PerMed countries.
    countries: [
      'AT',
      'BE',
      'DE',
      'DK',
      'EE',
      'ES',
      'FI',
      'FR',
      'HR',
      'HU',
      'IE',
      'IT',
      'LU',
      'LV',
      'NL',
      'PL',
      'RO',
      'SE',
      'SI',
    ],
    source: { url: ERA_PERMED_NETWORK },
    note: 'Reference §0: "32 partners in 23 countries: 19 EU countries, 3 H2020-associated (IL, NO, TR) and 1 third country (CA)".',
  },
  {
    group: 'eu-member-state',
    countries: ['BG', 'CY', 'CZ', 'GR', 'LT', 'MT', 'PT', 'SK'],
    assumption: true,
    note: 'The other EU-27 member states in 2020; the reference does not list EU membership outside the ERA PerMed network (Greece and Lithuania took part in ERA PerMed calls as funders).',
  },
  {
    group: 'h2020-associated-country',
    countries: ['IL', 'NO', 'TR'],
    source: { url: ERA_PERMED_NETWORK },
    note: 'Reference §0: the three H2020-associated ERA PerMed countries. Other associated countries are not listed.',
  },
]);

/** The flat, sorted list used in call definitions. */
export const euAssociatedCountries: readonly string[] = [
  ...new Set(euAssociatedCountryGroups.flatMap((g) => g.countries)),
].sort();
