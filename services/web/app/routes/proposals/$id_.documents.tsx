import { createFileRoute } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { DocumentUpload } from '../../features/submission/document-upload';
import { ProposalFrame } from '../../features/submission/proposal-frame';

// `$id_`: a sibling of the workspace route `/proposals/$id`, not its child, so this page renders
// whatever that route's layout is (and the two are built on separate branches).
export const Route = createFileRoute('/proposals/$id_/documents')({
  component: DocumentsPage,
});

/** Who may upload: the coordinator and consortium-wide editors (the server decides; this hides the drop zone). */
const uploaders = new Set(['coordinator', 'editor']);

function DocumentsPage() {
  const { id } = Route.useParams();
  const { t } = useTranslation();
  return (
    <ProposalFrame id={id} section="documents" title={t('submission.documents.title')}>
      {(proposal) => {
        const canUpload =
          uploaders.has(proposal.you.role) &&
          proposal.you.partnerId === null &&
          ['draft', 'submitted', 'full-draft', 'full-submitted', 'invited'].includes(proposal.state);
        return (
          <>
            <p className="lead">{t('submission.documents.intro')}</p>
            <DocumentUpload proposal={proposal} kind="proposal" canUpload={canUpload} />
            <DocumentUpload proposal={proposal} kind="annex" canUpload={canUpload} />
          </>
        );
      }}
    </ProposalFrame>
  );
}
