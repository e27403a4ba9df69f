import { funderLabel, funderRegions } from '@permed/domain';
import { partnersInScope, type FindingDraft, type KindHandler } from '../evaluation-state.ts';
import { countryName, joinAnd, partnerLabel } from '../format.ts';

/**
 * A partner asks money only from a participating funder of its own country and, for a regional
 * funder, of its own region: funding in these calls is national (each funder pays its own teams).
 */
export const funderTerritory: KindHandler<'funder-territory'> = {
  phase: 'partner',
  evaluate(rule, state) {
    const findings: FindingDraft[] = [];
    for (const p of partnersInScope(rule, state)) {
      if (p.funderId === null) continue;
      const f = state.funders.get(p.funderId);
      const o = p.organisation;
      if (!f) {
        findings.push({
          partnerIds: [p.id],
          funderId: p.funderId,
          facts: { funderId: p.funderId, participating: false },
          message: `${partnerLabel(p)} asks "${p.funderId}", which is not a participating funder of this call.`,
        });
        continue;
      }
      const name = funderLabel(f);
      if (f.country !== o.country) {
        findings.push({
          partnerIds: [p.id],
          funderId: f.id,
          facts: { funderId: f.id, funderCountry: f.country, partnerCountry: o.country },
          message: `${partnerLabel(p)} is in ${countryName(o.country)} but asks ${name}, which funds only partners in ${countryName(f.country)}.`,
        });
        continue;
      }
      const regions = funderRegions(f);
      if (regions.length && !(o.region && regions.includes(o.region))) {
        findings.push({
          partnerIds: [p.id],
          funderId: f.id,
          facts: { funderId: f.id, funderRegions: [...regions], partnerRegion: o.region ?? null },
          message: `${partnerLabel(p)} asks ${name}, which funds only partners located in ${joinAnd([...regions], 'or')}; ${o.region ? `the partner is in ${o.region}` : 'the partner gives no region'}.`,
        });
      }
    }
    return findings;
  },
  describe(rule, name) {
    if (rule.scope === 'funder' && rule.funderId) {
      return `${name(rule.funderId)} funds only partners located in its own country (and region, for a regional funder).`;
    }
    return 'Each partner may ask money only from a participating funder of its own country (and, for a regional funder, of its own region).';
  },
};
