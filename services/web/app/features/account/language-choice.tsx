import type { UseFormRegisterReturn } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { languages } from '../../i18n';

/** The language of the account's mails and pages, as a native select (light, and fine for three). */
export function LanguageChoice({
  register,
  allowNone = false,
}: {
  register: UseFormRegisterReturn;
  allowNone?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <div className="field">
      <label htmlFor="account-language" className="field__label">
        {t('account.fields.language')}
      </label>
      <select id="account-language" className="field__input" {...register}>
        {allowNone && <option value="">{t('account.profile.languageNone')}</option>}
        {languages.map((l) => (
          <option key={l} value={l} lang={l}>
            {t(`language.${l}`)}
          </option>
        ))}
      </select>
    </div>
  );
}
