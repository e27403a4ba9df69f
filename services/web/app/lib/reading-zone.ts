import { useEffect } from 'react';
import { api, unwrap } from './api';
import { visitorZone } from './format';
import { rememberSessionZone, useSessionUser, useSessionZone } from './session';

// One profile request per page however many deadlines ask at once.
let learning: Promise<void> | null = null;

function learnZone(): void {
  learning ??= unwrap(api.GET('/api/auth/me'))
    .then((me) => rememberSessionZone(me.id, me.timeZone))
    .catch(() => undefined) // offline or signed out meanwhile: the browser's zone serves
    .finally(() => {
      learning = null;
    });
}

/**
 * The zone "your time" is read in: the one chosen in the profile when signed in, else the
 * browser's. Signed out it costs nothing; signed in, the profile is asked once and remembered.
 */
export function useReadingZone(): string {
  const user = useSessionUser();
  const chosen = useSessionZone();
  useEffect(() => {
    if (user && chosen === undefined) learnZone();
  }, [user, chosen]);
  return chosen ?? visitorZone();
}
