import { useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useRouterState } from '@tanstack/react-router';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSessionUser } from '../../lib/session';
import { signOut } from './account-api';

/**
 * The header's account part: "Sign in" for a visitor; for a signed-in person their name, opening
 * a short list (profile, my proposals, sign out). A disclosure (button + list of links) rather than
 * an ARIA menu: it is navigation, and it keeps React Aria's menu out of the first page's bundle.
 */
export function UserMenu() {
  const { t } = useTranslation();
  const user = useSessionUser();
  const [open, setOpen] = useState(false);
  const id = useId();
  const box = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const pathname = useRouterState({ select: (s) => s.location.pathname });

  // Closes after a navigation and on a click elsewhere.
  useEffect(() => setOpen(false), [pathname]);
  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!box.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open]);

  if (!user)
    return (
      <Link to="/sign-in" className="site-nav__link">
        {t('nav.signIn')}
      </Link>
    );

  const leave = async () => {
    setOpen(false);
    await signOut();
    // What the person saw signed in is not left in memory for the next one at this browser.
    queryClient.clear();
    await navigate({ to: '/' });
  };

  return (
    <div
      className="user-menu"
      ref={box}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && open) {
          setOpen(false);
          button.current?.focus();
        }
      }}
    >
      <button
        ref={button}
        type="button"
        className="user-menu__button"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="visually-hidden">{t('account.menu.label')} </span>
        {user.displayName}
        <span aria-hidden="true" className="user-menu__caret">
          ▾
        </span>
      </button>
      <ul id={id} className="user-menu__list" hidden={!open}>
        <li>
          <Link to="/proposals" className="user-menu__item">
            {t('account.menu.proposals')}
          </Link>
        </li>
        <li>
          <Link to="/profile" className="user-menu__item">
            {t('account.menu.profile')}
          </Link>
        </li>
        <li>
          <button type="button" className="user-menu__item" onClick={() => void leave()}>
            {t('account.menu.signOut')}
          </button>
        </li>
      </ul>
    </div>
  );
}
