// A small history router: the page has a handful of routes, so a path
// matcher and pushState are all it needs. The server answers every one of
// these paths with index.html.
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

const CHANGE = 'gatepost:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(CHANGE, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(CHANGE, onChange);
  };
}

const snapshot = () => location.pathname + location.search;

/** The current path and query, re-rendering on every navigation. */
export function useLocation(): { path: string; search: URLSearchParams } {
  const current = useSyncExternalStore(subscribe, snapshot);
  const q = current.indexOf('?');
  return { path: q < 0 ? current : current.slice(0, q), search: new URLSearchParams(q < 0 ? '' : current.slice(q)) };
}

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (opts.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  window.dispatchEvent(new Event(CHANGE));
  if (!opts.replace) window.scrollTo(0, 0);
}

export type Route =
  | { name: 'shows' }
  | { name: 'seats'; providerId: string; showId: string }
  | { name: 'order'; orderId: string }
  | { name: 'tickets' }
  | { name: 'shared'; token: string }
  | { name: 'signin' }
  | { name: 'reminders' }
  | { name: 'notFound' };

const dec = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

export function match(path: string): Route {
  const p = path.replace(/\/+$/, '') || '/';
  let m: RegExpExecArray | null;
  if (p === '/') return { name: 'shows' };
  if ((m = /^\/shows\/([^/]+)\/([^/]+)$/.exec(p))) return { name: 'seats', providerId: dec(m[1]!), showId: dec(m[2]!) };
  if ((m = /^\/orders\/([^/]+)$/.exec(p))) return { name: 'order', orderId: dec(m[1]!) };
  if ((m = /^\/t\/([^/]+)$/.exec(p))) return { name: 'shared', token: dec(m[1]!) };
  if (p === '/tickets') return { name: 'tickets' };
  if (p === '/signin') return { name: 'signin' };
  if (p === '/reminders') return { name: 'reminders' };
  return { name: 'notFound' };
}

export const paths = {
  shows: () => '/',
  seats: (providerId: string, showId: string, seats: string[] = []) =>
    `/shows/${encodeURIComponent(providerId)}/${encodeURIComponent(showId)}${seats.length ? `?seats=${seats.map(encodeURIComponent).join(',')}` : ''}`,
  order: (orderId: string) => `/orders/${encodeURIComponent(orderId)}`,
  tickets: () => '/tickets',
  signIn: (next?: string) => (next ? `/signin?next=${encodeURIComponent(next)}` : '/signin'),
  reminders: () => '/reminders',
};

/** An <a> that navigates without reloading the page (and still opens in a new tab on ctrl/cmd-click). */
export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={handle} {...rest} />;
}
