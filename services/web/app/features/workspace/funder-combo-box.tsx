import { useState } from 'react';
import { Button, ComboBox, Input, Label, ListBox, ListBoxItem, Popover, Text } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import type { FunderView } from '../calls/queries';

const OWN = '__own-funded__';

/**
 * The funder a partner asks money from, among those of its country and region, or "own-funded".
 * React Aria's ComboBox gives the combobox pattern (typing filters, arrows, Escape) and its labels.
 */
export function FunderComboBox({
  funders,
  value,
  onChange,
  isDisabled,
  errorId,
  descriptionId,
  invalid,
}: {
  funders: readonly FunderView[];
  value: string;
  onChange: (funderId: string) => void;
  isDisabled?: boolean;
  errorId?: string | undefined;
  descriptionId?: string;
  invalid?: boolean;
}) {
  const { t } = useTranslation();
  const ownLabel = t('workspace.partner.ownFunded');
  const items = [
    ...funders.map((f) => ({
      id: f.id,
      label: `${f.acronym ?? f.id} – ${f.name} (${f.commitment.currency})`,
    })),
    { id: OWN, label: ownLabel },
  ];
  const selected = value === '' ? OWN : value;
  const labelOf = (id: string) => items.find((i) => i.id === id)?.label ?? '';
  // The text in the box is held here: the live check re-renders the form while one types, and an
  // uncontrolled box would snap back to the selected funder's name.
  const [inputValue, setInputValue] = useState(() => labelOf(selected));
  const [shownFor, setShownFor] = useState(selected);
  if (shownFor !== selected) {
    setShownFor(selected);
    setInputValue(labelOf(selected));
  }
  return (
    <ComboBox
      className="field combo"
      selectedKey={selected}
      onSelectionChange={(key) => {
        if (key === null) return;
        setInputValue(labelOf(String(key)));
        onChange(key === OWN ? '' : String(key));
      }}
      inputValue={inputValue}
      onInputChange={setInputValue}
      defaultItems={items}
      isDisabled={isDisabled ?? false}
      isInvalid={invalid ?? false}
    >
      <Label className="field__label">{t('workspace.partner.funder')}</Label>
      <div className="combo__control">
        <Input
          className="input"
          aria-describedby={[descriptionId, errorId].filter(Boolean).join(' ') || undefined}
        />
        <Button className="combo__button" aria-label={t('workspace.partner.showFunders')}>
          <span aria-hidden="true">▾</span>
        </Button>
      </div>
      <Text slot="description" className="field__hint small muted">
        {funders.length === 0 ? t('workspace.partner.noFunder') : t('workspace.partner.funderHint')}
      </Text>
      <Popover className="combo__popover">
        <ListBox className="combo__list">
          {(item: { id: string; label: string }) => (
            <ListBoxItem
              className="combo__item"
              id={item.id}
              textValue={item.label}
              lang={item.id === OWN ? undefined : 'en'}
            >
              {item.label}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </ComboBox>
  );
}
