import { useTranslation } from 'react-i18next';
import { formatInstant, visitorZone, zoneAbbreviation } from '../lib/format';

/** One instant in the visitor's zone and in the call's zone, each named. */
export function DeadlineTimes({ iso, callZone }: { iso: string; callZone: string }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.resolvedLanguage ?? 'en';
  const mine = visitorZone();
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
