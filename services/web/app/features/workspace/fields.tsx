import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldConflict } from './rebase';

/** One labelled control with its hint and error, linked by aria-describedby. */
export function Field({
  id,
  label,
  hint,
  error,
  children,
}: {
  id: string;
  label: string;
  hint?: ReactNode;
  error?: string | undefined;
  children: (props: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ReactNode;
}) {
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
  return (
    <div className={`field${error ? ' field--invalid' : ''}`}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {children({
        id,
        ...(described ? { 'aria-describedby': described } : {}),
        ...(error ? { 'aria-invalid': true } : {}),
      })}
      {hint && (
        <p id={`${id}-hint`} className="field__hint small muted">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="field__error small">
          {error}
        </p>
      )}
    </div>
  );
}

/**
 * After a 412: each field both people changed, their saved text beside this person's unsaved text,
 * and a choice per field. Until every field is chosen nothing is saved, so nothing is lost.
 */
export function ConflictPanel({
  conflicts,
  label,
  display,
  onChoose,
}: {
  conflicts: readonly FieldConflict[];
  label: (key: string) => string;
  display?: (key: string, value: string) => string;
  onChoose: (key: string, side: 'mine' | 'theirs') => void;
}) {
  const { t } = useTranslation();
  if (conflicts.length === 0) return null;
  const show = (key: string, value: string) =>
    (display ? display(key, value) : value) || t('workspace.conflict.empty');
  return (
    <section className="conflict" role="alert" aria-labelledby="conflict-title">
      <h3 id="conflict-title">{t('workspace.conflict.title')}</h3>
      <p>{t('workspace.conflict.intro')}</p>
      {conflicts.map((c) => (
        <div key={c.key} className="conflict__field" role="group" aria-label={label(c.key)}>
          <h4>{label(c.key)}</h4>
          <div className="conflict__sides">
            <div className="conflict__side">
              <p className="conflict__who">{t('workspace.conflict.theirs')}</p>
              <p className="conflict__value" data-testid="conflict-theirs">
                {show(c.key, c.theirs)}
              </p>
              <button type="button" className="button" onClick={() => onChoose(c.key, 'theirs')}>
                {t('workspace.conflict.keepTheirs')}
              </button>
            </div>
            <div className="conflict__side conflict__side--mine">
              <p className="conflict__who">{t('workspace.conflict.mine')}</p>
              <p className="conflict__value" data-testid="conflict-mine">
                {show(c.key, c.mine)}
              </p>
              <button
                type="button"
                className="button button--primary"
                onClick={() => onChoose(c.key, 'mine')}
              >
                {t('workspace.conflict.keepMine')}
              </button>
            </div>
          </div>
        </div>
      ))}
    </section>
  );
}
