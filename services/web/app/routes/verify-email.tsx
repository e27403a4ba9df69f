import { useMutation } from '@tanstack/react-query';
import { Link, createFileRoute } from '@tanstack/react-router';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { verifyEmail } from '../features/account/account-api';
import { problemText } from '../features/account/form';
import { tokenSearch } from '../features/account/token-search';
import { ApiError } from '../lib/api';
import { useDocumentTitle } from '../lib/title';

export const Route = createFileRoute('/verify-email')({
  validateSearch: tokenSearch,
  component: VerifyEmail,
});

// The link in the verification mail lands here; the page confirms the address with its token.
// The API does not sign in on verification (it answers with the address only), so the page
// offers the sign-in form next.
function VerifyEmail() {
  const { t } = useTranslation();
  useDocumentTitle(t('account.verify.title'));
  const { token } = Route.useSearch();
  const verify = useMutation({ mutationFn: verifyEmail });
  const sent = useRef(false);
  useEffect(() => {
    // Once per page: the token is single-use (React may run effects twice in development).
    if (!token || sent.current) return;
    sent.current = true;
    verify.mutate(token);
  }, [token, verify]);

  let body;
  if (
    !token ||
    (verify.error instanceof ApiError && verify.error.code === 'LINK_INVALID') ||
    (verify.error instanceof ApiError && verify.error.code === 'VALIDATION_FAILED')
  ) {
    body = (
      <div role="alert" className="notice notice--error">
        <p>{t('account.verify.invalid')}</p>
        <p>
          <Link to="/sign-up">{t('account.verify.again')}</Link>
        </p>
      </div>
    );
  } else if (verify.error) {
    body = (
      <div role="alert" className="notice notice--error">
        <p>{problemText(t, verify.error)}</p>
        <button type="button" className="button" onClick={() => verify.mutate(token)}>
          {t('common.retry')}
        </button>
      </div>
    );
  } else if (verify.data) {
    body = (
      <div role="status" className="notice notice--ok">
        <p>{t('account.verify.done', { email: verify.data.email })}</p>
        <p>
          <Link to="/sign-in" className="button button--primary">
            {t('account.signIn.title')}
          </Link>
        </p>
      </div>
    );
  } else {
    body = <p role="status">{t('account.verify.busy')}</p>;
  }
  return (
    <section className="narrow account">
      <h1>{t('account.verify.title')}</h1>
      {body}
    </section>
  );
}
