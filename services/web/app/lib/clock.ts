import { useEffect, useState } from 'react';

// The server's clock decides deadlines, so countdowns run on it: the offset between the
// server's time (sent with the stages) and this device's clock is applied to every countdown.
let offsetMs = 0;

export function learnServerTime(serverTime: string, receivedAt: number = Date.now()): void {
  const server = Date.parse(serverTime);
  if (Number.isFinite(server)) offsetMs = server - receivedAt;
}

export function serverNow(): number {
  return Date.now() + offsetMs;
}

/** The server's now, refreshed every `everyMs`. */
export function useServerNow(everyMs = 1000): number {
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    const id = window.setInterval(() => setNow(serverNow()), everyMs);
    return () => window.clearInterval(id);
  }, [everyMs]);
  return now;
}
