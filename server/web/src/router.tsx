// The page's routes (server/ui-kit/router.tsx does the history): a path
// matcher and the paths. The server answers every one of these paths with index.html.
import { createRouter, decodeSegment as dec } from '../../ui-kit/router.js';

export const { useLocation, navigate, Link } = createRouter({ base: '', scrollToTop: true });

export type Route =
  | { name: 'shows' }
  | { name: 'seats'; providerId: string; showId: string }
  | { name: 'order'; orderId: string }
  | { name: 'tickets' }
  | { name: 'shared'; token: string }
  | { name: 'signin' }
  | { name: 'reminders' }
  | { name: 'notFound' };

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
  /** `day`: a day of the strip (YYYY-MM-DD); none: the first day with showtimes */
  shows: (day?: string) => (day ? `/?day=${encodeURIComponent(day)}` : '/'),
  seats: (providerId: string, showId: string, seats: string[] = []) =>
    `/shows/${encodeURIComponent(providerId)}/${encodeURIComponent(showId)}${seats.length ? `?seats=${seats.map(encodeURIComponent).join(',')}` : ''}`,
  order: (orderId: string) => `/orders/${encodeURIComponent(orderId)}`,
  tickets: () => '/tickets',
  signIn: (next?: string) => (next ? `/signin?next=${encodeURIComponent(next)}` : '/signin'),
  reminders: () => '/reminders',
};
