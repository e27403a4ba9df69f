import type { FieldError } from 'react-hook-form';
import type { i18next } from '../../i18n';

type T = (typeof i18next)['t'];

/**
 * A field's error in words. Client-side (zod) errors carry an i18n key as their message; server
 * errors placed by applyProblem are already words, and a key that is not one shows as it is.
 */
export function fieldError(t: T, error: FieldError | undefined): string | undefined {
  if (!error?.message) return undefined;
  const key = error.message;
  return key.startsWith('account.') ? (t as (k: string) => string)(key) : key;
}
