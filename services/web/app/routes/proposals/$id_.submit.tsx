import { createFileRoute } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { ProposalFrame } from '../../features/submission/proposal-frame';
import { SubmitPanel } from '../../features/submission/submit-panel';

export const Route = createFileRoute('/proposals/$id_/submit')({
  component: SubmitPage,
});

function SubmitPage() {
  const { id } = Route.useParams();
  const { t } = useTranslation();
  return (
    <ProposalFrame id={id} section="submit" title={t('submission.submit.pageTitle')}>
      {(proposal) => <SubmitPanel proposal={proposal} />}
    </ProposalFrame>
  );
}
