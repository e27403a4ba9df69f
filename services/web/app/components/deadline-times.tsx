import { useTranslation } from 'react-i18next';
import { formatInstant, zoneAbbreviation } from '../lib/format';
import { useReadingZone } from '../lib/reading-zone';

/** One instant in the reader's zone (the profile's, else the browser's) and in the call's zone. */
export function DeadlineTimes({ iso, callZone }: { iso: string; callZone: string }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.resolvedLanguage ?? 'en';
  const mine = useReadingZone();
  const row = (label: string, zone: string) => (
    <div className="times__row">
      <dt>{label}</dt>
      <dd>
        <time dateTime={iso}>{formatInstant(iso, lng, zone)}</time>{' '}
        <span className="zone">
          {zoneAbbreviation(iso, lng, zone)} · {zone}
        </span>
      </dd>
    </div>
  );
  return (
    <dl className="times">
      {row(t('common.yourTime'), mine)}
      {row(t('common.callTime'), callZone)}
    </dl>
  );
}
