import { zodResolver } from '@hookform/resolvers/zod';
import { Link, createFileRoute } from '@tanstack/react-router';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { confirmPasswordReset } from '../features/account/account-api';
import {
  FormAlert,
  FormSuccess,
  NewPasswordField,
  applyProblem,
  type PasswordAdvice,
} from '../features/account/form';
import { fieldError } from '../features/account/messages';
import { resetSchema } from '../features/account/schemas';
import { tokenSearch } from '../features/account/token-search';
import { ApiError } from '../lib/api';
import { useDocumentTitle } from '../lib/title';

export const Route = createFileRoute('/reset-password')({
  validateSearch: tokenSearch,
  component: ResetPassword,
});

type Values = z.infer<ReturnType<typeof resetSchema>>;

function ResetPassword() {
  const { t } = useTranslation();
  useDocumentTitle(t('account.reset.title'));
  const { token } = Route.useSearch();
  const [done, setDone] = useState(false);
  const [linkDead, setLinkDead] = useState(!token);
  const [message, setMessage] = useState<string | null>(null);
  const [advice, setAdvice] = useState<PasswordAdvice | null>(null);
  const form = useForm<Values>({ resolver: zodResolver(resetSchema()), defaultValues: { password: '' } });
  const { errors, isSubmitting } = form.formState;
  const onSubmit = form.handleSubmit(async ({ password }) => {
    setMessage(null);
    setAdvice(null);
    try {
      await confirmPasswordReset(token ?? '', password);
      setDone(true);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'LINK_INVALID') {
        setLinkDead(true);
        return;
      }
      const outcome = applyProblem(t, error, form.setError, {
        password: { name: 'password', message: t('account.password.weak') },
      });
      setMessage(outcome.message);
      setAdvice(outcome.advice);
    }
  });

  let body;
  if (done) {
    body = (
      <FormSuccess>
        <p>{t('account.reset.done')}</p>
        <p>
          <Link to="/sign-in" className="button button--primary">
            {t('account.signIn.title')}
          </Link>
        </p>
      </FormSuccess>
    );
  } else if (linkDead) {
    body = (
      <div role="alert" className="notice notice--error">
        <p>{t('account.reset.invalid')}</p>
        <p>
          <Link to="/forgot-password">{t('account.reset.again')}</Link>
        </p>
      </div>
    );
  } else {
    body = (
      <form className="form" noValidate onSubmit={(e) => void onSubmit(e)}>
        <FormAlert message={message} />
        <NewPasswordField
          register={form.register('password', { onChange: () => setAdvice(null) })}
          error={fieldError(t, errors.password)}
          advice={advice}
        />
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={isSubmitting}>
            {t('account.reset.submit')}
          </button>
        </div>
      </form>
    );
  }
  return (
    <section className="narrow account">
      <h1>{t('account.reset.title')}</h1>
      {body}
    </section>
  );
}
