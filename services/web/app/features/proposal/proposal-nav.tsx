import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';

export type ProposalPage = 'workspace' | 'documents' | 'submit' | 'history';

const pages = [
  { key: 'workspace', to: '/proposals/$id' },
  { key: 'documents', to: '/proposals/$id/documents' },
  { key: 'submit', to: '/proposals/$id/submit' },
  { key: 'history', to: '/proposals/$id/history' },
] as const;

/**
 * The pages of one proposal, in the order a person hands it in: the workspace (sections,
 * consortium), the documents, the submit step, the history. One component on every proposal page
 * so each leads to the next; `current` is null on a page outside the four (the receipt).
 */
export function ProposalNav({ id, current }: { id: string; current: ProposalPage | null }) {
  const { t } = useTranslation();
  return (
    <nav aria-label={t('proposalNav.label')} className="proposal-nav">
      <ul>
        {pages.map((page) => (
          <li key={page.key}>
            <Link
              to={page.to}
              params={{ id }}
              className="proposal-nav__tab"
              // Exact: the router would otherwise mark the workspace (/proposals/$id) current on
              // every page under it, and set aria-current on it too.
              activeOptions={{ exact: true }}
              aria-current={page.key === current ? 'page' : undefined}
            >
              {t(`proposalNav.${page.key}`)}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
