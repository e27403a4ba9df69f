/**
 * Where a person was going when they chose "Create an account" (the call's apply form): the
 * sign-up page remembers it, the sign-in after the mail's link goes back there. The mail's link
 * opens in another tab, so the place is kept in localStorage, and read once.
 */
const KEY = 'permed.returnAfterSignUp';

/** On a successful sign-up: keeps the page's `?redirect=`, if it has one. */
export function rememberReturn(): void {
  const target = new URLSearchParams(window.location.search).get('redirect');
  if (target) localStorage.setItem(KEY, target);
}

/** On sign-in: the remembered place (checked by the caller with safeRedirect), forgotten after. */
export function takeReturn(): string | null {
  const target = localStorage.getItem(KEY);
  localStorage.removeItem(KEY);
  return target;
}
