import { zodResolver } from '@hookform/resolvers/zod';
import { Link, createFileRoute, useRouter } from '@tanstack/react-router';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { getMe, signIn, SignInError } from '../features/account/account-api';
import { Field, FormAlert, problemText } from '../features/account/form';
import { fieldError } from '../features/account/messages';
import { signInSchema } from '../features/account/schemas';
import { redirectSearch, safeRedirect } from '../features/account/redirect';
import { i18next } from '../i18n';
import { formatClockTime, visitorZone } from '../lib/format';
import { useDocumentTitle } from '../lib/title';
import { takeReturn } from '../features/proposal/return-after-sign-up';

export const Route = createFileRoute('/sign-in')({
  validateSearch: redirectSearch,
  component: SignIn,
});

type Values = z.infer<ReturnType<typeof signInSchema>>;

type Refusal =
  | { kind: 'credentials' }
  | { kind: 'unverified' }
  | { kind: 'limited'; at: Date | null }
  | { kind: 'other'; message: string };

function SignIn() {
  const { t, i18n } = useTranslation();
  useDocumentTitle(t('account.signIn.title'));
  const { redirect } = Route.useSearch();
  const router = useRouter();
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const form = useForm<Values>({
    resolver: zodResolver(signInSchema()),
    defaultValues: { email: '', password: '' },
  });
  const { errors, isSubmitting } = form.formState;
  const lng = i18n.resolvedLanguage ?? 'en';

  const onSubmit = form.handleSubmit(async ({ email, password }) => {
    setRefusal(null);
    try {
      await signIn(email.trim(), password);
    } catch (error) {
      if (error instanceof SignInError && error.code === 'INVALID_CREDENTIALS')
        setRefusal({ kind: 'credentials' });
      else if (error instanceof SignInError && error.code === 'EMAIL_NOT_VERIFIED')
        setRefusal({ kind: 'unverified' });
      else if (error instanceof SignInError && error.code === 'RATE_LIMITED')
        setRefusal({ kind: 'limited', at: error.retryAt });
      else setRefusal({ kind: 'other', message: problemText(t, error) });
      return;
    }
    // The person's chosen language follows them from device to device.
    try {
      const me = await getMe();
      if (me.language && me.language !== i18next.resolvedLanguage) await i18next.changeLanguage(me.language);
    } catch {
      // The profile is a nicety here; signing in succeeded.
    }
    router.history.push(safeRedirect(redirect ?? takeReturn()));
  });

  let message: string | null = null;
  if (refusal?.kind === 'credentials') message = t('account.signIn.invalid');
  else if (refusal?.kind === 'unverified') message = t('account.signIn.unverified');
  else if (refusal?.kind === 'limited')
    message = refusal.at
      ? t('account.signIn.limitedUntil', {
          time: formatClockTime(refusal.at.toISOString(), lng, visitorZone()),
        })
      : t('problem.RATE_LIMITED');
  else if (refusal?.kind === 'other') message = refusal.message;

  return (
    <section className="narrow account">
      <h1>{t('account.signIn.title')}</h1>
      {redirect && <p className="lead">{t('account.signIn.needed')}</p>}
      <form className="form" noValidate onSubmit={(e) => void onSubmit(e)}>
        <FormAlert message={message}>
          {refusal?.kind === 'unverified' && (
            <p>
              <Link to="/sign-up">{t('account.signIn.resend')}</Link>
            </p>
          )}
          {refusal?.kind === 'credentials' && (
            <p>
              <Link to="/forgot-password">{t('account.signIn.forgot')}</Link>
            </p>
          )}
        </FormAlert>
        <Field
          label={t('account.fields.email')}
          type="email"
          autoComplete="username"
          required
          error={fieldError(t, errors.email)}
          {...form.register('email')}
        />
        <Field
          label={t('account.fields.password')}
          type="password"
          autoComplete="current-password"
          required
          error={fieldError(t, errors.password)}
          {...form.register('password')}
        />
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={isSubmitting}>
            {isSubmitting ? t('account.signIn.busy') : t('account.signIn.submit')}
          </button>
        </div>
      </form>
      <p>
        <Link to="/forgot-password">{t('account.signIn.forgot')}</Link>
      </p>
      <p>
        {t('account.signIn.noAccount')} <Link to="/sign-up">{t('account.signUp.title')}</Link>
      </p>
    </section>
  );
}
