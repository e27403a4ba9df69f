import { forwardRef, useId, type InputHTMLAttributes, type ReactNode } from 'react';
import type { FieldValues, Path, UseFormRegisterReturn, UseFormSetError } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../lib/api';
import { type i18next } from '../../i18n';

// The account forms' parts: a labelled input whose hint and error are linked with
// aria-describedby, the server's password advice, and one way to turn a problem+json answer
// into field errors (focus on the first) or a message for the whole form.

type T = (typeof i18next)['t'];

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  /** Shown under the error: the server's advice on a password. */
  extra?: ReactNode;
}

export const Field = forwardRef<HTMLInputElement, FieldProps>(function Field(
  { label, error, hint, extra, className, ...input },
  ref,
) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const described = [errorId, hintId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field--invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      {hint && (
        <div id={hintId} className="field__hint">
          {hint}
        </div>
      )}
      <input
        id={id}
        ref={ref}
        className="field__input"
        aria-invalid={error ? true : undefined}
        aria-describedby={described}
        {...input}
      />
      {error && (
        <div id={errorId} className="field__error">
          <p>{error}</p>
          {extra}
        </div>
      )}
    </div>
  );
});

/** zxcvbn's advice as the server sent it (English words; marked so, in German and French). */
export interface PasswordAdvice {
  warning: string | null;
  suggestions: string[];
}

export function PasswordAdviceText({ advice }: { advice: PasswordAdvice | null }) {
  const { t, i18n } = useTranslation();
  if (!advice) return null;
  const lines = [advice.warning, ...advice.suggestions].filter((l): l is string => Boolean(l));
  if (lines.length === 0) return null;
  const english = i18n.resolvedLanguage !== 'en';
  return (
    <div className="password-advice">
      {english && <p className="small">{t('account.password.adviceInEnglish')}</p>}
      <ul lang="en">
        {lines.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </div>
  );
}

/**
 * The one new-password input (sign-up, reset, profile): labelled, with the rules as its hint and
 * the server's advice under its error, both reached through aria-describedby. `register` is the
 * form's registration of the field (with an onChange that clears the advice, which spoke of the
 * old value).
 */
export function NewPasswordField({
  register,
  error,
  advice,
}: {
  register: UseFormRegisterReturn;
  error: string | undefined;
  advice: PasswordAdvice | null;
}) {
  const { t } = useTranslation();
  return (
    <Field
      label={t('account.fields.newPassword')}
      type="password"
      autoComplete="new-password"
      required
      hint={t('account.password.hint')}
      error={error}
      extra={<PasswordAdviceText advice={advice} />}
      {...register}
    />
  );
}

/** A message for the whole form, announced when it appears and focusable so focus can go to it. */
export function FormAlert({ message, children }: { message: string | null; children?: ReactNode }) {
  if (!message) return null;
  return (
    <div role="alert" className="notice notice--error form-alert">
      <p>{message}</p>
      {children}
    </div>
  );
}

export function FormSuccess({ children }: { children: ReactNode }) {
  return (
    <div role="status" className="notice notice--ok">
      {children}
    </div>
  );
}

/** The plain-words message of a problem no field owns. */
export function problemText(t: T, error: unknown): string {
  if (error instanceof ApiError) {
    switch (error.code) {
      case 'RATE_LIMITED':
      case 'SERVICE_UNAVAILABLE':
      case 'NETWORK':
        return t(`problem.${error.code}`);
      case 'UNAUTHENTICATED':
      case 'SESSION_REVOKED':
      case 'TOKEN_INVALID':
      case 'TOKEN_EXPIRED':
        return t('account.errors.signedOut');
      default:
        return t('problem.other', { status: error.status });
    }
  }
  return t('common.error', { message: error instanceof Error ? error.message : String(error) });
}

export interface ProblemOutcome {
  /** For the whole form; null when a field got it. */
  message: string | null;
  /** Set when the server refused a new password. */
  advice: PasswordAdvice | null;
}

/**
 * Puts a refused request's field problems on their fields (the first focused) and returns what is
 * left for the form. `fields` maps the JSON pointer's first segment to the form's field and the
 * words to show when the server refuses its value.
 */
export function applyProblem<V extends FieldValues>(
  t: T,
  error: unknown,
  setError: UseFormSetError<V>,
  fields: Partial<Record<string, { name: Path<V>; message: string }>>,
): ProblemOutcome {
  if (!(error instanceof ApiError) || !error.problem) return { message: problemText(t, error), advice: null };
  const problem = error.problem as ApiError['problem'] & { feedback?: PasswordAdvice };
  if (error.code === 'WEAK_PASSWORD') {
    const first = problem.errors?.[0];
    const target = fields[first?.path.split('/')[1] ?? 'password'] ?? fields.password ?? fields.newPassword;
    const reason = first?.code ?? 'weak';
    const message = ['too-short', 'too-long', 'personal'].includes(reason)
      ? t(`account.password.${reason as 'too-short' | 'too-long' | 'personal'}`)
      : t('account.password.weak');
    if (target) {
      setError(target.name, { type: 'server', message }, { shouldFocus: true });
      return { message: null, advice: problem.feedback ?? null };
    }
    return { message, advice: problem.feedback ?? null };
  }
  if (error.code === 'VALIDATION_FAILED' && problem.errors?.length) {
    let placed = 0;
    for (const item of problem.errors) {
      const target = fields[item.path.split('/')[1] ?? ''];
      if (!target) continue;
      setError(target.name, { type: 'server', message: target.message }, { shouldFocus: placed === 0 });
      placed++;
    }
    if (placed > 0) return { message: null, advice: null };
  }
  return { message: problemText(t, error), advice: null };
}
