import { useTranslation } from 'react-i18next';
import { Countdown } from '../../components/countdown';
import { DeadlineTimes } from '../../components/deadline-times';
import { stageLabel } from './labels';
import type { StageView } from './queries';

/** The next submission deadline in words, as a countdown and in the reader's and the call's zone. */
export function DeadlineText({ next, zone }: { next: StageView | null; zone: string }) {
  const { t } = useTranslation();
  if (!next) return <p>{t('deadline.none')}</p>;
  return (
    <>
      <p className="deadline__what">
        {t('deadline.closes', { stage: stageLabel(t, next.kind, next.label) })}
        <br />
        <Countdown until={next.closesAt.utc} />
      </p>
      <DeadlineTimes iso={next.closesAt.utc} callZone={zone} />
    </>
  );
}
