import type { FunderView } from '../calls/queries';
import { amountText, minorDigits, parseAmount } from './money';
import type { Flat } from './rebase';
import {
  organisationTypes,
  type HeaderPatch,
  type HeaderView,
  type PartnerBody,
  type PartnerView,
} from './queries';

export const costCategories = [
  'personnel',
  'consumables',
  'equipment',
  'travel',
  'subcontracting',
  'overhead',
] as const;
export type CostCategory = (typeof costCategories)[number];

/** The funders a partner may ask: those of its country, national or of its region. */
export function fundersFor(funders: readonly FunderView[], country: string, region: string): FunderView[] {
  return funders.filter((f) => f.country === country && (f.region === null || f.region === region));
}

export function currencyOf(funders: readonly FunderView[], funderId: string, fallback: string): string {
  return funders.find((f) => f.id === funderId)?.commitment.currency ?? fallback;
}

export function partnerFlat(p: PartnerView | PartnerBody | null): Flat {
  const currency = p?.budget.currency ?? 'EUR';
  const digits = minorDigits(currency);
  const flat: Flat = {
    id: p?.id ?? '',
    'organisation.name': p?.organisation.name ?? '',
    'organisation.country': p?.organisation.country ?? '',
    'organisation.region': p?.organisation.region ?? '',
    'organisation.type': p?.organisation.type ?? '',
    'organisation.rorId': p?.organisation.rorId ?? '',
    'pi.name': p?.pi.name ?? '',
    'pi.email': p?.pi.email ?? '',
    'pi.orcid': p?.pi.orcid ?? '',
    funderId: p?.funderId ?? '',
    coordinator: p?.coordinator ? 'true' : 'false',
  };
  for (const c of costCategories) flat[`budget.${c}`] = p ? amountText(p.budget[c], digits) : '';
  return flat;
}

/** Field key → i18n key of the problem, for what the page can tell before asking the server. */
export type FieldErrors = Record<string, string>;

const email = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const orcid = /^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$/;
const ror = /^(https:\/\/ror\.org\/)?0[0-9a-hjkmnp-tv-z]{6}\d{2}$/;

/** A partner id from the organisation's name: "Charité Berlin" → "charite-berlin". */
export function partnerIdFrom(name: string, taken: readonly string[]): string {
  const stem =
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 28)
      .replace(/-+$/, '') || 'partner';
  let id = stem;
  for (let n = 2; taken.includes(id); n += 1) id = `${stem}-${n}`;
  return id;
}

/**
 * The partner section the flat fields describe, or the problems that stop it being one. The server
 * checks the same and more (ORCID check digit, funder in the call); its answer is shown by field too.
 */
export function partnerBody(
  flat: Flat,
  funders: readonly FunderView[],
  reportingCurrency: string,
  original: PartnerView | null,
): { body: PartnerBody; errors: null } | { body: null; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const v = (k: string) => (flat[k] ?? '').trim();
  if (!v('organisation.name')) errors['organisation.name'] = 'workspace.error.required';
  if (!/^[A-Z]{2}$/.test(v('organisation.country')))
    errors['organisation.country'] = 'workspace.error.required';
  if (!organisationTypes.includes(v('organisation.type') as PartnerBody['organisation']['type']))
    errors['organisation.type'] = 'workspace.error.required';
  if (v('organisation.rorId') && !ror.test(v('organisation.rorId')))
    errors['organisation.rorId'] = 'workspace.error.ror';
  if (!v('pi.name')) errors['pi.name'] = 'workspace.error.required';
  if (!email.test(v('pi.email'))) errors['pi.email'] = 'workspace.error.email';
  if (v('pi.orcid') && !orcid.test(v('pi.orcid'))) errors['pi.orcid'] = 'workspace.error.orcid';
  const funderId = v('funderId') || null;
  const currency = funderId ? currencyOf(funders, funderId, reportingCurrency) : reportingCurrency;
  const digits = minorDigits(currency);
  const budget: PartnerBody['budget'] = {
    currency,
    personnel: 0,
    consumables: 0,
    equipment: 0,
    travel: 0,
    subcontracting: 0,
    overhead: 0,
  };
  for (const c of costCategories) {
    const amount = parseAmount(v(`budget.${c}`), digits);
    if (amount === null) errors[`budget.${c}`] = 'workspace.error.amount';
    else budget[c] = amount;
  }
  if (Object.keys(errors).length > 0) return { body: null, errors };
  const region = v('organisation.region');
  const rorId = v('organisation.rorId');
  const orcidId = v('pi.orcid');
  return {
    errors: null,
    body: {
      id: v('id'),
      organisation: {
        name: v('organisation.name'),
        ...(original?.organisation.legalEntityId
          ? { legalEntityId: original.organisation.legalEntityId }
          : {}),
        country: v('organisation.country'),
        ...(region ? { region } : {}),
        type: v('organisation.type') as PartnerBody['organisation']['type'],
        ...(rorId ? { rorId } : {}),
      },
      pi: { name: v('pi.name'), email: v('pi.email'), ...(orcidId ? { orcid: orcidId } : {}) },
      funderId,
      coordinator: v('coordinator') === 'true',
      budget,
    },
  };
}

export function partnerTotal(p: Pick<PartnerBody, 'budget'>): number {
  return costCategories.reduce((sum, c) => sum + p.budget[c], 0);
}

/** A server field path ("/organisation/name", "/partners/0/pi/email") as the editor's key. */
export function fieldKey(pointer: string): string {
  return pointer
    .replace(/^\/(partners\/\d+\/)?/, '')
    .split('/')
    .join('.');
}

export function headerFlat(h: HeaderView): Flat {
  return {
    acronym: h.acronym,
    title: h.title,
    abstract: h.abstract,
    keywords: h.keywords.join(', '),
    modules: [...h.modules].sort().join(','),
    durationMonths: h.durationMonths === null ? '' : String(h.durationMonths),
  };
}

export const splitKeywords = (text: string) =>
  text
    .split(/[,;\n]/)
    .map((k) => k.trim())
    .filter((k) => k !== '');

/** The PATCH body of the header fields this person changed. */
export function headerPatch(draft: Flat, keys: readonly string[]): HeaderPatch {
  const patch: HeaderPatch = {};
  for (const key of keys) {
    const value = draft[key] ?? '';
    if (key === 'acronym') patch.acronym = value.trim();
    else if (key === 'title') patch.title = value;
    else if (key === 'abstract') patch.abstract = value;
    else if (key === 'keywords') patch.keywords = splitKeywords(value);
    else if (key === 'modules')
      patch.modules = value.split(',').filter((m) => m !== '') as NonNullable<HeaderPatch['modules']>;
    else if (key === 'durationMonths') patch.durationMonths = value.trim() === '' ? null : Number(value);
  }
  return patch;
}
