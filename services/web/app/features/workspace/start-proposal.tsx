import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, toApiError } from '../../lib/api';
import { useSessionUser } from '../../lib/session';
import { Field } from './fields';
import { signInHref } from './sign-in-first';
import { problemText } from './status';

/**
 * "Apply" on a call page: a signed-in person names the proposal (its acronym) and lands in the new
 * workspace as its coordinator; anyone else is sent to sign in and brought back here.
 */
export function StartProposal({ slug, open }: { slug: string; open: boolean }) {
  const { t } = useTranslation();
  const user = useSessionUser();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [acronym, setAcronym] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!open) return null;

  async function start() {
    const value = acronym.trim();
    if (value === '' || value.length > 20) {
      setError(t('workspace.start.acronymError'));
      document.getElementById('start-acronym')?.focus();
      return;
    }
    setBusy(true);
    const res = await api.POST('/api/proposals', { body: { callSlug: slug, acronym: value } });
    setBusy(false);
    if (!res.response.ok || !res.data) {
      const problem = toApiError(res.error, res.response);
      setError(
        problem.code === 'VALIDATION_FAILED'
          ? (problem.problem?.errors?.[0]?.message ?? problem.message)
          : problem.code === 'STAGE_NOT_OPEN' || problem.code === 'DEADLINE_PASSED'
            ? t('workspace.start.closed')
            : problemText(t, problem),
      );
      document.getElementById('start-acronym')?.focus();
      return;
    }
    queryClient.setQueryData(['proposals', res.data.id], res.data);
    await navigate({ to: '/proposals/$id', params: { id: res.data.id } });
  }

  return (
    <section id="apply" className="card apply" aria-labelledby="apply-title">
      <h2 id="apply-title">{t('workspace.start.title')}</h2>
      {user ? (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void start();
          }}
        >
          <p className="small muted">{t('workspace.start.intro')}</p>
          <div className="apply__row">
            <Field id="start-acronym" label={t('workspace.start.acronym')} error={error ?? undefined}>
              {(p) => (
                <input
                  {...p}
                  className="input"
                  maxLength={20}
                  value={acronym}
                  onChange={(e) => setAcronym(e.target.value)}
                />
              )}
            </Field>
            <button type="submit" className="button button--primary" disabled={busy}>
              {t('workspace.start.submit')}
            </button>
          </div>
        </form>
      ) : (
        <>
          <p>{t('workspace.start.signInFirst')}</p>
          <p className="apply__row">
            <a className="button button--primary" href={signInHref(`/calls/${slug}#apply`)}>
              {t('workspace.start.signIn')}
            </a>
            <a className="button" href={signInHref(`/calls/${slug}#apply`, 'sign-up')}>
              {t('workspace.start.signUp')}
            </a>
          </p>
        </>
      )}
    </section>
  );
}
