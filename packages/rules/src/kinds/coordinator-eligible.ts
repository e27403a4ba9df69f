import { notEligibleFacts, notEligibleSentence, type KindHandler } from '../evaluation-state.ts';
import { partnerLabel } from '../format.ts';

/** The coordinator is a partner eligible for funding. */
export const coordinatorEligible: KindHandler<'coordinator-eligible'> = {
  phase: 'consortium',
  evaluate(_rule, state) {
    const coordinator = state.partners.find((p) => p.coordinator);
    if (!coordinator) {
      return [
        {
          partnerIds: [],
          facts: { coordinatorId: null },
          message: 'The proposal has no coordinator; the coordinator must be eligible for funding.',
        },
      ];
    }
    if (state.status.get(coordinator.id)?.eligible) return [];
    const reasons = notEligibleFacts(state).find((n) => n.partnerId === coordinator.id)?.reasons ?? [];
    return [
      {
        partnerIds: [coordinator.id],
        facts: { coordinatorId: coordinator.id, reasons },
        message: `The coordinator ${partnerLabel(coordinator)} must be eligible for funding and is not.${notEligibleSentence(state)}`,
      },
    ];
  },
  describe() {
    return 'The coordinator must be eligible for funding from a participating funder.';
  },
};
