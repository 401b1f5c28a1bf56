// The customer's session: the bearer token from sign-up or sign-in, kept in
// localStorage (the only thing the page stores besides the language choice).
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { storedToken } from '../../ui-kit/stored-token.js';
import { ApiError } from './api.js';

const stored = storedToken('local', 'gatepost.session');

export interface Session {
  token: string | null;
  signIn(token: string): void;
  signOut(): void;
  /** call with any API error: an expired session signs the customer out */
  check(err: unknown): void;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [token, setToken] = useState<string | null>(stored.read);
  const save = useCallback((next: string | null) => {
    setToken(next);
    stored.write(next);
  }, []);
  const value = useMemo<Session>(
    () => ({
      token,
      signIn: (t) => save(t),
      signOut: () => save(null),
      check: (err) => {
        if (err instanceof ApiError && err.status === 401 && err.reason === 'unauthorized') save(null);
      },
    }),
    [token, save],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}
