import type { TFunction } from 'i18next';
import en from '../../i18n/en.json';
import { formatMoney } from '../../lib/format';
import type { Money, RuleView } from './queries';

type OrganisationType = keyof typeof en.ruleText.type;
const isType = (t: unknown): t is OrganisationType =>
  typeof t === 'string' && Object.hasOwn(en.ruleText.type, t);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const money = (v: unknown): Money | null => {
  const m = v as Partial<Money> | null;
  return m && typeof m.currency === 'string' && typeof m.amountMinor === 'number' ? (m as Money) : null;
};

/**
 * A rule as a sentence in the interface language, from the rule's data (kind and parameters).
 * English is the server's own sentence (packages/rules describes every kind). German and French
 * are rendered here for the kinds whose parameters are plain numbers, amounts and types; a rule
 * that carries free English text (a national application's description, module groups, excluded
 * cost categories) keeps the server's English, and the page marks it lang="en". Returns null then.
 */
export function localRuleText(
  t: TFunction,
  rule: RuleView,
  language: string,
  funderName: (id: string) => string,
): string | null {
  if (language === 'en') return null;
  const p = rule.params ?? {};
  const funder = rule.funderId ? funderName(rule.funderId) : '';
  const amount = (m: Money) => formatMoney(m.amountMinor, m.currency, language);
  const excluded = Array.isArray(p.excludedCategories) && p.excludedCategories.length > 0;
  switch (rule.kind) {
    case 'min-eligible-partners': {
      const count = num(p.min);
      return count === null ? null : t('ruleText.minEligiblePartners', { count });
    }
    case 'min-eligible-countries': {
      const count = num(p.min);
      return count === null ? null : t('ruleText.minEligibleCountries', { count });
    }
    case 'min-eu-ac-partners': {
      const count = num(p.minCountries);
      const partners = num(p.minPartners);
      return count === null || partners === null ? null : t('ruleText.minEuAcPartners', { count, partners });
    }
    case 'max-partners': {
      const count = num(p.max);
      return count === null ? null : t('ruleText.maxPartners', { count });
    }
    case 'max-partners-per-country': {
      const count = num(p.max);
      return count === null ? null : t('ruleText.maxPartnersPerCountry', { count });
    }
    case 'own-funded-partners': {
      const count = num(p.max);
      const min = num(p.onlyWithMinEligible) ?? 0;
      if (count === null) return null;
      if (count === 0) return t('ruleText.ownFundedNone');
      return min > 0 ? t('ruleText.ownFundedWhen', { count, min }) : t('ruleText.ownFunded', { count });
    }
    case 'coordinator-eligible':
      return t('ruleText.coordinatorEligible');
    case 'distinct-legal-entities': {
      const count = num(p.minDistinctEligible);
      return count === null ? t('ruleText.distinctAll') : t('ruleText.distinctMin', { count });
    }
    case 'funder-territory':
      return rule.scope === 'funder' && funder
        ? t('ruleText.territoryFunder', { funder })
        : t('ruleText.territoryCall');
    case 'one-proposal-per-pi':
      return rule.scope === 'funder' && funder
        ? t('ruleText.onePerPiFunder', { funder })
        : t('ruleText.onePerPiCall');
    case 'max-duration-months': {
      const count = num(p.max);
      return count === null || !funder ? null : t('ruleText.maxDuration', { count, funder });
    }
    case 'max-funder-partners': {
      const count = num(p.max);
      return count === null || !funder ? null : t('ruleText.maxFunderPartners', { count, funder });
    }
    case 'max-request-per-partner': {
      const max = money(p.max);
      return !max || !funder || excluded
        ? null
        : t('ruleText.maxRequestPerPartner', { funder, amount: amount(max) });
    }
    case 'min-request-per-partner': {
      const min = money(p.min);
      return !min || !funder || excluded
        ? null
        : t('ruleText.minRequestPerPartner', { funder, amount: amount(min) });
    }
    case 'max-request-total': {
      const tiers = Array.isArray(p.tiers) ? (p.tiers as { max?: unknown; fromPartners?: unknown }[]) : [];
      const [only] = tiers;
      const max = money(only?.max);
      const from = num(only?.fromPartners);
      if (tiers.length !== 1 || !max || from === null || !funder || excluded) return null;
      return from === 1
        ? t('ruleText.maxRequestTotal', { funder, amount: amount(max) })
        : t('ruleText.maxRequestTotalFrom', { funder, amount: amount(max), count: from });
    }
    case 'allowed-organisation-types': {
      const types = Array.isArray(p.types) ? p.types : [];
      if (!funder || types.length === 0 || !types.every(isType)) return null;
      const names = types.map((type) => t(`ruleText.type.${type}`));
      const list = new Intl.ListFormat(language, { type: 'disjunction' }).format(names);
      return t('ruleText.allowedTypes', { funder, types: list });
    }
    default:
      return null;
  }
}
