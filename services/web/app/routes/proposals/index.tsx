import { useQuery } from '@tanstack/react-query';
import { Link, createFileRoute } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { DeadlineTimes } from '../../components/deadline-times';
import { QueryError } from '../../components/query-error';
import { listMyProposals } from '../../features/account/account-api';
import { deadlineLabel, proposalRoleLabel, proposalStateLabel } from '../../features/account/proposal-labels';
import { requireSession } from '../../features/account/redirect';
import { SignInAgain, isSignedOut } from '../../features/account/sign-in-again';
import { useDocumentTitle } from '../../lib/title';

export const Route = createFileRoute('/proposals/')({
  beforeLoad: requireSession,
  component: MyProposals,
});

type Mine = Awaited<ReturnType<typeof listMyProposals>>['proposals'][number];

/** The proposals grouped by call, in the order the API lists them (oldest first). */
function byCall(proposals: Mine[]): { call: Mine['call']; proposals: Mine[] }[] {
  const groups = new Map<string, { call: Mine['call']; proposals: Mine[] }>();
  for (const p of proposals) {
    const group = groups.get(p.call.slug) ?? { call: p.call, proposals: [] };
    group.proposals.push(p);
    groups.set(p.call.slug, group);
  }
  return [...groups.values()];
}

function MyProposals() {
  const { t } = useTranslation();
  useDocumentTitle(t('account.mine.title'));
  const mine = useQuery({ queryKey: ['proposals', 'mine'], queryFn: listMyProposals });
  return (
    <section className="account">
      <h1>{t('account.mine.title')}</h1>
      {mine.isPending && <p role="status">{t('common.loading')}</p>}
      {isSignedOut(mine.error) && <SignInAgain />}
      {mine.error && !isSignedOut(mine.error) && (
        <QueryError error={mine.error} retry={() => void mine.refetch()} />
      )}
      {mine.data && mine.data.proposals.length === 0 && (
        <div className="card">
          <p>{t('account.mine.none')}</p>
          <p>
            <Link to="/" className="button">
              {t('account.mine.browse')}
            </Link>
          </p>
        </div>
      )}
      {mine.data &&
        byCall(mine.data.proposals).map(({ call, proposals }) => (
          <section key={call.slug} className="mine-call" aria-labelledby={`mine-${call.slug}`}>
            <h2 id={`mine-${call.slug}`}>
              <Link to="/calls/$slug" params={{ slug: call.slug }} lang="en">
                {call.title}
              </Link>
            </h2>
            <ul className="mine-list">
              {proposals.map((p) => (
                <li key={p.id} className="card mine-item">
                  <h3 className="mine-item__title">
                    <Link to="/proposals/$id" params={{ id: p.id }}>
                      <span className="mine-item__acronym">{p.acronym}</span>
                      {p.title && (
                        <>
                          {' — '}
                          <span lang="en">{p.title}</span>
                        </>
                      )}
                    </Link>
                  </h3>
                  <p className="mine-item__meta">
                    <span className={`badge badge--proposal-${p.state}`}>
                      {proposalStateLabel(t, p.state)}
                    </span>{' '}
                    {p.changedSinceSubmission && (
                      <span className="badge badge--unsubmitted">{t('account.mine.unsubmitted')}</span>
                    )}{' '}
                    <span className="muted">{proposalRoleLabel(t, p.role)}</span>
                  </p>
                  {p.nextDeadline ? (
                    <div className="mine-item__deadline">
                      <p className="deadline__what">{deadlineLabel(t, p.nextDeadline.label)}</p>
                      <DeadlineTimes iso={p.nextDeadline.at} callZone={p.nextDeadline.callZone} />
                    </div>
                  ) : (
                    <p className="muted small">{t('account.mine.noDeadline')}</p>
                  )}
                </li>
              ))}
            </ul>
          </section>
        ))}
    </section>
  );
}
