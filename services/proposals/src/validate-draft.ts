import { proposalDocument, type ProposalDocument, type ProposalStage } from '@permed/domain';
import { pointer } from '@permed/http';
import { contextFromCall, evaluateProposal, type OtherProposal, type Verdict } from '@permed/rules';
import type { CallContext } from './call-context.ts';
import { callDataProblems } from './call-data-check.ts';
import type { DraftDocument } from './draft-schema.ts';

export interface Problem {
  /** error blocks submission; warning advises. */
  level: 'error' | 'warning';
  code: string;
  /** JSON pointer into the proposal document ("/partners/1/budget"), or "/documents/proposal". */
  path: string;
  message: string;
  /** For eligibility findings: the rule and who it concerns. */
  ruleId?: string;
  funderId?: string;
  partnerIds?: string[];
}

export interface ValidationReport {
  stage: ProposalStage;
  callVersion: number;
  blockingErrors: number;
  warnings: number;
  problems: Problem[];
  /** The eligibility pre-check, once the document is complete enough to be evaluated. */
  eligibility: Verdict | null;
  /** The complete document, when it is one (what a submission would store). */
  document: ProposalDocument | null;
}

/** Length as people and the call count it: Unicode code points, not UTF-16 units. */
export const codePoints = (s: string): number => {
  let n = 0;
  for (const _ of s) n += 1;
  return n;
};

/**
 * Everything that stands between a draft and a valid submission, plus the eligibility pre-check
 * from @permed/rules. Pure: the caller loads the draft, the call version and the documents.
 */
export function validateDraft(
  draft: DraftDocument,
  call: CallContext,
  args: {
    stage: ProposalStage;
    documents: readonly { kind: string }[];
    proposalId?: string;
    otherProposals?: readonly OtherProposal[];
  },
): ValidationReport {
  const problems: Problem[] = [];
  const error = (code: string, path: string, message: string) =>
    problems.push({ level: 'error', code, path, message });
  const limit = call.definition.abstractMaxCharacters;

  if (draft.title.trim() === '') error('TITLE_MISSING', '/title', 'The title is empty');
  if (draft.abstract.trim() === '') error('ABSTRACT_EMPTY', '/abstract', 'The abstract is empty');
  else {
    const n = codePoints(draft.abstract);
    if (n > limit) {
      error(
        'ABSTRACT_TOO_LONG',
        '/abstract',
        `The abstract has ${n} characters; the call allows ${limit} (counted in Unicode code points)`,
      );
    }
  }
  if (draft.keywords.length === 0) error('KEYWORDS_MISSING', '/keywords', 'Give at least one keyword');
  if (draft.modules.length === 0)
    error('MODULES_MISSING', '/modules', 'Choose at least one research area / module of the call');
  if (draft.durationMonths === null)
    error('DURATION_MISSING', '/durationMonths', 'Give the duration in months (12 to 48)');
  if (draft.partners.length === 0)
    error('PARTNERS_MISSING', '/partners', 'The consortium has no partner yet');
  else {
    const coordinators = draft.partners.flatMap((p, i) => (p.coordinator ? [i] : []));
    if (coordinators.length === 0)
      error('COORDINATOR_MISSING', '/partners', 'Mark exactly one partner as the coordinator');
    for (const i of coordinators.slice(1)) {
      error('COORDINATOR_DUPLICATE', `/partners/${i}/coordinator`, 'Only one partner may be the coordinator');
    }
  }
  if (!args.documents.some((d) => d.kind === 'proposal')) {
    error('DOCUMENT_MISSING', '/documents/proposal', `Upload the ${args.stage} PDF`);
  }
  for (const p of callDataProblems(call, { partners: draft.partners, modules: draft.modules })) {
    error(p.code ?? 'CALL_MISMATCH', p.path, p.message);
  }

  const parsed = proposalDocument.safeParse(draft);
  let document: ProposalDocument | null = null;
  let eligibility: Verdict | null = null;
  if (parsed.success) {
    document = parsed.data;
    eligibility = evaluateProposal(
      contextFromCall(call.eligibility, args.stage, {
        ...(args.proposalId ? { proposalId: args.proposalId } : {}),
        ...(args.otherProposals ? { otherProposals: args.otherProposals } : {}),
      }),
      document,
    );
    const indexOf = new Map(document.partners.map((p, i) => [p.id, i]));
    for (const f of eligibility.findings) {
      const first = f.partnerIds.length === 1 ? indexOf.get(f.partnerIds[0]!) : undefined;
      problems.push({
        level: f.level,
        code: 'ELIGIBILITY',
        path: first === undefined ? '/partners' : `/partners/${first}`,
        message: f.message,
        ruleId: f.ruleId,
        ...(f.funderId ? { funderId: f.funderId } : {}),
        partnerIds: f.partnerIds,
      });
    }
  } else {
    // Anything the checks above did not name (e.g. two partners with one id) still blocks.
    const named = new Set(problems.map((p) => p.path));
    for (const issue of parsed.error.issues) {
      const path = pointer(issue.path);
      if (named.has(path)) continue;
      error('INCOMPLETE', path, issue.message);
      named.add(path);
    }
  }
  return {
    stage: args.stage,
    callVersion: call.version,
    blockingErrors: problems.filter((p) => p.level === 'error').length,
    warnings: problems.filter((p) => p.level === 'warning').length,
    problems,
    eligibility,
    document,
  };
}

/** Does the call have a rule that needs the call's other proposals (one proposal per PI)? */
export function needsOtherProposals(call: CallContext, blockingOnly: boolean): boolean {
  return call.definition.rules.some(
    (r) => r.kind === 'one-proposal-per-pi' && (!blockingOnly || r.level === 'error'),
  );
}
