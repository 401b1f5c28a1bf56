// Who is signed in: the bearer token (a staff session's, or the admin token)
// kept in sessionStorage, so it goes when the tab closes, and the account
// behind it from GET /api/v1/staff/me. A server without that route still
// lets the admin token in: a token that may list the providers is the admin's.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { storedToken } from '../../ui-kit/stored-token.js';
import { api, ApiError, type Staff } from './api.js';

const stored = storedToken('session', 'gatepost.console.token');

export interface Session {
  token: string | null;
  /** null while the stored token is being checked */
  staff: Staff | null;
  signIn(token: string, staff: Staff): void;
  signOut(): void;
  /** call with any API error: a token the server no longer takes signs the operator out */
  check(err: unknown): void;
}

/** The account behind a token; ApiError 401 when the server does not take it. */
export async function whoIs(token: string): Promise<Staff> {
  try {
    return await api.me(token);
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404 && err.reason === 'not_found')) throw err;
  }
  await api.providers(token);
  return { role: 'admin', staffId: null, email: null, providerIds: [] };
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [token, setToken] = useState<string | null>(stored.read);
  const [staff, setStaff] = useState<Staff | null>(null);
  const save = useCallback((next: string | null, who: Staff | null) => {
    setToken(next);
    setStaff(who);
    stored.write(next);
  }, []);
  const signOut = useCallback(() => save(null, null), [save]);

  // A reload keeps the token: ask again who it belongs to.
  useEffect(() => {
    if (!token || staff) return;
    let live = true;
    whoIs(token).then(
      (who) => live && setStaff(who),
      (err: unknown) => {
        if (live && err instanceof ApiError && (err.status === 401 || err.status === 403)) signOut();
      },
    );
    return () => {
      live = false;
    };
  }, [token, staff, signOut]);

  const value = useMemo<Session>(
    () => ({
      token,
      staff,
      signIn: (t, who) => save(t, who),
      signOut,
      check: (err) => {
        if (err instanceof ApiError && err.status === 401) signOut();
      },
    }),
    [token, staff, save, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}
