// Every date, time, number and amount on the pages goes through Intl, in the interface language
// and the visitor's zone; a deadline also shows in the zone the call announced it in.

/**
 * The Intl locale for an interface language: the visitor's own regional variant when it is of that
 * language (en-GB writes "6 Feb 2027, 17:00", en-US "Feb 6, 2027, 5:00 PM"), else the language.
 */
export function intlLocale(language: string): string {
  const own = typeof navigator === 'undefined' ? [] : navigator.languages;
  return own.find((l) => l.toLowerCase().split('-')[0] === language) ?? language;
}

export function visitorZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export function formatInstant(iso: string, language: string, zone: string): string {
  return new Intl.DateTimeFormat(intlLocale(language), {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: zone,
  }).format(new Date(iso));
}

/** "CET", "GMT-5": the zone's short name at that instant (it differs in summer and winter). */
export function zoneAbbreviation(iso: string, language: string, zone: string): string {
  const parts = new Intl.DateTimeFormat(intlLocale(language), {
    timeZone: zone,
    timeZoneName: 'short',
  }).formatToParts(new Date(iso));
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? zone;
}

export function formatDate(iso: string, language: string, zone: string): string {
  return new Intl.DateTimeFormat(intlLocale(language), { dateStyle: 'long', timeZone: zone }).format(
    new Date(iso),
  );
}

/** Money is integer minor units plus ISO 4217 currency; the currency says how many minor digits. */
export function formatMoney(amountMinor: number, currency: string, language: string): string {
  const format = new Intl.NumberFormat(intlLocale(language), {
    style: 'currency',
    currency,
    maximumFractionDigits: 0,
  });
  const digits =
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amountMinor / 10 ** digits);
}

export function countryName(code: string, language: string): string {
  try {
    return new Intl.DisplayNames([intlLocale(language)], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

export interface DurationParts {
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

export function durationParts(ms: number): DurationParts {
  const total = Math.max(0, Math.floor(ms / 1000));
  return {
    days: Math.floor(total / 86_400),
    hours: Math.floor((total % 86_400) / 3600),
    minutes: Math.floor((total % 3600) / 60),
    seconds: total % 60,
  };
}

/** A clock time with seconds ("9:13:45 PM"), for waits measured in seconds or minutes. */
export function formatClockTime(iso: string, language: string, zone: string): string {
  return new Intl.DateTimeFormat(intlLocale(language), { timeStyle: 'medium', timeZone: zone }).format(
    new Date(iso),
  );
}
