import { useTranslation } from 'react-i18next';
import { durationParts } from '../lib/format';
import { useServerNow } from '../lib/clock';

/** "12 days 4 hours left", updated every second; two units, the largest that are not zero. */
export function Countdown({ until }: { until: string }) {
  const { t } = useTranslation();
  const now = useServerNow();
  const left = Date.parse(until) - now;
  if (left <= 0) return <span className="countdown countdown--passed">{t('deadline.passed')}</span>;
  const p = durationParts(left);
  const units = (
    [
      ['days', p.days],
      ['hours', p.hours],
      ['minutes', p.minutes],
      ['seconds', p.seconds],
    ] as const
  ).filter(([, n], i, all) => n > 0 || all.slice(0, i).every(([, m]) => m === 0));
  const shown = units.filter(([, n]) => n > 0).slice(0, 2);
  const text = shown.map(([unit, count]) => t(`duration.${unit}`, { count })).join(' ');
  // role=timer: assistive technology does not announce each tick (implicit aria-live off).
  return (
    <span role="timer" className="countdown">
      {t('deadline.remaining', { time: text })}
    </span>
  );
}
