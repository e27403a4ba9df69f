import { redirect } from '@tanstack/react-router';
import { sessionUser } from '../../lib/session';

/**
 * Where to go after signing in: a path of this site only. Anything else (another origin, a
 * protocol-relative `//host`, a backslash trick) falls back, so the sign-in page cannot be used
 * to send a person elsewhere.
 */
export function safeRedirect(target: unknown, fallback = '/proposals'): string {
  if (typeof target !== 'string' || !target.startsWith('/') || target.startsWith('//')) return fallback;
  if (target.includes('\\')) return fallback;
  return target;
}

/** A route's `beforeLoad`: a signed-out visitor goes to the sign-in page, and comes back here after. */
export function requireSession({ location }: { location: { href: string } }): void {
  if (sessionUser()) return;
  // eslint-disable-next-line @typescript-eslint/only-throw-error -- the router's redirect is thrown by design
  throw redirect({ to: '/sign-in', search: { redirect: location.href } });
}

/** The search of a page that returns somewhere afterwards. */
export function redirectSearch(search: Record<string, unknown>): { redirect?: string } {
  return typeof search.redirect === 'string' ? { redirect: search.redirect } : {};
}
