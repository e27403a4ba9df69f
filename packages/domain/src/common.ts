import countries from 'i18n-iso-countries';
import { DateTime } from 'luxon';
import { z } from 'zod';

/** ISO 3166-1 alpha-2 country code, checked against the ISO list (i18n-iso-countries). */
export const countryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code in capitals, e.g. "DE"')
  .refine((c) => countries.isValid(c), { message: 'is not an ISO 3166-1 country code' })
  .describe('ISO 3166-1 alpha-2 country code');
export type CountryCode = z.infer<typeof countryCode>;

/** ISO 3166-2 subdivision code, e.g. "DE-SN" (Saxony), "CA-QC" (Quebec), "IT-25" (Lombardy). */
export const regionCode = z
  .string()
  .regex(/^[A-Z]{2}-[A-Z0-9]{1,3}$/, 'must be an ISO 3166-2 code, e.g. "DE-SN"')
  .refine((c) => countries.isValid(c.slice(0, 2)), { message: 'names an unknown country' })
  .describe('ISO 3166-2 subdivision code');
export type RegionCode = z.infer<typeof regionCode>;

const currencies = new Set(Intl.supportedValuesOf('currency'));

/** ISO 4217 currency code known to the runtime's ICU data. */
export const currencyCode = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code in capitals, e.g. "EUR"')
  .refine((c) => currencies.has(c), { message: 'is not an ISO 4217 currency code' })
  .describe('ISO 4217 currency code');
export type CurrencyCode = z.infer<typeof currencyCode>;

/** Number of minor-unit digits of a currency (EUR 2, JPY 0, ...), from ICU. */
export function minorUnitDigits(currency: string): number {
  return (
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

/** An amount in integer minor units (cents). Never a float. */
export const minorUnits = z
  .number()
  .int('must be a whole number of minor units (e.g. cents)')
  .nonnegative('must not be negative')
  .max(Number.MAX_SAFE_INTEGER)
  .describe('Amount in integer minor units of its currency (cents for EUR)');

export const money = z
  .object({ amountMinor: minorUnits, currency: currencyCode })
  .strict()
  .describe('An amount of money: integer minor units plus an ISO 4217 currency');
export type Money = z.infer<typeof money>;

export function formatMoney(m: Money, locale = 'en-GB'): string {
  const digits = minorUnitDigits(m.currency);
  return new Intl.NumberFormat(locale, { style: 'currency', currency: m.currency }).format(
    m.amountMinor / 10 ** digits,
  );
}

const zones = new Set(Intl.supportedValuesOf('timeZone'));

/** An IANA time zone name such as "Europe/Brussels". */
export const ianaZone = z
  .string()
  .min(1)
  .refine((zone) => zones.has(zone) || DateTime.now().setZone(zone).isValid, {
    message: 'is not an IANA time zone name, e.g. "Europe/Brussels"',
  })
  .describe('IANA time zone name');

/** An instant, as an ISO 8601 string with an offset or Z. */
export const instant = z.iso.datetime({ offset: true }).describe('ISO 8601 instant with offset');

/**
 * A deadline or opening as it was announced: an instant plus the zone it was announced in.
 * Input may be given as a local wall time in that zone ("2020-03-05T17:00") or as an instant;
 * the canonical form always carries both `at` (UTC instant) and `zone`.
 */
export const zonedInstantInput = z
  .object({
    local: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, 'must be a local wall time "YYYY-MM-DDTHH:mm[:ss]"')
      .optional()
      .describe('Wall-clock time in `zone`; the instant is computed with the zone rules (DST-correct).'),
    at: instant.optional().describe('The instant itself (alternative to `local`).'),
    zone: ianaZone,
  })
  .strict()
  .superRefine((v, ctx) => {
    if (!v.local === !v.at) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of `local` or `at`', path: ['local'] });
      return;
    }
    if (v.local) {
      const dt = DateTime.fromISO(v.local, { zone: v.zone });
      if (!dt.isValid) ctx.addIssue({ code: 'custom', message: 'is not a valid date-time', path: ['local'] });
      // A wall time that does not exist (skipped by a DST change) is refused rather than guessed.
      else if (
        dt.toFormat(v.local.length > 16 ? "yyyy-LL-dd'T'HH:mm:ss" : "yyyy-LL-dd'T'HH:mm") !== v.local
      ) {
        ctx.addIssue({
          code: 'custom',
          message: 'does not exist in this zone (skipped by a clock change)',
          path: ['local'],
        });
      }
    }
  });

export const zonedInstant = z
  .object({
    at: instant.describe('UTC instant'),
    zone: ianaZone,
  })
  .strict();
export type ZonedInstant = z.infer<typeof zonedInstant>;

/** Canonicalises an announced time into a UTC instant plus its zone. */
export function toZonedInstant(input: z.infer<typeof zonedInstantInput>): ZonedInstant {
  const dt = input.local
    ? DateTime.fromISO(input.local, { zone: input.zone })
    : DateTime.fromISO(input.at!, { setZone: true });
  return { at: dt.toUTC().toISO({ suppressMilliseconds: true })!, zone: input.zone };
}

/** The instant shown in its announced zone, e.g. "2020-03-05T17:00:00+01:00". */
export function inZone(z: ZonedInstant, zone = z.zone): string {
  return DateTime.fromISO(z.at, { zone: 'utc' }).setZone(zone).toISO({ suppressMilliseconds: true })!;
}

export function humanInZone(z: ZonedInstant, zone = z.zone): string {
  return DateTime.fromISO(z.at, { zone: 'utc' }).setZone(zone).toFormat("d LLL yyyy HH:mm ZZZZ '('z')'");
}

export const slug = z
  .string()
  .min(3)
  .max(64)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lower-case letters, digits and single hyphens');

/** Source of a fact or rule: where it is written. */
export const source = z
  .object({ url: z.url(), quote: z.string().max(2000).optional() })
  .strict()
  .describe('Where a rule is documented');
export type Source = z.infer<typeof source>;
