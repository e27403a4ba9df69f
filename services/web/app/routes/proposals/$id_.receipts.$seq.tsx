import { useQuery } from '@tanstack/react-query';
import { Link, createFileRoute } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { QueryError } from '../../components/query-error';
import { ProposalFrame } from '../../features/submission/proposal-frame';
import { receiptsQuery } from '../../features/submission/queries';
import { ReceiptDetails } from '../../features/submission/receipt-view';

export const Route = createFileRoute('/proposals/$id_/receipts/$seq')({
  component: ReceiptPage,
});

function ReceiptPage() {
  const { id, seq } = Route.useParams();
  const { t } = useTranslation();
  return (
    <ProposalFrame id={id} section={null} title={t('submission.receipt.title')}>
      {(proposal) => <Receipt id={id} seq={Number(seq)} callTitle={proposal.call.title} />}
    </ProposalFrame>
  );
}

function Receipt({ id, seq, callTitle }: { id: string; seq: number; callTitle: string }) {
  const { t } = useTranslation();
  const receipts = useQuery(receiptsQuery(id));
  if (receipts.isPending) return <p className="muted">{t('common.loading')}</p>;
  if (receipts.isError) return <QueryError error={receipts.error} retry={() => void receipts.refetch()} />;
  const receipt = receipts.data.find((r) => r.version === seq);
  if (!receipt) return <p>{t('submission.receipt.notFound', { seq })}</p>;
  return (
    <>
      <p className="notice notice--ok receipt__done" role="status">
        {t('submission.receipt.received')}
      </p>
      <ReceiptDetails receipt={receipt} callTitle={callTitle} />
      <p className="no-print">
        <Link to="/proposals/$id/history" params={{ id }}>
          {t('submission.receipt.toHistory')}
        </Link>
      </p>
    </>
  );
}
