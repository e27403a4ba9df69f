import { proposalDocument, validateProposalAgainstRegistry, type ProposalStage } from '@permed/domain';
import { type z } from 'zod';
import { eligibilityCall } from './eligibility-call.ts';
import { contextFromCall } from './eligibility-call.ts';
import { type Verdict } from './context.ts';
import { evaluateProposal } from './evaluate-proposal.ts';

export interface EligibilityCheckArgs {
  /** A call definition (e.g. `demoCall`) or the parsed content of a call JSON file. */
  readonly callDefinition: unknown;
  /** The parsed content of a proposal JSON file. */
  readonly proposal: unknown;
  readonly format: 'json' | 'text';
  /** Defaults to the pre-proposal stage. */
  readonly stage?: ProposalStage;
}

export interface EligibilityCheckResult {
  /** 0 eligible, 1 not eligible, 2 bad input. */
  readonly exitCode: 0 | 1 | 2;
  readonly output: string;
}

interface InputIssue {
  readonly input: 'callDefinition' | 'proposal';
  readonly path: string;
  readonly message: string;
}

/** `partners[2].budget.currency` — a JSON path as people read it. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out || '(root)';
}

function zodIssues(input: InputIssue['input'], error: z.ZodError): InputIssue[] {
  return error.issues.map((i) => ({ input, path: formatPath(i.path), message: i.message }));
}

function badInput(
  issues: readonly InputIssue[],
  format: EligibilityCheckArgs['format'],
): EligibilityCheckResult {
  const output =
    format === 'json'
      ? JSON.stringify({ error: 'BAD_INPUT', issues }, null, 2)
      : ['Bad input:', ...issues.map((i) => `  ${i.input}.${i.path}: ${i.message}`)].join('\n');
  return { exitCode: 2, output };
}

function textReport(callName: string, acronym: string, v: Verdict): string {
  const errors = v.findings.filter((f) => f.level === 'error').length;
  const warnings = v.findings.length - errors;
  const lines = [
    `${callName}, version ${v.callVersion}, ${v.stage} stage: proposal ${acronym}`,
    `Result: ${v.eligible ? 'ELIGIBLE' : 'NOT ELIGIBLE'} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'})`,
  ];
  for (const f of v.findings) {
    lines.push(
      '',
      `${f.level.toUpperCase()}  ${f.ruleId}${f.funderId ? ` [${f.funderId}]` : ''}`,
      `  ${f.message}`,
    );
    if (f.source) lines.push(`  Source: ${f.source.url}`);
    else if (f.assumption) lines.push(`  Assumption: ${f.note ?? 'not documented for this call'}`);
    else if (f.officialVerdict) lines.push(`  Official verdict of ${f.officialVerdict.funderId}`);
  }
  return lines.join('\n');
}

/**
 * The core of `pnpm cli eligibility`: validates both inputs (every problem reported with its path,
 * never a stack trace), then checks the proposal against the call.
 */
export function runEligibilityCheck(args: EligibilityCheckArgs): EligibilityCheckResult {
  const call = eligibilityCall.safeParse(args.callDefinition);
  const proposal = proposalDocument.safeParse(args.proposal);
  const issues = [
    ...(call.success ? [] : zodIssues('callDefinition', call.error)),
    ...(proposal.success ? [] : zodIssues('proposal', proposal.error)),
  ];
  if (!call.success || !proposal.success) return badInput(issues, args.format);

  // A funder outside the call or a budget in the wrong currency makes the amounts meaningless:
  // that is an input problem, not an eligibility finding.
  const registryIssues = validateProposalAgainstRegistry(proposal.data, call.data.funders).map((i) => ({
    input: 'proposal' as const,
    path: formatPath(i.path),
    message: i.message,
  }));
  if (registryIssues.length) return badInput(registryIssues, args.format);

  const verdict = evaluateProposal(contextFromCall(call.data, args.stage ?? 'pre-proposal'), proposal.data);
  return {
    exitCode: verdict.eligible ? 0 : 1,
    output:
      args.format === 'json'
        ? JSON.stringify(verdict, null, 2)
        : textReport(call.data.name, proposal.data.acronym, verdict),
  };
}
