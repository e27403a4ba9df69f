import { validateProposalAgainstRegistry, type Partner, type ProposalDocument } from '@permed/domain';
import { AppError, pointer, type FieldProblem } from '@permed/http';
import type { CallContext } from './call-context.ts';

/**
 * Checks what only the call can tell: each partner's funder takes part in this call and the budget
 * is in that funder's currency for the call, and each module is one the call offers. `at` is where
 * the partners (or modules) sit in the request body, for the error paths.
 */
export function callDataProblems(
  call: CallContext,
  input: { partners?: readonly Partner[]; modules?: readonly string[] },
  at: { partners?: (index: number) => (string | number)[]; modules?: (string | number)[] } = {},
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (input.partners?.length) {
    // Only `partners` is read by the registry check.
    const issues = validateProposalAgainstRegistry(
      { partners: [...input.partners] } as unknown as ProposalDocument,
      call.funders,
    );
    for (const issue of issues) {
      const [, index, ...rest] = issue.path as [string, number, ...(string | number)[]];
      const base = at.partners ? at.partners(index) : ['partners', index];
      const message =
        issue.code === 'UNKNOWN_FUNDER'
          ? `${issue.message.replace('is not known', 'does not take part in this call')}`
          : issue.message;
      problems.push({ in: 'body', path: pointer([...base, ...rest]), message, code: issue.code });
    }
  }
  if (input.modules?.length) {
    const offered = new Set<string>(call.definition.modules);
    input.modules.forEach((m, i) => {
      if (!offered.has(m)) {
        problems.push({
          in: 'body',
          path: pointer([...(at.modules ?? ['modules']), i]),
          message: `module ${m} is not offered by this call`,
          code: 'MODULE_NOT_IN_CALL',
        });
      }
    });
  }
  return problems;
}

export function throwIfProblems(problems: FieldProblem[]): void {
  if (problems.length > 0) {
    throw new AppError('VALIDATION_FAILED', 'The request does not fit the call', { errors: problems });
  }
}
