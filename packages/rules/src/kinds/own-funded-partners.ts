import { eligiblePartners, labels, type FindingDraft, type KindHandler } from '../evaluation-state.ts';
import { plural } from '../format.ts';

/** At most `max` own-funded partners, and only next to enough partners eligible for funding. */
export const ownFundedPartners: KindHandler<'own-funded-partners'> = {
  phase: 'consortium',
  evaluate(rule, state) {
    const { max, onlyWithMinEligible } = rule.params;
    const ownFunded = state.partners.filter((p) => p.funderId === null);
    if (ownFunded.length === 0) return [];
    const eligibleCount = eligiblePartners(state).length;
    const partnerIds = ownFunded.map((p) => p.id);
    const facts = { max, onlyWithMinEligible, ownFundedCount: ownFunded.length, eligibleCount };
    const findings: FindingDraft[] = [];
    if (ownFunded.length > max) {
      findings.push({
        partnerIds,
        facts,
        message:
          max === 0
            ? `Own-funded partners are not allowed; ${labels(ownFunded)} ${ownFunded.length === 1 ? 'is' : 'are'} own-funded.`
            : `At most ${plural(max, 'own-funded partner')} ${max === 1 ? 'is' : 'are'} allowed; the consortium has ${ownFunded.length} (${labels(ownFunded)}).`,
      });
    }
    if (eligibleCount < onlyWithMinEligible) {
      findings.push({
        partnerIds,
        facts,
        message: `Own-funded partners are allowed only when at least ${plural(onlyWithMinEligible, 'partner')} ${onlyWithMinEligible === 1 ? 'is' : 'are'} eligible for funding; ${eligibleCount} ${eligibleCount === 1 ? 'is' : 'are'}, next to own-funded ${labels(ownFunded)}.`,
      });
    }
    return findings;
  },
  describe(rule) {
    const { max, onlyWithMinEligible } = rule.params;
    if (max === 0) return 'Own-funded partners are not allowed.';
    const when =
      onlyWithMinEligible > 0
        ? `, and only when at least ${plural(onlyWithMinEligible, 'partner')} ${onlyWithMinEligible === 1 ? 'is' : 'are'} eligible for funding`
        : '';
    return `At most ${plural(max, 'partner')} may be own-funded (bring their own money)${when}.`;
  },
};
