import { api, toApiError, unwrap, ApiError } from '../../lib/api';
import { deviceToken, endSession, startSession } from '../../lib/session';
import type { Language } from '../../i18n';

// The accounts API as the pages call it. Everything goes through the one typed client.

export type Me = Awaited<ReturnType<typeof getMe>>;

export function getMe() {
  return unwrap(api.GET('/api/auth/me'));
}

export function signUp(body: { email: string; displayName: string; password: string; language: Language }) {
  return unwrap(api.POST('/api/auth/sign-up', { body }));
}

export function verifyEmail(token: string) {
  return unwrap(api.POST('/api/auth/verify-email', { body: { token } }));
}

/** A refused sign-in, with when to try again for RATE_LIMITED (from Retry-After). */
export class SignInError extends ApiError {
  readonly retryAt: Date | null;
  constructor(error: ApiError, retryAt: Date | null) {
    super(error.code, error.status, error.problem);
    this.retryAt = retryAt;
  }
}

/** Signs in (sending this browser's device token) and starts the session. */
export async function signIn(email: string, password: string) {
  const token = deviceToken();
  let result;
  try {
    result = await api.POST('/api/auth/login', {
      body: { email, password, ...(token ? { deviceToken: token } : {}) },
    });
  } catch (cause) {
    throw new ApiError('NETWORK', 0, null, cause instanceof Error ? cause.message : String(cause));
  }
  if (!result.data) {
    const seconds = Number(result.response.headers.get('retry-after'));
    const retryAt = Number.isFinite(seconds) && seconds > 0 ? new Date(Date.now() + seconds * 1000) : null;
    throw new SignInError(toApiError(result.error, result.response), retryAt);
  }
  return startSession(result.data);
}

/** Ends the session on the server (best effort: offline, it ends here anyway) and here. */
export async function signOut(): Promise<void> {
  try {
    await api.POST('/api/auth/logout');
  } catch {
    // The refresh token is forgotten below; the server's session expires on its own.
  }
  endSession();
}

export function requestPasswordReset(email: string) {
  return unwrap(api.POST('/api/auth/password-reset', { body: { email } }));
}

export function confirmPasswordReset(token: string, password: string) {
  return unwrap(api.POST('/api/auth/password-reset/confirm', { body: { token, password } }));
}

export function updateMe(body: {
  displayName?: string;
  orcid?: string | null;
  timeZone?: string | null;
  language?: Language | null;
}) {
  return unwrap(api.PATCH('/api/auth/me', { body }));
}

export function changePassword(currentPassword: string, newPassword: string) {
  return unwrap(api.POST('/api/auth/me/password', { body: { currentPassword, newPassword } }));
}

/** The personal-data export as the file the server names, saved through a temporary link. */
export async function downloadMyData(): Promise<string> {
  const blob = await unwrap(api.GET('/api/auth/me/export', { parseAs: 'blob' }));
  const name = 'permed-calls-personal-data.json';
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the link; the object URL can go on the next tick.
  setTimeout(() => URL.revokeObjectURL(url), 0);
  return name;
}

export function listMyProposals() {
  return unwrap(api.GET('/api/proposals/mine'));
}
