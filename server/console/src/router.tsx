// The console's routes under /console (server/ui-kit/router.tsx does the
// history): a path matcher and the paths. The booking server answers every
// /console/… path with index.html.
import { createRouter, decodeSegment as dec } from '../../ui-kit/router.js';

export const BASE = '/console';

export const { useLocation, navigate, Link } = createRouter({ base: BASE, scrollToTop: false });

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
  | { name: 'audit' }
  | { name: 'notFound' };

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
  if (p === '/audit') return { name: 'audit' };
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
  audit: (providerId?: string) => `${BASE}/audit${providerId ? `?provider=${enc(providerId)}` : ''}`,
};
