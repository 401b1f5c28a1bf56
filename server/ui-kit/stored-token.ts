// A bearer token kept in the browser's storage: localStorage outlives the
// tab (the customer's session), sessionStorage goes with it (the console's).
// Storage may be blocked: the token then lives in memory for this page only.
export interface StoredToken {
  read(): string | null;
  write(token: string | null): void;
}

export function storedToken(storage: 'local' | 'session', key: string): StoredToken {
  const area = () => (storage === 'local' ? localStorage : sessionStorage);
  return {
    read: () => {
      try {
        return area().getItem(key);
      } catch {
        return null;
      }
    },
    write: (token) => {
      try {
        if (token) area().setItem(key, token);
        else area().removeItem(key);
      } catch {
        // kept in memory only
      }
    },
  };
}
