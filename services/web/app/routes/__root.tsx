import type { QueryClient } from '@tanstack/react-query';
import { Link, Outlet, createRootRouteWithContext, useRouterState } from '@tanstack/react-router';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitcher } from '../components/language-switcher';
import { NotFound } from '../components/not-found';
import { UserMenu } from '../features/account/user-menu';
import { useReadingZone } from '../lib/reading-zone';

export const Route = createRootRouteWithContext<{ queryClient: QueryClient }>()({
  component: Shell,
  notFoundComponent: NotFound,
});

function Shell() {
  const { t } = useTranslation();
  // The footer names the zone the deadlines are read in: the profile's when signed in.
  const readingZone = useReadingZone();
  const main = useRef<HTMLElement>(null);
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  const shown = useRef(pathname);
  // After a client-side navigation, focus moves to the new page's content (as a page load would),
  // so keyboard and screen-reader users start at the top of what changed. Compared by path, not
  // by "first run", because React runs effects twice in development.
  useEffect(() => {
    if (shown.current === pathname) return;
    shown.current = pathname;
    main.current?.focus();
  }, [pathname]);
  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="site-header">
        <div className="site-header__inner">
          <Link to="/" className="brand">
            <span className="brand__mark" aria-hidden="true" />
            <span className="brand__name">{t('app.name')}</span>
          </Link>
          <nav aria-label={t('app.mainNav')} className="site-nav">
            <Link to="/" className="site-nav__link" activeOptions={{ exact: true }}>
              {t('nav.calls')}
            </Link>
            <UserMenu />
          </nav>
          <LanguageSwitcher />
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1} className="page">
        <Outlet />
      </main>
      <footer className="site-footer">
        <p>{t('app.footer', { zone: readingZone })}</p>
        <p>
          <a href="/docs/">{t('app.apiDocs')}</a>
        </p>
      </footer>
    </>
  );
}
