import { zodResolver } from '@hookform/resolvers/zod';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createFileRoute } from '@tanstack/react-router';
import { useState } from 'react';
import { Controller, useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { QueryError } from '../components/query-error';
import { changePassword, downloadMyData, getMe, updateMe, type Me } from '../features/account/account-api';
import {
  Field,
  FormAlert,
  FormSuccess,
  NewPasswordField,
  applyProblem,
  problemText,
  type PasswordAdvice,
} from '../features/account/form';
import { LanguageChoice } from '../features/account/language-choice';
import { fieldError } from '../features/account/messages';
import { passwordSchema, profileSchema } from '../features/account/schemas';
import { requireSession } from '../features/account/redirect';
import { TimeZoneField } from '../features/account/time-zone-field';
import { i18next } from '../i18n';
import { rememberSessionZone, renameSessionUser } from '../lib/session';
import { SignInAgain, isSignedOut } from '../features/account/sign-in-again';
import { useDocumentTitle } from '../lib/title';

export const Route = createFileRoute('/profile')({
  beforeLoad: requireSession,
  component: Profile,
});

function Profile() {
  const { t } = useTranslation();
  useDocumentTitle(t('account.profile.title'));
  const me = useQuery({ queryKey: ['me'], queryFn: getMe });
  return (
    <section className="narrow account">
      <h1>{t('account.profile.title')}</h1>
      {me.isPending && <p role="status">{t('common.loading')}</p>}
      {isSignedOut(me.error) && <SignInAgain />}
      {me.error && !isSignedOut(me.error) && <QueryError error={me.error} retry={() => void me.refetch()} />}
      {me.data && (
        <>
          <p className="lead">{t('account.profile.lead', { email: me.data.email })}</p>
          <ProfileForm me={me.data} />
          <PasswordForm />
          <DataExport />
        </>
      )}
    </section>
  );
}

type ProfileValues = z.infer<ReturnType<typeof profileSchema>>;

function ProfileForm({ me }: { me: Me }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [message, setMessage] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const form = useForm<ProfileValues>({
    resolver: zodResolver(profileSchema()),
    defaultValues: {
      displayName: me.displayName,
      orcid: me.orcid ?? '',
      timeZone: me.timeZone,
      language: me.language ?? '',
    },
  });
  const { errors, isSubmitting } = form.formState;
  const onSubmit = form.handleSubmit(async (values) => {
    setMessage(null);
    setSaved(false);
    try {
      const updated = await updateMe({
        displayName: values.displayName,
        orcid: values.orcid === '' ? null : values.orcid.toUpperCase(),
        timeZone: values.timeZone,
        language: values.language === '' ? null : values.language,
      });
      queryClient.setQueryData(['me'], updated);
      renameSessionUser(updated.displayName);
      rememberSessionZone(updated.id, updated.timeZone);
      form.reset({
        displayName: updated.displayName,
        orcid: updated.orcid ?? '',
        timeZone: updated.timeZone,
        language: updated.language ?? '',
      });
      // The interface follows the language chosen for the account.
      if (updated.language && updated.language !== i18next.resolvedLanguage)
        await i18next.changeLanguage(updated.language);
      setSaved(true);
    } catch (error) {
      setMessage(
        applyProblem(t, error, form.setError, {
          displayName: { name: 'displayName', message: t('account.errors.nameRequired') },
          orcid: { name: 'orcid', message: t('account.errors.orcidChecksum') },
          timeZone: { name: 'timeZone', message: t('account.errors.timeZone') },
        }).message,
      );
    }
  });
  return (
    <form
      className="form card"
      noValidate
      onSubmit={(e) => void onSubmit(e)}
      aria-labelledby="profile-details"
    >
      <h2 id="profile-details">{t('account.profile.details')}</h2>
      <FormAlert message={message} />
      {saved && (
        <FormSuccess>
          <p>{t('account.profile.saved')}</p>
        </FormSuccess>
      )}
      <Field
        label={t('account.fields.name')}
        autoComplete="name"
        required
        error={fieldError(t, errors.displayName)}
        {...form.register('displayName')}
      />
      <Field
        label={t('account.fields.orcid')}
        hint={t('account.profile.orcidHint')}
        inputMode="text"
        autoComplete="off"
        spellCheck={false}
        error={fieldError(t, errors.orcid)}
        {...form.register('orcid', {
          // Checked the moment a whole iD is typed, not on blur: an error appearing on blur moves
          // the Save button under a pointer that is on its way to click it.
          onChange: (event: { target: { value: string } }) => {
            if (event.target.value.trim().length >= 19) void form.trigger('orcid');
          },
        })}
      />
      <Controller
        control={form.control}
        name="timeZone"
        render={({ field }) => (
          <TimeZoneField
            value={field.value}
            onChange={field.onChange}
            error={fieldError(t, errors.timeZone)}
          />
        )}
      />
      <LanguageChoice register={form.register('language')} allowNone />
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={isSubmitting}>
          {t('account.profile.save')}
        </button>
      </div>
    </form>
  );
}

type PasswordValues = z.infer<ReturnType<typeof passwordSchema>>;

function PasswordForm() {
  const { t } = useTranslation();
  const [message, setMessage] = useState<string | null>(null);
  const [advice, setAdvice] = useState<PasswordAdvice | null>(null);
  const [saved, setSaved] = useState(false);
  const form = useForm<PasswordValues>({
    resolver: zodResolver(passwordSchema()),
    defaultValues: { currentPassword: '', newPassword: '' },
  });
  const { errors, isSubmitting } = form.formState;
  const onSubmit = form.handleSubmit(async ({ currentPassword, newPassword }) => {
    setMessage(null);
    setAdvice(null);
    setSaved(false);
    try {
      await changePassword(currentPassword, newPassword);
      form.reset();
      setSaved(true);
    } catch (error) {
      const outcome = applyProblem(t, error, form.setError, {
        currentPassword: { name: 'currentPassword', message: t('account.password.currentWrong') },
        newPassword: { name: 'newPassword', message: t('account.password.weak') },
      });
      setMessage(outcome.message);
      setAdvice(outcome.advice);
    }
  });
  return (
    <form
      className="form card"
      noValidate
      onSubmit={(e) => void onSubmit(e)}
      aria-labelledby="profile-password"
    >
      <h2 id="profile-password">{t('account.profile.password')}</h2>
      <FormAlert message={message} />
      {saved && (
        <FormSuccess>
          <p>{t('account.profile.passwordChanged')}</p>
        </FormSuccess>
      )}
      <Field
        label={t('account.fields.currentPassword')}
        type="password"
        autoComplete="current-password"
        required
        error={fieldError(t, errors.currentPassword)}
        {...form.register('currentPassword')}
      />
      <NewPasswordField
        register={form.register('newPassword', { onChange: () => setAdvice(null) })}
        error={fieldError(t, errors.newPassword)}
        advice={advice}
      />
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={isSubmitting}>
          {t('account.profile.changePassword')}
        </button>
      </div>
    </form>
  );
}

function DataExport() {
  const { t } = useTranslation();
  const [state, setState] = useState<{ busy: boolean; error: unknown; file: string | null }>({
    busy: false,
    error: null,
    file: null,
  });
  const download = async () => {
    setState({ busy: true, error: null, file: null });
    try {
      const file = await downloadMyData();
      setState({ busy: false, error: null, file });
    } catch (error) {
      setState({ busy: false, error, file: null });
    }
  };
  return (
    <section className="card" aria-labelledby="profile-data">
      <h2 id="profile-data">{t('account.profile.data')}</h2>
      <p>{t('account.profile.dataLead')}</p>
      <button type="button" className="button" disabled={state.busy} onClick={() => void download()}>
        {t('account.profile.download')}
      </button>
      {state.file && (
        <p role="status" className="small">
          {t('account.profile.downloaded', { file: state.file })}
        </p>
      )}
      {state.error !== null && <FormAlert message={problemText(t, state.error)} />}
    </section>
  );
}
