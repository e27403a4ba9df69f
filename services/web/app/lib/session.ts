import { useSyncExternalStore } from 'react';
import type { Middleware } from 'openapi-fetch';
import type { components, paths } from '../api/schema.gen';

/**
 * The signed-in person's session in the browser, the one place that holds tokens.
 *
 * - The access token (15 min) lives in memory only.
 * - The refresh token lives in localStorage, so a reload or a second tab stays signed in. It is
 *   readable by a script of this origin, so the page loads no script but its own (CSP
 *   `script-src 'self'`, no inline script) and the token rotates on every refresh: a stolen one
 *   works once, and then the owner's next refresh fails and ends the session.
 * - The device token (login throttle) outlives sign-out: it lets this browser sign in while
 *   strangers' failures lock the account for everyone else.
 *
 * Every API call made through `api` (lib/api.ts) gets the bearer token from here; a 401 with an
 * expired token refreshes once and retries. Two tabs refreshing at once share one refresh.
 */

type Tokens = paths['/api/auth/login']['post']['responses'][200]['content']['application/json'];
export type SessionUser = Tokens['user'];

export interface Session {
  user: SessionUser;
  accessToken: string;
  accessTokenExpiresAt: number;
}

const REFRESH_KEY = 'permed.refreshToken';
const DEVICE_KEY = 'permed.deviceToken';
const USER_KEY = 'permed.user';
/** The profile's time zone as last learned, with whose it is: `{ user, zone }`, zone null = none. */
const ZONE_KEY = 'permed.timeZone';

let current: Session | null = null;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((listener) => listener());

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null; // storage disabled: the session lasts as long as the page
  }
}

/** Keeps the tokens of a sign-in (or a refresh) and tells every subscriber. */
export function startSession(tokens: Tokens): Session {
  current = {
    user: tokens.user,
    accessToken: tokens.accessToken,
    accessTokenExpiresAt: Date.parse(tokens.accessTokenExpiresAt),
  };
  const store = storage();
  store?.setItem(REFRESH_KEY, tokens.refreshToken);
  store?.setItem(USER_KEY, JSON.stringify(tokens.user));
  if (tokens.deviceToken) store?.setItem(DEVICE_KEY, tokens.deviceToken);
  emit();
  return current;
}

/** Forgets the session here (the server side is revoked by the caller through `logout`). */
export function endSession(): void {
  current = null;
  storage()?.removeItem(REFRESH_KEY);
  storage()?.removeItem(USER_KEY);
  storage()?.removeItem(ZONE_KEY);
  emit();
}

/**
 * The time zone the signed-in person chose in the profile (null: none chosen), kept beside the
 * user so deadlines read in it without asking the server on every page. Learned from the profile
 * (GET or PATCH /api/auth/me); the sign-in answer does not carry it.
 */
export function rememberSessionZone(userId: string, zone: string | null): void {
  storage()?.setItem(ZONE_KEY, JSON.stringify({ user: userId, zone }));
  emit();
}

/** The signed-in person's profile zone: a zone, null for none chosen, undefined when not yet known. */
export function sessionZone(): string | null | undefined {
  const user = sessionUser();
  const stored = storage()?.getItem(ZONE_KEY);
  if (!user || !stored) return undefined;
  try {
    const known = JSON.parse(stored) as { user?: unknown; zone?: unknown };
    // Another account's zone (signed in as someone else without signing out) is not this one's.
    if (known.user !== user.id) return undefined;
    return typeof known.zone === 'string' ? known.zone : null;
  } catch {
    return undefined;
  }
}

/** The signed-in person renamed themselves (profile): the header shows the new name at once. */
export function renameSessionUser(displayName: string): void {
  const user = sessionUser();
  if (!user) return;
  const renamed = { ...user, displayName };
  if (current) current = { ...current, user: renamed };
  storage()?.setItem(USER_KEY, JSON.stringify(renamed));
  emit();
}

export function deviceToken(): string | undefined {
  return storage()?.getItem(DEVICE_KEY) ?? undefined;
}

