import { useTranslation } from 'react-i18next';
import { useDocumentTitle } from '../../lib/title';

/** The way back here after signing in: the sign-in page returns to `redirect`. */
export const signInHref = (path: string, page: 'sign-in' | 'sign-up' = 'sign-in') =>
  `/${page}?redirect=${encodeURIComponent(path)}`;

export function SignInFirst() {
  const { t } = useTranslation();
  useDocumentTitle(t('workspace.signInFirst.title'));
  const here = window.location.pathname + window.location.search + window.location.hash;
  return (
    <section className="narrow">
      <h1>{t('workspace.signInFirst.title')}</h1>
      <p>{t('workspace.signInFirst.text')}</p>
      <p>
        <a className="button button--primary" href={signInHref(here)}>
          {t('workspace.signInFirst.signIn')}
        </a>
      </p>
    </section>
  );
}
