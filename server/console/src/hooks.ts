// Loading data for a page: state for the first load, a reload, and 401s
// handed to the session (an expired token signs the operator out).
import { useCallback, useEffect, useState } from 'react';
import { api } from './api.js';
import { useSession } from './session.js';

export type Load<T> = { state: 'loading' } | { state: 'error'; error: unknown } | { state: 'ready'; data: T };

export function useLoad<T>(fetcher: (token: string) => Promise<T>, deps: readonly unknown[]): [Load<T>, () => void] {
  const { token, check } = useSession();
  const [load, setLoad] = useState<Load<T>>({ state: 'loading' });
  const [round, setRound] = useState(0);
  useEffect(() => {
    if (!token) return;
    let live = true;
    fetcher(token).then(
      (data) => live && setLoad({ state: 'ready', data }),
      (error: unknown) => {
        if (!live) return;
        check(error);
        setLoad({ state: 'error', error });
      },
    );
    return () => {
      live = false;
    };
  }, [token, round, ...deps]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return [load, reload];
}

/** The zone each provider's venue reads its times in (its timeZoneInUse), by provider ID; undefined until known. */
export function useVenueZones(): (providerId: string) => string | undefined {
  const [load] = useLoad((tk) => api.providers(tk), []);
  return (providerId) => (load.state === 'ready' ? load.data.providers.find((p) => p.providerId === providerId)?.timeZoneInUse : undefined);
}

/** This browser's clock (epoch seconds), read again every `everyMs`: for what a page offers only for a while. */
export function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now() / 1000);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now() / 1000), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
