// Loading state for API calls, actions started by a button, and ticket files
// (QR, PNG) fetched with the session token and shown through blob: URLs.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from './api.js';
import { useSession } from './session.js';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
}

/** Runs `load` on mount and whenever `key` changes; a stale answer never overwrites a newer one. */
export function useLoad<T>(key: string | null, load: () => Promise<T>): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: key !== null });
  const [round, setRound] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    if (key === null) return;
    let live = true;
    setState((s) => ({ data: s.data, loading: true }));
    loadRef.current().then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [key, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export interface Pages<T> {
  items: T[];
  error: unknown;
  loading: boolean;
  /** true while the server has more after what is shown */
  more: boolean;
  loadMore(): void;
  reload(): void;
}

/** A list the server sends a page at a time (`next`: the cursor of the page after); `key` changing starts it over. */
export function usePages<T>(key: string | null, loadPage: (cursor: string | undefined) => Promise<{ items: T[]; next: string | null }>): Pages<T> {
  const [state, setState] = useState<{ items: T[]; next: string | null; error?: unknown; loading: boolean }>({ items: [], next: null, loading: key !== null });
  const [round, setRound] = useState(0);
  const loadRef = useRef(loadPage);
  loadRef.current = loadPage;
  // The run a page belongs to: an answer for an earlier key or round is dropped.
  const run = useRef(0);
  const fetchPage = useCallback((cursor: string | undefined, append: boolean) => {
    const mine = run.current;
    setState((s) => ({ ...s, error: undefined, loading: true }));
    loadRef.current(cursor).then(
      (page) => run.current === mine && setState((s) => ({ items: append ? [...s.items, ...page.items] : page.items, next: page.next, loading: false })),
      (error: unknown) => run.current === mine && setState((s) => ({ ...s, error, loading: false })),
    );
  }, []);
  useEffect(() => {
    run.current++;
    if (key === null) return;
    setState({ items: [], next: null, loading: true });
    fetchPage(undefined, false);
  }, [key, round, fetchPage]);
  const next = state.next;
  const loadMore = useCallback(() => {
    if (next !== null) fetchPage(next, true);
  }, [next, fetchPage]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { items: state.items, error: state.error, loading: state.loading, more: next !== null, loadMore, reload };
}

export interface Action {
  busy: boolean;
  /** the last run's failure, to show; undefined when it worked or while it runs */
  error: unknown;
  run(work: () => Promise<void>): Promise<void>;
  /** forget the last failure */
  clear(): void;
}

/** An action a button starts: busy while it runs, its failure kept, an expired session handed to the session. */
export function useAction(): Action {
  const session = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (err) {
      session.check(err);
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const clear = () => setError(undefined);
  return { busy, error, run, clear };
}

/**
 * An object URL for a ticket file: fetched with the bearer token when there is one,
 * or used as is when the URL itself carries a share token.
 */
export function useTicketFile(path: string, token: string | null): { url?: string; failed: boolean } {
  const [state, setState] = useState<{ url?: string; failed: boolean }>({ failed: false });
  useEffect(() => {
    if (!token) {
      setState({ url: path, failed: false });
      return;
    }
    let live = true;
    let objectUrl: string | undefined;
    setState({ failed: false });
    api.ticketFile(token, path).then(
      (blob) => {
        if (!live) return;
        objectUrl = URL.createObjectURL(blob);
        setState({ url: objectUrl, failed: false });
      },
      () => live && setState({ failed: true }),
    );
    return () => {
      live = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [path, token]);
  return state;
}

/** Unread reminders, for the badge in the navigation: asked again on every page change; 0 when reminders are off. */
export function useUnreadCount(token: string | null, path: string): number {
  const [count, setCount] = useState(0);
  useEffect(() => {
    if (!token) return setCount(0);
    let live = true;
    // One message is enough: the count is of every unread one.
    api.messages(token, undefined, 1).then(
      (body) => {
        const unread = (body as { unread?: unknown }).unread;
        if (live) setCount(typeof unread === 'number' ? unread : 0);
      },
      () => live && setCount(0),
    );
    return () => {
      live = false;
    };
  }, [token, path]);
  return count;
}
