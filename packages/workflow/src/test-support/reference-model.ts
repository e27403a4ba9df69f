// The lifecycles as the brief describes them, written a second time on purpose and independently of the
// machines: tests compare the machines against this model (transitions, guards, context effects,
// paths), so a slip in one shows as a difference with the other. Test-only; not exported.
import type { CallContext } from '../call-context.ts';
import type { CallEvent, CallEventType } from '../call-events.ts';
import type { CallState } from '../call-states.ts';
import type { ProposalContext } from '../proposal-context.ts';
import type { ProposalEvent, ProposalEventType } from '../proposal-events.ts';
import type { ProposalState } from '../proposal-states.ts';

export interface ReferenceRow<S extends string, E extends { type: string }, C> {
  readonly from: S;
  readonly event: E['type'];
  readonly to: S;
  /** The guard name the machine is expected to use. */
  readonly guard: string | null;
  /** Condition on the stage layout (context). */
  readonly context: (context: C) => boolean;
  /** Condition on the event's payload facts. */
  readonly payload: (event: E) => boolean;
  /** Expected context after the transition. */
  readonly effect: (context: C, event: E) => C;
}

type Options<E, C> = {
  guard?: string;
  context?: (context: C) => boolean;
  payload?: (event: E) => boolean;
  effect?: (context: C, event: E) => C;
};

function rowMaker<S extends string, E extends { type: string }, C>() {
  return <T extends E['type']>(
    from: S,
    event: T,
    to: S,
    options: Options<Extract<E, { type: T }>, C> = {},
  ): ReferenceRow<S, E, C> => ({
    from,
    event,
    to,
    guard: options.guard ?? null,
    context: options.context ?? (() => true),
    // The model is only ever asked about events of the row's own type.
    payload: (e) => (options.payload ? options.payload(e as Extract<E, { type: T }>) : true),
    effect: (c, e) => (options.effect ? options.effect(c, e as Extract<E, { type: T }>) : c),
  });
}

const said = (text: string | undefined): boolean => text !== undefined && text.trim() !== '';

export type CallRow = ReferenceRow<CallState, CallEvent, CallContext>;
const callRow = rowMaker<CallState, CallEvent, CallContext>();
const twoStage = (c: { twoStage: boolean }) => c.twoStage;
const singleStage = (c: { twoStage: boolean }) => !c.twoStage;

const checkDone = (e: { pendingFunders: number; overrideReason?: string | undefined }) =>
  e.pendingFunders === 0 || said(e.overrideReason);
const recordCheckOverride = (
  c: CallContext,
  e: { pendingFunders: number; overrideReason?: string | undefined },
): CallContext => (e.pendingFunders > 0 ? { ...c, eligibilityOverrideReason: e.overrideReason!.trim() } : c);

export const callReference: readonly CallRow[] = [
  callRow('draft', 'PUBLISH', 'pre-announced', {
    guard: 'canPublish',
    payload: (e) => e.funderCount > 0 && e.stagesValid,
  }),
  callRow('pre-announced', 'OPEN_PRE_PROPOSALS', 'pre-proposals-open', {
    guard: 'isTwoStage',
    context: twoStage,
  }),
  callRow('pre-announced', 'OPEN_FULL_PROPOSALS', 'full-proposals-open', {
    guard: 'isSingleStage',
    context: singleStage,
  }),
  callRow('pre-proposals-open', 'CLOSE_PRE_PROPOSALS', 'eligibility-check'),
  callRow('eligibility-check', 'CLOSE_ELIGIBILITY_CHECK', 'pre-proposal-evaluation', {
    guard: 'preProposalCheckDone',
    context: twoStage,
    payload: checkDone,
    effect: recordCheckOverride,
  }),
  callRow('eligibility-check', 'CLOSE_ELIGIBILITY_CHECK', 'full-proposal-review', {
    guard: 'fullProposalCheckDone',
    context: singleStage,
    payload: checkDone,
    effect: recordCheckOverride,
  }),
  callRow('pre-proposal-evaluation', 'OPEN_FULL_PROPOSALS', 'full-proposals-open'),
  callRow('full-proposals-open', 'CLOSE_FULL_PROPOSALS', 'full-proposal-review', {
    guard: 'isTwoStage',
    context: twoStage,
  }),
  callRow('full-proposals-open', 'CLOSE_FULL_PROPOSALS', 'eligibility-check', {
    guard: 'isSingleStage',
    context: singleStage,
  }),
  callRow('full-proposal-review', 'OPEN_REBUTTAL', 'rebuttal', {
    guard: 'hasRebuttal',
    context: (c) => c.rebuttal,
  }),
  callRow('full-proposal-review', 'OPEN_PANEL', 'panel', {
    guard: 'hasNoRebuttal',
    context: (c) => !c.rebuttal,
  }),
  callRow('rebuttal', 'CLOSE_REBUTTAL', 'panel'),
  callRow('panel', 'FREEZE_RANKING', 'funding-recommendation', {
    guard: 'hasRankingHash',
    payload: (e) => said(e.rankingHash),
    effect: (c, e) => ({ ...c, rankingHash: e.rankingHash.trim() }),
  }),
  callRow('funding-recommendation', 'RECORD_RECOMMENDATION', 'national-decisions'),
  callRow('national-decisions', 'CLOSE', 'closed', {
    guard: 'nationalDecisionsDone',
    payload: (e) => e.pendingDecisions === 0 || said(e.overrideReason),
    effect: (c, e) => (e.pendingDecisions > 0 ? { ...c, closeOverrideReason: e.overrideReason!.trim() } : c),
  }),
];

