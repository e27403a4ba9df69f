import { Link, createFileRoute } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useDocumentTitle } from '../lib/title';

export const Route = createFileRoute('/sign-in')({
  component: SignIn,
});

// A placeholder until the accounts API lands: the link in the header has somewhere honest to go.
function SignIn() {
  const { t } = useTranslation();
  useDocumentTitle(t('signIn.title'));
  return (
    <section className="narrow">
      <h1>{t('signIn.title')}</h1>
      <p>{t('signIn.soon')}</p>
      <p>
        <Link to="/" className="button">
          {t('signIn.backToCalls')}
        </Link>
      </p>
    </section>
  );
}
