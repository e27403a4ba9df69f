import { useNavigate } from '@tanstack/react-router';
import { useEffect, useRef } from 'react';
import { ApiError } from '../../lib/api';

/** The server no longer knows the session (revoked, expired, or ended in another tab). */
export function isSignedOut(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}

/**
 * Sends the person to sign in again, and back here after it. Once, with the address of the page
 * as it was: while the sign-in page loads, this one is still shown under the new address, and
 * reading the router's current address then would send /sign-in back to itself without end.
 */
export function SignInAgain() {
  const navigate = useNavigate();
  const sent = useRef(false);
  useEffect(() => {
    if (sent.current) return;
    sent.current = true;
    const here = window.location.pathname + window.location.search;
    void navigate({ to: '/sign-in', search: { redirect: here }, replace: true });
  }, [navigate]);
  return null;
}