export type ProposalRow = ReferenceRow<ProposalState, ProposalEvent, ProposalContext>;
const proposalRow = rowMaker<ProposalState, ProposalEvent, ProposalContext>();

/** The brief: withdrawal from any state before a final outcome. */
export const referenceFinalProposalStates: readonly ProposalState[] = [
  'declined',
  'not-invited',
  'funded',
  'not-funded',
  'withdrawn',
];
const referenceProposalStates: readonly ProposalState[] = [
  'draft',
  'submitted',
  'eligibility-check',
  'declined',
  'eligible',
  'not-invited',
  'invited',
  'full-draft',
  'full-submitted',
  'under-review',
  'rebuttal',
  'ranked',
  'recommended',
  'not-recommended',
  'funded',
  'not-funded',
  'withdrawn',
];
export const referenceOpenProposalStates = referenceProposalStates.filter(
  (s) => !referenceFinalProposalStates.includes(s),
);

const submit = {
  guard: 'noBlockingErrors',
  payload: (e: { blockingErrors: number }) => e.blockingErrors === 0,
  effect: (c: ProposalContext): ProposalContext => ({ ...c, submittedVersion: c.submittedVersion + 1 }),
};
const submitFull = {
  guard: 'noBlockingErrors',
  payload: (e: { blockingErrors: number }) => e.blockingErrors === 0,
  effect: (c: ProposalContext): ProposalContext => ({
    ...c,
    fullSubmittedVersion: c.fullSubmittedVersion + 1,
  }),
};
const decline = {
  guard: 'hasDeclineReason',
  payload: (e: { reason: string }) => said(e.reason),
  effect: (c: ProposalContext, e: { reason: string }): ProposalContext => ({
    ...c,
    declineReason: e.reason.trim(),
  }),
};

export const proposalReference: readonly ProposalRow[] = [
  proposalRow('draft', 'SUBMIT', 'submitted', submit),
  proposalRow('submitted', 'SUBMIT', 'submitted', submit),
  proposalRow('submitted', 'START_ELIGIBILITY_CHECK', 'eligibility-check'),
  proposalRow('eligibility-check', 'DECLARE_INELIGIBLE', 'declined', decline),
  proposalRow('eligibility-check', 'DECLARE_ELIGIBLE', 'eligible', {
    guard: 'allVerdictsEligible',
    payload: (e) => e.pendingVerdicts === 0 && e.ineligibleVerdicts === 0,
  }),
  proposalRow('eligible', 'INVITE', 'invited', { guard: 'isTwoStage', context: twoStage }),
  proposalRow('eligible', 'NOT_INVITE', 'not-invited', { guard: 'isTwoStage', context: twoStage }),
  proposalRow('eligible', 'START_REVIEW', 'under-review', { guard: 'isSingleStage', context: singleStage }),
  proposalRow('invited', 'OPEN_FULL_PROPOSAL', 'full-draft'),
  proposalRow('full-draft', 'SUBMIT_FULL', 'full-submitted', submitFull),
  proposalRow('full-submitted', 'SUBMIT_FULL', 'full-submitted', submitFull),
  proposalRow('full-submitted', 'DECLARE_INELIGIBLE', 'declined', decline),
  proposalRow('full-submitted', 'START_REVIEW', 'under-review'),
  proposalRow('under-review', 'OPEN_REBUTTAL', 'rebuttal', {
    guard: 'hasRebuttal',
    context: (c) => c.rebuttal,
  }),
  proposalRow('under-review', 'RANK', 'ranked', { guard: 'hasNoRebuttal', context: (c) => !c.rebuttal }),
  proposalRow('rebuttal', 'RANK', 'ranked'),
  proposalRow('ranked', 'RECOMMEND', 'recommended'),
  proposalRow('ranked', 'NOT_RECOMMEND', 'not-recommended'),
  proposalRow('recommended', 'FUND', 'funded'),
  proposalRow('recommended', 'NOT_FUND', 'not-funded'),
  proposalRow('not-recommended', 'NOT_FUND', 'not-funded'),
  ...referenceOpenProposalStates.map((from) => proposalRow(from, 'WITHDRAW', 'withdrawn')),
];

export const referenceCallEventTypes: readonly CallEventType[] = [
  ...new Set(callReference.map((r) => r.event)),
];
export const referenceProposalEventTypes: readonly ProposalEventType[] = [
  ...new Set(proposalReference.map((r) => r.event)),
];

/** The four stage layouts a call (and so its proposals) can have. */
export const layouts = [
  { twoStage: true, rebuttal: true },
  { twoStage: true, rebuttal: false },
  { twoStage: false, rebuttal: true },
  { twoStage: false, rebuttal: false },
] as const;

/**
 * Every complete path of event types through a reference table for one layout: from `initial` to a
 * state with no way out, each state visited once (self-loops, i.e. re-submissions, are left to their
 * own tests).
 */
export function referencePaths<S extends string, E extends { type: string }, C>(
  rows: readonly ReferenceRow<S, E, C>[],
  initial: S,
  context: C,
): string[][] {
  const paths: string[][] = [];
  const walk = (state: S, visited: ReadonlySet<S>, events: string[]): void => {
    const out = rows.filter((r) => r.from === state && r.to !== state && r.context(context));
    if (out.length === 0) {
      paths.push(events);
      return;
    }
    for (const r of out) {
      if (!visited.has(r.to)) walk(r.to, new Set([...visited, r.to]), [...events, r.event]);
    }
  };
  walk(initial, new Set([initial]), []);
  return paths;
}
