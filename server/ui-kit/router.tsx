// A small history router for a browser app with a handful of routes: the
// current path (below the app's base) and query, navigation by pushState,
// and a Link that navigates without reloading. The booking server answers
// every client route with the app's index.html. Each app matches its own routes.
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent, type ReactNode, type Ref } from 'react';

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

export interface RouterOptions {
  /** the path the app lives under ('' at the root) */
  base: string;
  /** a new page starts at its top (a long customer page); the console keeps its place */
  scrollToTop: boolean;
}

export function createRouter({ base, scrollToTop }: RouterOptions) {
  /**
   * The path below the base and the query, re-rendering on every navigation;
   * `href` is the whole location this render saw, for a redirect (navigate's `from`).
   */
  function useLocation(): { path: string; search: URLSearchParams; href: string } {
    const current = useSyncExternalStore(subscribe, snapshot);
    const q = current.indexOf('?');
    const full = q < 0 ? current : current.slice(0, q);
    const path = base && full.startsWith(base) ? full.slice(base.length) || '/' : full;
    return { path, search: new URLSearchParams(q < 0 ? '' : current.slice(q)), href: current };
  }

  /**
   * `from`: a redirect a page decides after loading something (no show chosen:
   * the one on now). It happens only while the location is still the one the
   * page saw: an effect can run after the user has clicked elsewhere, and must
   * not take them back.
   */
  function navigate(to: string, opts: { replace?: boolean; from?: string } = {}): void {
    if (to === snapshot()) return;
    if (opts.from !== undefined && opts.from !== snapshot()) return;
    if (opts.replace) history.replaceState(null, '', to);
    else history.pushState(null, '', to);
    window.dispatchEvent(new Event(CHANGE));
    if (scrollToTop && !opts.replace) window.scrollTo(0, 0);
  }

  /** An <a> that navigates without reloading the page (and still opens a new tab on ctrl/cmd-click). */
  function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string; ref?: Ref<HTMLAnchorElement> }) {
    const handle = (e: MouseEvent<HTMLAnchorElement>) => {
      onClick?.(e);
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      navigate(href);
    };
    return <a href={href} onClick={handle} {...rest} />;
  }

  return { useLocation, navigate, Link };
}

/** A path segment decoded, or as it is when it is not valid percent-encoding. */
export function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Each of an app's routes with the page it shows: a new route is one more entry. */
export type Pages<R extends { name: string }> = { [N in R['name']]: (route: Extract<R, { name: N }>) => ReactNode };

export function pageFor<R extends { name: string }>(pages: Pages<R>, route: R): ReactNode {
  return (pages[route.name as R['name']] as (route: R) => ReactNode)(route);
}
