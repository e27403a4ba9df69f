import { inArray } from 'drizzle-orm';
import { schema, type DbOrTx } from '@permed/db';
import { callDefinitionInput, canonicalCallDefinition, type CallDefinition } from '@permed/domain';
import { AppError, validationError, type FieldProblem } from '@permed/http';

/**
 * Parses a call definition and checks what the schema cannot: every funder exists in the registry
 * and each commitment is in that funder's currency. Every problem carries its field path.
 */
export async function validateCallDefinition(db: DbOrTx, input: unknown): Promise<CallDefinition> {
  const parsed = callDefinitionInput.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues, 'body', 'The call definition is not valid');
  const definition = canonicalCallDefinition(parsed.data);
  const ids = definition.funders.map((f) => f.funderId);
  const known = ids.length
    ? await db
        .select({ id: schema.funders.id, currency: schema.funders.currency })
        .from(schema.funders)
        .where(inArray(schema.funders.id, ids))
    : [];
  const byId = new Map(known.map((f) => [f.id, f]));
  const problems: FieldProblem[] = [];
  definition.funders.forEach((f, i) => {
    const registered = byId.get(f.funderId);
    if (!registered) {
      problems.push({
        in: 'body',
        path: `/funders/${i}/funderId`,
        message: `unknown funder ${f.funderId}`,
        code: 'UNKNOWN_FUNDER',
      });
    } else if ((f.currency ?? registered.currency) !== f.commitment.currency) {
      problems.push({
        in: 'body',
        path: `/funders/${i}/commitment/currency`,
        message: `${f.funderId} budgets in ${f.currency ?? registered.currency} in this call, not ${f.commitment.currency}`,
        code: 'WRONG_CURRENCY',
      });
    }
  });
  if (problems.length > 0)
    throw new AppError('VALIDATION_FAILED', 'The call definition is not valid', { errors: problems });
  return definition;
}
