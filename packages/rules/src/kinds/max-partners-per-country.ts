import { type Partner } from '@permed/domain';
import { labels, type FindingDraft, type KindHandler } from '../evaluation-state.ts';
import { countryName, plural } from '../format.ts';

/** No country has more than `max` partners, own-funded partners included. */
export const maxPartnersPerCountry: KindHandler<'max-partners-per-country'> = {
  phase: 'consortium',
  evaluate(rule, state) {
    const { max } = rule.params;
    const byCountry = new Map<string, Partner[]>();
    for (const p of state.partners) {
      const list = byCountry.get(p.organisation.country) ?? [];
      list.push(p);
      byCountry.set(p.organisation.country, list);
    }
    const findings: FindingDraft[] = [];
    for (const [country, partners] of [...byCountry].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (partners.length <= max) continue;
      findings.push({
        partnerIds: partners.map((p) => p.id),
        facts: { max, country, partnerCount: partners.length },
        message: `${plural(partners.length, 'partner')} come from ${countryName(country)} (${labels(partners)}); at most ${max} per country are allowed, own-funded partners included.`,
      });
    }
    return findings;
  },
  describe(rule) {
    return `At most ${plural(rule.params.max, 'partner')} may come from the same country, own-funded partners included.`;
  },
};
