// A small history router under /console: a handful of routes, a path matcher
// and pushState. The booking server answers every /console/… path with index.html.
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

export const BASE = '/console';
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

/** The path below /console and the query, re-rendering on every navigation. */
export function useLocation(): { path: string; search: URLSearchParams } {
  const current = useSyncExternalStore(subscribe, snapshot);
  const q = current.indexOf('?');
  const full = q < 0 ? current : current.slice(0, q);
  const path = full.startsWith(BASE) ? full.slice(BASE.length) || '/' : full;
  return { path, search: new URLSearchParams(q < 0 ? '' : current.slice(q)) };
}

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (opts.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  window.dispatchEvent(new Event(CHANGE));
}

export type Route =
  | { name: 'home' }
  | { name: 'providers' }
  | { name: 'newProvider' }
  | { name: 'provider'; providerId: string }
  | { name: 'stations' }
  | { name: 'shows' }
  | { name: 'tickets' }
  | { name: 'ticket'; ticketId: string }
  | { name: 'live' }
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
  if (p === '/') return { name: 'home' };
  if (p === '/providers') return { name: 'providers' };
  if (p === '/providers/new') return { name: 'newProvider' };
  if ((m = /^\/providers\/([^/]+)$/.exec(p))) return { name: 'provider', providerId: dec(m[1]!) };
  if (p === '/stations') return { name: 'stations' };
  if (p === '/shows') return { name: 'shows' };
  if (p === '/tickets') return { name: 'tickets' };
  if ((m = /^\/tickets\/([^/]+)$/.exec(p))) return { name: 'ticket', ticketId: dec(m[1]!) };
  if (p === '/live') return { name: 'live' };
  return { name: 'notFound' };
}

const enc = encodeURIComponent;

export const paths = {
  home: () => BASE,
  providers: () => `${BASE}/providers`,
  newProvider: () => `${BASE}/providers/new`,
  provider: (providerId: string) => `${BASE}/providers/${enc(providerId)}`,
  tickets: (q?: string, showId?: string) => `${BASE}/tickets${q ? `?${new URLSearchParams(showId ? { q, showId } : { q }).toString()}` : ''}`,
  /** the search it came from rides along, so "back" returns to it */
  ticket: (ticketId: string, from?: string) => `${BASE}/tickets/${enc(ticketId)}${from ? `?${from}` : ''}`,
  stations: (providerId?: string) => `${BASE}/stations${providerId ? `?provider=${enc(providerId)}` : ''}`,
  shows: (providerId?: string) => `${BASE}/shows${providerId ? `?provider=${enc(providerId)}` : ''}`,
  live: (providerId?: string, showId?: string) =>
    `${BASE}/live${providerId ? `?provider=${enc(providerId)}${showId ? `&show=${enc(showId)}` : ''}` : ''}`,
};

/** An <a> that navigates without reloading the page (and still opens a new tab on ctrl/cmd-click). */
export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={handle} {...rest} />;
}
