import { useEffect, useRef, useState } from 'react';

/** `value`, but at most once per `ms` (the latest one wins): for plots that need not follow every event. */
export function useThrottled<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const latest = useRef(value);
  const last = useRef(0);
  latest.current = value;
  useEffect(() => {
    const wait = Math.max(0, last.current + ms - Date.now());
    const t = setTimeout(() => {
      last.current = Date.now();
      setShown(latest.current);
    }, wait);
    return () => clearTimeout(t);
  }, [value, ms]);
  return shown;
}
