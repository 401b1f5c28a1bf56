// Loading data for a page: state for the first load, a reload, and 401s
// handed to the session (an expired token signs the operator out).
import { useCallback, useEffect, useState } from 'react';
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
