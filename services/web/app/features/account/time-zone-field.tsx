import { useMemo } from 'react';
import {
  ComboBox,
  FieldError,
  Input,
  Label,
  ListBox,
  ListBoxItem,
  Popover,
  Text,
  Button,
} from 'react-aria-components';
import { useTranslation } from 'react-i18next';

/** Every IANA zone the browser knows (the server checks against Intl too). */
function zones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
}

/**
 * The time zone as a React Aria ComboBox: type "berl" to find Europe/Berlin among ~400 zones.
 * Clearing the text chooses none (pages then use the browser's zone).
 */
export function TimeZoneField({
  value,
  onChange,
  error,
}: {
  value: string | null;
  onChange: (zone: string | null) => void;
  error?: string | undefined;
}) {
  const { t } = useTranslation();
  const items = useMemo(() => zones().map((id) => ({ id })), []);
  return (
    <ComboBox
      className={`field${error ? ' field--invalid' : ''}`}
      defaultItems={items}
      selectedKey={value}
      onSelectionChange={(key) => onChange(key === null ? null : String(key))}
      isInvalid={Boolean(error)}
      menuTrigger="focus"
      allowsEmptyCollection
    >
      <Label className="field__label">{t('account.fields.timeZone')}</Label>
      <Text slot="description" className="field__hint">
        {t('account.profile.timeZoneHint')}
      </Text>
      <div className="combo">
        <Input className="field__input combo__input" />
        <Button className="combo__button" aria-label={t('account.profile.timeZoneShow')}>
          <span aria-hidden="true">▾</span>
        </Button>
      </div>
      <FieldError className="field__error">{error}</FieldError>
      <Popover className="combo__popover">
        <ListBox
          className="combo__list"
          renderEmptyState={() => <p className="combo__empty">{t('account.profile.timeZoneNone')}</p>}
        >
          {(item: { id: string }) => (
            <ListBoxItem className="combo__item" textValue={item.id}>
              {item.id}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </ComboBox>
  );
}
