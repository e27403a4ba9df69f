import type { FastifyRequest } from 'fastify';
import { AppError, pointer, type FieldProblem } from './errors.ts';

/**
 * Text that PostgreSQL cannot store is refused at the edge, once for every route: U+0000 (no `text`
 * or `jsonb` value may hold it) and unpaired UTF-16 surrogates (they have no UTF-8 form). Without
 * this, such a string reaches a query and the database's encoding error becomes a 500; route by
 * route checks would miss the next route.
 *
 * Cost: one `includes('\0')` and one `isWellFormed()` per string (both native, no allocation) and
 * one explicit-stack walk over the parsed body; paths are built only for the strings refused.
 */

/** Field codes in `errors[].code`, stable for clients. */
export const textProblemCodes = {
  nul: 'NUL_CHARACTER',
  surrogate: 'UNPAIRED_SURROGATE',
} as const;

/** Headers whose values the platform stores or compares (the rest are only read by Node/Fastify). */
const VALUE_HEADERS = ['if-match', 'if-none-match', 'idempotency-key'] as const;

/** At most this many problems are listed: a body of a million NULs gets a short answer. */
const MAX_PROBLEMS = 20;

function unsafe(text: string): FieldProblem['code'] | undefined {
  if (text.includes('\0')) return textProblemCodes.nul;
  if (!text.isWellFormed()) return textProblemCodes.surrogate;
  return undefined;
}

const MESSAGES: Record<string, string> = {
  [textProblemCodes.nul]: 'contains a NUL character (U+0000)',
  [textProblemCodes.surrogate]: 'contains an unpaired UTF-16 surrogate (not valid Unicode)',
};

/**
 * Arrays and plain objects: what JSON, the query parser and the router produce. Anything else (a
 * Buffer or stream body of another content-type parser) is not text to walk, and may be huge or
 * cyclic.
 */
function isJsonContainer(value: unknown): value is object {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value) as object | null;
  // Null-prototype objects too, also the "null object" pattern of the query parser (an instance of
  // a function whose prototype has no prototype).
  return proto === Object.prototype || proto === null || Object.getPrototypeOf(proto) === null;
}

interface Frame {
  value: unknown;
  key: string | number | null;
  parent: Frame | null;
}

function pathOf(frame: Frame | null, last?: string | number): string {
  const keys: Array<string | number> = last === undefined ? [] : [last];
  for (let f = frame; f && f.key !== null; f = f.parent) keys.push(f.key);
  return pointer(keys.reverse());
}

/**
 * Every string (values and object keys) in `root` that PostgreSQL cannot store, as field problems
 * located `in` a request part. Iterative, so a deeply nested body cannot overflow the stack.
 */
export function findUnsafeText(root: unknown, location: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const report = (code: string, path: string) => {
    problems.push({ in: location, path, message: MESSAGES[code]!, code });
  };
  if (typeof root === 'string') {
    const code = unsafe(root);
    if (code) report(code, '');
    return problems;
  }
  if (!isJsonContainer(root)) return problems;
  const stack: Frame[] = [{ value: root, key: null, parent: null }];
  while (stack.length > 0 && problems.length < MAX_PROBLEMS) {
    const frame = stack.pop()!;
    const value = frame.value;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (typeof item === 'string') {
          const code = unsafe(item);
          if (code) report(code, pathOf(frame, i));
        } else if (isJsonContainer(item)) {
          stack.push({ value: item, key: i, parent: frame });
        }
      }
      continue;
    }
    for (const key in value as Record<string, unknown>) {
      if (!Object.hasOwn(value as object, key)) continue;
      const keyCode = unsafe(key);
      if (keyCode) report(keyCode, pathOf(frame, key));
      const item = (value as Record<string, unknown>)[key];
      if (typeof item === 'string') {
        const code = unsafe(item);
        if (code) report(code, pathOf(frame, key));
      } else if (isJsonContainer(item)) {
        stack.push({ value: item, key, parent: frame });
      }
    }
  }
  return problems.slice(0, MAX_PROBLEMS);
}

/**
 * preValidation hook: refuses the request with 400 VALIDATION_FAILED when its params, query, parsed
 * body or value headers hold text PostgreSQL cannot store, naming each field (`in` and JSON pointer,
 * `code` NUL_CHARACTER or UNPAIRED_SURROGATE). Runs after the access check (an anonymous caller still
 * gets 401 first) and before the route's schema, so every route is covered without a line of its own.
 * Multipart bodies are not parsed yet here; their file names are sanitised by the upload route.
 */
export async function refuseUnsafeText(request: FastifyRequest): Promise<void> {
  const problems = [
    ...findUnsafeText(request.params, 'params'),
    ...findUnsafeText(request.query, 'query'),
    ...findUnsafeText(request.body, 'body'),
  ];
  for (const name of VALUE_HEADERS) {
    const value = request.headers[name];
    if (value !== undefined)
      problems.push(...findUnsafeText(value, 'headers').map((p) => ({ ...p, path: `/${name}` })));
  }
  if (problems.length === 0) return;
  throw new AppError(
    'VALIDATION_FAILED',
    'The request holds text that is not valid Unicode or holds NUL characters',
    {
      errors: problems.slice(0, MAX_PROBLEMS),
    },
  );
}
