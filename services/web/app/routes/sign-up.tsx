import { zodResolver } from '@hookform/resolvers/zod';
import { Link, createFileRoute } from '@tanstack/react-router';
import { useEffect, useRef, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { signUp } from '../features/account/account-api';
import {
  Field,
  FormAlert,
  NewPasswordField,
  applyProblem,
  type PasswordAdvice,
} from '../features/account/form';
import { fieldError } from '../features/account/messages';
import { signUpSchema } from '../features/account/schemas';
import { LanguageChoice } from '../features/account/language-choice';
import { currentLanguage } from '../i18n';
import { useDocumentTitle } from '../lib/title';
import { rememberReturn } from '../features/proposal/return-after-sign-up';

export const Route = createFileRoute('/sign-up')({
  component: SignUp,
});

// What the page can tell at once; the server judges the password's strength (zxcvbn) and decides.
type Values = z.infer<ReturnType<typeof signUpSchema>>;

function SignUp() {
  const { t } = useTranslation();
  const [sent, setSent] = useState(false);
  useDocumentTitle(sent ? t('account.signUp.sentTitle') : t('account.signUp.title'));
  const [message, setMessage] = useState<string | null>(null);
  const [advice, setAdvice] = useState<PasswordAdvice | null>(null);
  const form = useForm<Values>({
    resolver: zodResolver(signUpSchema()),
    defaultValues: { displayName: '', email: '', password: '', language: currentLanguage() },
  });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setMessage(null);
    setAdvice(null);
    try {
      await signUp(values);
      rememberReturn();
      setSent(true);
    } catch (error) {
      const outcome = applyProblem(t, error, form.setError, {
        email: { name: 'email', message: t('account.errors.email') },
        displayName: { name: 'displayName', message: t('account.errors.nameRequired') },
        password: { name: 'password', message: t('account.password.weak') },
      });
      setMessage(outcome.message);
      setAdvice(outcome.advice);
    }
  });

  if (sent) return <CheckYourMail />;
  return (
    <section className="narrow account">
      <h1>{t('account.signUp.title')}</h1>
      <p className="lead">{t('account.signUp.lead')}</p>
      <form className="form" noValidate onSubmit={(e) => void onSubmit(e)}>
        <FormAlert message={message} />
        <Field
          label={t('account.fields.name')}
          autoComplete="name"
          required
          error={fieldError(t, errors.displayName)}
          {...form.register('displayName')}
        />
        <Field
          label={t('account.fields.email')}
          type="email"
          autoComplete="email"
          required
          error={fieldError(t, errors.email)}
          {...form.register('email')}
        />
        <NewPasswordField
          register={form.register('password', { onChange: () => setAdvice(null) })}
          error={fieldError(t, errors.password)}
          advice={advice}
        />
        <LanguageChoice register={form.register('language')} />
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={isSubmitting}>
            {isSubmitting ? t('account.signUp.busy') : t('account.signUp.submit')}
          </button>
        </div>
      </form>
      <p>
        {t('account.signUp.haveAccount')} <Link to="/sign-in">{t('account.signIn.title')}</Link>
      </p>
    </section>
  );
}

/** The same words whether or not the address had an account: the page reveals nothing. */
function CheckYourMail() {
  const { t } = useTranslation();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section className="narrow account">
      <h1 ref={heading} tabIndex={-1}>
        {t('account.signUp.sentTitle')}
      </h1>
      <p className="lead">{t('account.signUp.sentLead')}</p>
      <p>{t('account.signUp.sentNoMail')}</p>
      <p>
        <Link to="/sign-in" className="button">
          {t('account.signIn.title')}
        </Link>
      </p>
    </section>
  );
}
