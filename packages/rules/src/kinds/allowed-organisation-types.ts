import { funderName, partnersInScope, type KindHandler } from '../evaluation-state.ts';
import { joinAnd, organisationTypeName, partnerLabel } from '../format.ts';

/** The funder pays only some kinds of organisation (e.g. SMWK: universities and research institutes). */
export const allowedOrganisationTypes: KindHandler<'allowed-organisation-types'> = {
  phase: 'partner',
  evaluate(rule, state) {
    const { types } = rule.params;
    const name = funderName(state, rule.funderId!);
    const allowed = joinAnd(types.map(organisationTypeName), 'or');
    return partnersInScope(rule, state)
      .filter((p) => !types.includes(p.organisation.type))
      .map((p) => ({
        partnerIds: [p.id],
        facts: { allowedTypes: [...types], partnerType: p.organisation.type },
        message: `${partnerLabel(p)} is one of the ${organisationTypeName(p.organisation.type)}; ${name} funds only ${allowed}.`,
      }));
  },
  describe(rule, name) {
    return `${name(rule.funderId!)} funds only ${joinAnd(rule.params.types.map(organisationTypeName), 'or')}.`;
  },
};
