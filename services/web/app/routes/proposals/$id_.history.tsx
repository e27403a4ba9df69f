import { createFileRoute } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { FullStage, OutcomeStage, RebuttalStage, VersionList } from '../../features/submission/history-view';
import { ProposalFrame } from '../../features/submission/proposal-frame';

export const Route = createFileRoute('/proposals/$id_/history')({
  component: HistoryPage,
});

function HistoryPage() {
  const { id } = Route.useParams();
  const { t } = useTranslation();
  return (
    <ProposalFrame id={id} section="history" title={t('submission.history.title')}>
      {(proposal) => (
        <>
          <section aria-labelledby="versions-heading">
            <h2 id="versions-heading">{t('submission.history.versions')}</h2>
            <VersionList proposal={proposal} />
          </section>
          <FullStage proposal={proposal} />
          <RebuttalStage proposal={proposal} />
          <OutcomeStage proposal={proposal} />
        </>
      )}
    </ProposalFrame>
  );
}
