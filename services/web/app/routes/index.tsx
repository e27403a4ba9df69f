import { useQuery, useSuspenseQuery } from '@tanstack/react-query';
import { Link, createFileRoute } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { QueryError } from '../components/query-error';
import { DeadlineText } from '../features/calls/deadline-text';
import { useServerNow } from '../lib/clock';
import { useDocumentTitle } from '../lib/title';
import { callsQuery, nextDeadline, stagesQuery } from '../features/calls/queries';
import { callStateLabel } from '../features/calls/labels';

export const Route = createFileRoute('/')({
  loader: ({ context }) => context.queryClient.ensureQueryData(callsQuery),
  component: CallsList,
  errorComponent: ({ error, reset }) => <QueryError error={error} retry={reset} />,
});

function CallsList() {
  const { t } = useTranslation();
  const { data: calls } = useSuspenseQuery(callsQuery);
  useDocumentTitle(t('calls.title'));
  return (
    <>
      <h1>{t('calls.title')}</h1>
      <p className="lead">{t('calls.intro')}</p>
      {calls.length === 0 ? (
        <p>{t('calls.empty')}</p>
      ) : (
        <ul className="call-list">
          {calls.map((call) => (
            <li key={call.slug} className="card call-card">
              <h2 className="call-card__title" lang="en">
                <Link to="/calls/$slug" params={{ slug: call.slug }}>
                  {call.title}
                </Link>
              </h2>
              <p className="call-card__meta">
                <span className={`badge badge--${call.state}`}>{callStateLabel(t, call.state)}</span>
                <span>{t('calls.version', { version: call.version })}</span>
              </p>
              <NextDeadline slug={call.slug} zone={call.zone} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function NextDeadline({ slug, zone }: { slug: string; zone: string }) {
  const { t } = useTranslation();
  const stages = useQuery(stagesQuery(slug));
  const now = useServerNow(60_000);
  if (stages.isPending) return <p className="muted">{t('common.loading')}</p>;
  if (stages.isError) return <QueryError error={stages.error} retry={() => void stages.refetch()} />;
  const next = nextDeadline(stages.data.stages, now);
  return (
    <div className="deadline">
      <h3 className="deadline__title">{t('calls.nextDeadline')}</h3>
      <DeadlineText next={next} zone={zone} />
    </div>
  );
}
