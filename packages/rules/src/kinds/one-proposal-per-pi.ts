import { type Partner } from '@permed/domain';
import { type OtherProposal } from '../context.ts';
import { funderName, partnersInScope, type FindingDraft, type KindHandler } from '../evaluation-state.ts';
import { joinAnd, partnerLabel } from '../format.ts';

type PiIndex = ReadonlyMap<string, readonly OtherProposal[]>;

function piKeys(pi: { email: string; orcid?: string | undefined }): string[] {
  const keys = [`email:${pi.email.trim().toLowerCase()}`];
  if (pi.orcid) keys.push(`orcid:${pi.orcid}`);
  return keys;
}

// The other proposals of a call can run into thousands; their PI index is built once per list
// (lists are treated as immutable inputs) instead of once per evaluated proposal.
const indexes = new WeakMap<readonly OtherProposal[], PiIndex>();

function piIndex(others: readonly OtherProposal[]): PiIndex {
  let index = indexes.get(others);
  if (!index) {
    const m = new Map<string, OtherProposal[]>();
    for (const o of others) {
      for (const p of o.partners) {
        for (const k of piKeys(p.pi)) {
          const list = m.get(k) ?? [];
          if (!list.includes(o)) list.push(o);
          m.set(k, list);
        }
      }
    }
    index = m;
    indexes.set(others, index);
  }
  return index;
}

/** A principal investigator appears in only one proposal of the call (e.g. ISCIII-style rules). */
export const oneProposalPerPi: KindHandler<'one-proposal-per-pi'> = {
  phase: 'partner',
  evaluate(rule, state) {
    const others = state.context.otherProposals;
    if (!others?.length) return [];
    const index = piIndex(others);
    const who = rule.scope === 'funder' ? funderName(state, rule.funderId!) : 'The call';
    const findings: FindingDraft[] = [];
    for (const p of partnersInScope(rule, state) as Partner[]) {
      const found = new Map<string, OtherProposal>();
      for (const k of piKeys(p.pi)) {
        for (const o of index.get(k) ?? [])
          if (o.proposalId !== state.context.proposalId) found.set(o.proposalId, o);
      }
      if (!found.size) continue;
      const list = [...found.values()].sort((a, b) => (a.proposalId < b.proposalId ? -1 : 1));
      const rest = `${who} allows a principal investigator in only one proposal.`;
      const lead = `The principal investigator of ${partnerLabel(p)}, ${p.pi.name}, also appears in`;
      findings.push(
        state.context.nameOtherProposals
          ? {
              partnerIds: [p.id],
              facts: { otherProposalIds: list.map((o) => o.proposalId) },
              message: `${lead} ${joinAnd(list.map((o) => `${o.acronym} (${o.proposalId})`))}; ${rest}`,
            }
          : {
              partnerIds: [p.id],
              facts: { otherProposals: list.length },
              message: `${lead} ${list.length === 1 ? 'another proposal' : `${list.length} other proposals`} of this call; ${rest}`,
            },
      );
    }
    return findings;
  },
  describe(rule, name) {
    return rule.scope === 'funder'
      ? `A principal investigator funded by ${name(rule.funderId!)} may appear in only one proposal of the call.`
      : 'A principal investigator may appear in only one proposal of the call.';
  },
};
