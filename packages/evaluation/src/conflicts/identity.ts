import { z } from 'zod';

// ROR ids are "0" + 6 Crockford base32 characters + 2 checksum digits; people paste them bare or as
// URLs, so every accepted form is reduced to the bare lower-case id before comparing.
const rorPattern = /^(?:https?:\/\/)?(?:www\.)?(?:ror\.org\/)?(0[a-hj-km-np-tv-z0-9]{6}[0-9]{2})\/?$/i;
const orcidPattern = /^(?:https?:\/\/)?(?:orcid\.org\/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])\/?$/i;

export const rorId = z
  .string()
  .regex(rorPattern, 'must be a ROR id such as "https://ror.org/001w7jn25" or "001w7jn25"')
  .describe('Research Organization Registry id, bare or as a URL');

export const orcid = z
  .string()
  .regex(orcidPattern, 'must be an ORCID iD such as "0000-0002-1825-0097"')
  .describe('ORCID iD, bare or as a URL');

export const organisationRef = z
  .object({ name: z.string().trim().min(1), rorId: rorId.optional() })
  .describe('An organisation as applicants and reviewers type it, with its ROR id when known');
export type OrganisationRef = z.infer<typeof organisationRef>;

export const personRef = z
  .object({ name: z.string().trim().min(1), email: z.email().optional(), orcid: orcid.optional() })
  .describe('A person, identified by ORCID, e-mail or (weakest) name');
export type PersonRef = z.infer<typeof personRef>;

export function normaliseRorId(id: string): string | undefined {
  return rorPattern.exec(id.trim())?.[1]?.toLowerCase();
}

export function normaliseOrcid(id: string): string | undefined {
  return orcidPattern.exec(id.trim())?.[1]?.toUpperCase();
}

/**
 * Reduces a free-typed name to a comparison key: accents, case, punctuation, "&"/"and" and a leading
 * "the" are the differences seen between how the same institute is typed by two people. Word order
 * and abbreviations are left alone on purpose: guessing there would merge distinct organisations.
 */
export function normaliseName(name: string): string {
  const words = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter((w) => w.length > 0);
  if (words[0] === 'the' && words.length > 1) words.shift();
  return words.join(' ');
}

export type OrganisationMatch = { matchedBy: 'ror' | 'name' };

/** The ROR id decides when both sides have one (two hospitals may share a name); otherwise the normalised name. */
export function sameOrganisation(a: OrganisationRef, b: OrganisationRef): OrganisationMatch | undefined {
  const rorA = a.rorId === undefined ? undefined : normaliseRorId(a.rorId);
  const rorB = b.rorId === undefined ? undefined : normaliseRorId(b.rorId);
  if (rorA !== undefined && rorB !== undefined) return rorA === rorB ? { matchedBy: 'ror' } : undefined;
  const nameA = normaliseName(a.name);
  return nameA !== '' && nameA === normaliseName(b.name) ? { matchedBy: 'name' } : undefined;
}

export type PersonMatch = { matchedBy: 'orcid' | 'email' | 'name' };

/**
 * Two ORCIDs decide; otherwise the same e-mail or, failing that, the same normalised name counts as
 * the same person. Erring towards a match is deliberate: a false conflict costs one reviewer slot,
 * a missed one costs the call's credibility.
 */
export function samePerson(a: PersonRef, b: PersonRef): PersonMatch | undefined {
  const orcidA = a.orcid === undefined ? undefined : normaliseOrcid(a.orcid);
  const orcidB = b.orcid === undefined ? undefined : normaliseOrcid(b.orcid);
  if (orcidA !== undefined && orcidB !== undefined)
    return orcidA === orcidB ? { matchedBy: 'orcid' } : undefined;
  if (
    a.email !== undefined &&
    b.email !== undefined &&
    a.email.trim().toLowerCase() === b.email.trim().toLowerCase()
  ) {
    return { matchedBy: 'email' };
  }
  const nameA = normaliseName(a.name);
  return nameA !== '' && nameA === normaliseName(b.name) ? { matchedBy: 'name' } : undefined;
}