/** Who is signed in, as far as this page knows without asking the server. */
export function sessionUser(): SessionUser | null {
  if (current) return current.user;
  const stored = storage()?.getItem(USER_KEY);
  if (!stored || !storage()?.getItem(REFRESH_KEY)) return null;
  try {
    return JSON.parse(stored) as SessionUser;
  } catch {
    return null;
  }
}

let cachedUser: SessionUser | null = null;
let cachedKey = '';
function snapshot(): SessionUser | null {
  const user = sessionUser();
  const key = user ? `${user.id}|${user.email}|${user.displayName}` : '';
  if (key !== cachedKey) {
    cachedKey = key;
    cachedUser = user;
  }
  return cachedUser;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // Another tab signing in or out changes localStorage; follow it.
  const onStorage = (event: StorageEvent) => {
    if (event.key === REFRESH_KEY || event.key === USER_KEY || event.key === ZONE_KEY || event.key === null) {
      if (!storage()?.getItem(REFRESH_KEY)) current = null;
      listener();
    }
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

/** The signed-in user for a component (re-renders on sign-in and sign-out, in any tab). */
export function useSessionUser(): SessionUser | null {
  return useSyncExternalStore(subscribe, snapshot, () => null);
}

// A string snapshot compares by value, so useSyncExternalStore re-renders only on a change.
const zoneSnapshot = (): string => {
  const zone = sessionZone();
  return zone === undefined ? '?' : (zone ?? '');
};

/**
 * The profile's zone for a component: a zone, null when signed out or none chosen, undefined while
 * signed in and not yet known.
 */
export function useSessionZone(): string | null | undefined {
  const key = useSyncExternalStore(subscribe, zoneSnapshot, () => '');
  return key === '?' ? undefined : key === '' ? null : key;
}

let refreshing: Promise<Session | null> | null = null;

/**
 * New tokens from the stored refresh token, once for all callers waiting at the same moment.
 * Resolves null (and ends the session) when the server no longer accepts it.
 */
export function refreshSession(): Promise<Session | null> {
  refreshing ??= (async () => {
    const refreshToken = storage()?.getItem(REFRESH_KEY);
    if (!refreshToken) {
      current = null;
      return null;
    }
    try {
      const response = await fetch('/api/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken }),
      });
      if (!response.ok) {
        // 5xx or 429: keep the refresh token for a later try; anything else means it is dead.
        if (response.status < 500 && response.status !== 429) endSession();
        return null;
      }
      return startSession((await response.json()) as Tokens);
    } catch {
      return null; // offline: keep the refresh token
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/** A valid access token, refreshed when it expires within the next 30 s; null when signed out. */
export async function accessToken(): Promise<string | null> {
  if (current && current.accessTokenExpiresAt - Date.now() > 30_000) return current.accessToken;
  return (await refreshSession())?.accessToken ?? null;
}

/** A copy of each request as first sent, for the one retry after a refresh (a body is read once). */
const spare = new WeakMap<Request, Request>();

/**
 * openapi-fetch middleware: the bearer token on every /api call, and one refresh and retry when
 * the server says the token expired meanwhile (the browser's clock may disagree with the server's).
 */
export const sessionMiddleware: Middleware = {
  async onRequest({ request }) {
    if (request.headers.has('authorization')) return request;
    const token = await accessToken();
    if (!token) return request;
    request.headers.set('authorization', `Bearer ${token}`);
    spare.set(request, request.clone());
    return request;
  },
  async onResponse({ request, response }) {
    const copy = spare.get(request);
    spare.delete(request);
    if (response.status !== 401 || !copy) return response;
    const problem = (await response
      .clone()
      .json()
      .catch(() => null)) as components['schemas']['Problem'] | null;
    if (problem?.code !== 'TOKEN_EXPIRED') return response;
    current = null;
    const session = await refreshSession();
    if (!session) return response;
    copy.headers.set('authorization', `Bearer ${session.accessToken}`);
    return fetch(copy);
  },
};
