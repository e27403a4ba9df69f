import { useMutation } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap, ApiError } from '../../lib/api';
import { useSessionUser } from '../../lib/session';
import { useDocumentTitle } from '../../lib/title';
import { signInHref } from './sign-in-first';
import { problemText } from './status';

const PENDING_KEY = 'permed.pendingInvitation';

/**
 * The token from the link's fragment, kept in this browser until it is used: a person without an
 * account signs up (and confirms the address, maybe in another tab) before coming back, and the
 * way back is /proposal-invitation without the fragment. The fragment is then dropped from the
 * address bar, so the token stays out of the history and of shared links.
 */
function takeToken(): string | null {
  const fromHash = window.location.hash.replace(/^#/, '');
  let store: Storage | null = null;
  try {
    store = window.localStorage;
  } catch {
    store = null;
  }
  if (/^[A-Za-z0-9_-]{20,}$/.test(fromHash)) {
    store?.setItem(PENDING_KEY, fromHash);
    window.history.replaceState(window.history.state, '', window.location.pathname);
    return fromHash;
  }
  return store?.getItem(PENDING_KEY) ?? null;
}

function forgetToken(): void {
  try {
    window.localStorage.removeItem(PENDING_KEY);
  } catch {
    // storage disabled: nothing was kept
  }
}

export function InvitationLanding() {
  const { t } = useTranslation();
  useDocumentTitle(t('workspace.invitation.title'));
  const [token] = useState(takeToken);
  const user = useSessionUser();
  const navigate = useNavigate();
  const accept = useMutation({
    mutationFn: (value: string) =>
      unwrap(api.POST('/api/proposals/invitations/accept', { body: { token: value } })),
    onSuccess: async (result) => {
      forgetToken();
      await navigate({
        to: '/proposals/$id',
        params: { id: result.proposalId },
        hash: result.partnerId ? `partner-${result.partnerId}` : undefined,
      });
    },
  });

  const errorText = (error: unknown) => {
    if (error instanceof ApiError) {
      if (error.code === 'INVITATION_USED') return t('workspace.invitation.used');
      if (error.code === 'INVITATION_EXPIRED') return t('workspace.invitation.expired');
      if (error.code === 'NOT_FOUND') return t('workspace.invitation.unknown');
      if (error.code === 'CONFLICT') return t('workspace.invitation.already');
    }
    return problemText(t, error);
  };

  return (
    <section className="narrow invitation">
      <h1>{t('workspace.invitation.title')}</h1>
      {!token ? (
        <p role="alert" className="notice notice--error">
          {t('workspace.invitation.noToken')}
        </p>
      ) : !user ? (
        <>
          <p>{t('workspace.invitation.signedOut')}</p>
          <p className="apply__row">
            <a className="button button--primary" href={signInHref('/proposal-invitation')}>
              {t('workspace.invitation.signIn')}
            </a>
            <a className="button" href={signInHref('/proposal-invitation', 'sign-up')}>
              {t('workspace.invitation.signUp')}
            </a>
          </p>
          <p className="small muted">{t('workspace.invitation.kept')}</p>
        </>
      ) : (
        <>
          <p>{t('workspace.invitation.signedIn', { email: user.email })}</p>
          <p>
            <button
              type="button"
              className="button button--primary"
              disabled={accept.isPending}
              onClick={() => accept.mutate(token)}
            >
              {t('workspace.invitation.accept')}
            </button>
          </p>
          {accept.isError && (
            <p role="alert" className="notice notice--error">
              {errorText(accept.error)}
            </p>
          )}
          <p className="small muted">{t('workspace.invitation.notYou')}</p>
        </>
      )}
    </section>
  );
}
