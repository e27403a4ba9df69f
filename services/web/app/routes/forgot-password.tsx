import { zodResolver } from '@hookform/resolvers/zod';
import { Link, createFileRoute } from '@tanstack/react-router';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { requestPasswordReset } from '../features/account/account-api';
import { Field, FormAlert, FormSuccess, applyProblem } from '../features/account/form';
import { fieldError } from '../features/account/messages';
import { forgotSchema } from '../features/account/schemas';
import { useDocumentTitle } from '../lib/title';

export const Route = createFileRoute('/forgot-password')({
  component: ForgotPassword,
});

type Values = z.infer<ReturnType<typeof forgotSchema>>;

function ForgotPassword() {
  const { t } = useTranslation();
  useDocumentTitle(t('account.forgot.title'));
  const [sent, setSent] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const form = useForm<Values>({ resolver: zodResolver(forgotSchema()), defaultValues: { email: '' } });
  const { errors, isSubmitting } = form.formState;
  const onSubmit = form.handleSubmit(async ({ email }) => {
    setMessage(null);
    try {
      await requestPasswordReset(email);
      setSent(true);
    } catch (error) {
      setMessage(
        applyProblem(t, error, form.setError, {
          email: { name: 'email', message: t('account.errors.email') },
        }).message,
      );
    }
  });
  return (
    <section className="narrow account">
      <h1>{t('account.forgot.title')}</h1>
      {sent ? (
        // The same words whether or not the address has an account.
        <FormSuccess>
          <p>{t('account.forgot.sent')}</p>
        </FormSuccess>
      ) : (
        <>
          <p className="lead">{t('account.forgot.lead')}</p>
          <form className="form" noValidate onSubmit={(e) => void onSubmit(e)}>
            <FormAlert message={message} />
            <Field
              label={t('account.fields.email')}
              type="email"
              autoComplete="email"
              required
              error={fieldError(t, errors.email)}
              {...form.register('email')}
            />
            <div className="form__actions">
              <button type="submit" className="button button--primary" disabled={isSubmitting}>
                {t('account.forgot.submit')}
              </button>
            </div>
          </form>
        </>
      )}
      <p>
        <Link to="/sign-in">{t('account.forgot.back')}</Link>
      </p>
    </section>
  );
}
