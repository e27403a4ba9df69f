import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { QueryError } from '../../components/query-error';
import { ApiError } from '../../lib/api';
import { useSessionUser } from '../../lib/session';
import { useDocumentTitle } from '../../lib/title';
import { proposalQuery, type ProposalView } from './queries';
import { ProposalNav } from '../proposal/proposal-nav';

type Section = 'documents' | 'submit' | 'history';

/**
 * The frame of the submission pages: the proposal's name, its call, the pages of this feature, and
 * the plain-words states before there is a proposal to show (signed out, not found, loading).
 */
export function ProposalFrame({
  id,
  section,
  title,
  children,
}: {
  id: string;
  section: Section | null;
  title: string;
  children: (proposal: ProposalView) => ReactNode;
}) {
  const { t } = useTranslation();
  const user = useSessionUser();
  const proposal = useQuery({ ...proposalQuery(id), enabled: user !== null });
  useDocumentTitle(proposal.data ? `${title} · ${proposal.data.header.acronym || id}` : title);

  // Signed out here, or the server no longer takes this browser's session (expired, revoked).
  const signedOut = proposal.error instanceof ApiError && proposal.error.status === 401;
  if (!user || signedOut) {
    return (
      <section className="narrow">
        <h1>{title}</h1>
        <p>{t('submission.signInFirst')}</p>
        <p>
          <Link to="/sign-in" className="button button--primary">
            {t('nav.signIn')}
          </Link>
        </p>
      </section>
    );
  }
  if (proposal.isPending) return <p className="muted">{t('common.loading')}</p>;
  if (proposal.isError) {
    const gone = proposal.error instanceof ApiError && proposal.error.status === 404;
    return (
      <section className="narrow">
        <h1>{title}</h1>
        {gone ? (
          <p>{t('submission.notFound')}</p>
        ) : (
          <QueryError error={proposal.error} retry={() => void proposal.refetch()} />
        )}
      </section>
    );
  }
  const p = proposal.data;
  return (
    <article className="submission">
      <header className="submission__header">
        <p className="crumb">
          <Link to="/calls/$slug" params={{ slug: p.call.slug }} lang="en">
            {p.call.title}
          </Link>
        </p>
        <h1>
          {title}
          <span className="submission__acronym">
            {' · '}
            <span lang="en">{p.header.acronym || t('submission.untitled')}</span>
          </span>
        </h1>
        <p className="muted">
          {t(p.stage === 'full-proposal' ? 'submission.stage.full' : 'submission.stage.pre')} ·{' '}
          {t('submission.state', { state: t(`submission.states.${p.state}`, { defaultValue: p.state }) })}
        </p>
        <ProposalNav id={id} current={section} />
      </header>
      {children(p)}
    </article>
  );
}
