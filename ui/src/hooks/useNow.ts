import { useEffect, useRef, useState } from 'react';

/** The current time, refreshed every `intervalMs` while `active` (for "waiting 0:12" counters). */
export function useNow(active: boolean, intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  // At mount the first render's time is fresh: refreshing it at once only re-rendered every user
  // (each row of the table, the plots) right after their first render.
  const mounted = useRef(false);
  useEffect(() => {
    const turnedOnLater = mounted.current;
    mounted.current = true;
    if (!active) return;
    if (turnedOnLater) setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [active, intervalMs]);
  return now;
}
