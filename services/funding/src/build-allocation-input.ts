import type { AllocationInput, BudgetChange, TieRule } from '@permed/allocation';
import { budgetTotalMinor, type CallDefinition, type ProposalDocument } from '@permed/domain';
import { AppError, type FieldProblem } from '@permed/http';
import type { RankingEntry } from '@permed/db/schema';

export interface RankedDocument {
  entry: RankingEntry;
  document: ProposalDocument;
}

/** The currency a funder takes budgets in for this call (the call may override the registry's). */
export function funderCurrency(definition: CallDefinition, funderId: string): string | undefined {
  const f = definition.funders.find((x) => x.funderId === funderId);
  return f ? (f.currency ?? f.commitment.currency) : undefined;
}

/**
 * Budget changes of a what-if or of the recommendation, checked against the call: each names a funder of
 * the call once, in that funder's currency. Problems carry the body path (400, never a 5xx later on).
 */
export function checkBudgetChanges(
  definition: CallDefinition,
  changes: readonly BudgetChange[],
  pathPrefix = '/budgets',
): void {
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  changes.forEach((c, i) => {
    const currency = funderCurrency(definition, c.funderId);
    if (currency === undefined) {
      problems.push({
        in: 'body',
        path: `${pathPrefix}/${i}/funderId`,
        message: `funder ${c.funderId} does not take part in this call`,
        code: 'UNKNOWN_FUNDER',
      });
    } else if (c.commitment.currency !== currency) {
      problems.push({
        in: 'body',
        path: `${pathPrefix}/${i}/commitment/currency`,
        message: `${c.funderId} commits in ${currency} in this call, not ${c.commitment.currency}`,
        code: 'WRONG_CURRENCY',
      });
    }
    if (seen.has(c.funderId)) {
      problems.push({
        in: 'body',
        path: `${pathPrefix}/${i}/funderId`,
        message: `funder ${c.funderId} is changed twice`,
        code: 'DUPLICATE',
      });
    }
    seen.add(c.funderId);
  });
  if (problems.length > 0) {
    throw new AppError('VALIDATION_FAILED', 'The budget changes are not valid', { errors: problems });
  }
}

/**
 * The allocation package's input for a call: its funders' commitments (optionally changed), its fixed
 * exchange rates, its funding settings and the frozen ranking list with each proposal's partners and
 * requests from the version that counts. Pure, so the API's answer can be checked against `allocate()`.
 */
export function buildAllocationInput(args: {
  definition: CallDefinition;
  acronyms: ReadonlyMap<string, string | null>;
  ranked: readonly RankedDocument[];
  ties: TieRule;
  budgets?: readonly BudgetChange[];
}): AllocationInput {
  const { definition } = args;
  const changed = new Map((args.budgets ?? []).map((b) => [b.funderId, b.commitment]));
  return {
    reportingCurrency: definition.reportingCurrency,
    mode: definition.funding.mode,
    ties: args.ties,
    fundableCategories: [...definition.funding.fundableCategories],
    // The call quotes "1 EUR = rate units", the same convention as the allocation package.
    exchangeRates: definition.exchangeRates
      .filter((r) => r.currency !== definition.reportingCurrency)
      .map((r) => ({ currency: r.currency, perReportingUnit: r.rate })),
    funders: definition.funders.map((f) => ({
      funderId: f.funderId,
      acronym: args.acronyms.get(f.funderId) ?? f.funderId.toUpperCase(),
      commitment: { ...(changed.get(f.funderId) ?? f.commitment) },
    })),
    ranking: args.ranked.map(({ entry, document }) => ({
      proposalId: entry.proposalId,
      acronym: entry.acronym,
      rank: entry.position,
      score: entry.total,
      category: entry.category,
      partners: document.partners.map((p) => ({
        partnerId: p.id,
        funderId: p.funderId,
        requested: { amountMinor: budgetTotalMinor(p.budget), currency: p.budget.currency },
      })),
    })),
  };
}
