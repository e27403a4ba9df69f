import { useTranslation } from 'react-i18next';
import { Button, Label, ListBox, ListBoxItem, Popover, Select, SelectValue } from 'react-aria-components';
import { languages, type Language } from '../i18n';

/** en / de / fr; i18next's detector remembers the choice in localStorage. */
export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  const current = languages.find((l) => l === i18n.resolvedLanguage) ?? 'en';
  return (
    <Select
      className="language"
      selectedKey={current}
      onSelectionChange={(key) => void i18n.changeLanguage(key as Language)}
    >
      <Label className="language__label">{t('language.label')}</Label>
      <Button className="language__button">
        <SelectValue />
        <span aria-hidden="true" className="language__chevron">
          ▾
        </span>
      </Button>
      <Popover className="language__popover">
        <ListBox className="language__list">
          {languages.map((l) => (
            <ListBoxItem key={l} id={l} className="language__option" textValue={t(`language.${l}`)}>
              <span lang={l}>{t(`language.${l}`)}</span>
            </ListBoxItem>
          ))}
        </ListBox>
      </Popover>
    </Select>
  );
}
