export const nationalDecisionKinds = ['funded', 'funded-reduced', 'not-funded'] as const;
export type NationalDecisionKind = (typeof nationalDecisionKinds)[number];

export type DerivedOutcome =
  | { outcome: 'pending'; pendingPartners: string[] }
  | { outcome: 'funded' | 'not-funded'; pendingPartners: [] };

/**
 * A recommended proposal's outcome follows from its partners' national decisions: it is funded when
 * every partner that asks a funder for money is funded (in full or reduced), not funded as soon as one
 * such partner is not funded, and pending until every one of them has a decision. Own-funded partners
 * need no decision. The outcome is only final once nothing is pending, so that a funder can still
 * revise a decision while others are deciding.
 */
export function deriveOutcome(
  partners: readonly { partnerId: string; funderId: string | null }[],
  current: ReadonlyMap<string, NationalDecisionKind>,
): DerivedOutcome {
  const asking = partners.filter((p) => p.funderId !== null);
  const pendingPartners = asking.filter((p) => !current.has(p.partnerId)).map((p) => p.partnerId);
  if (pendingPartners.length > 0) return { outcome: 'pending', pendingPartners };
  const declined = asking.some((p) => current.get(p.partnerId) === 'not-funded');
  return { outcome: declined ? 'not-funded' : 'funded', pendingPartners: [] };
}
