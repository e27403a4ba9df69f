import { useTranslation } from 'react-i18next';
import { Label, Radio, RadioGroup } from 'react-aria-components';
import { languages } from '../i18n';

/**
 * en / de / fr as one radio group, each language named in itself; i18next's detector remembers
 * the choice in localStorage. A radio group rather than a select: three options fit in the header,
 * one click changes the language, and React Aria's Select (popover, list box, collections) costs
 * 55 kB gzip of the first page's JavaScript where this costs a fraction (docs/benchmarks.md).
 */
export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  const current = languages.find((l) => l === i18n.resolvedLanguage) ?? 'en';
  return (
    <RadioGroup
      className="language"
      orientation="horizontal"
      value={current}
      onChange={(value) => void i18n.changeLanguage(value)}
    >
      <Label className="language__label">{t('language.label')}</Label>
      <div className="language__options">
        {languages.map((l) => (
          <Radio key={l} value={l} className="language__option">
            <span aria-hidden="true">{l.toUpperCase()}</span>
            <span className="visually-hidden" lang={l}>
              {t(`language.${l}`)}
            </span>
          </Radio>
        ))}
      </div>
    </RadioGroup>
  );
}
