// The button under a list the server sends a page at a time (usePages): there
// while the server has more and the last page did not fail, and saying so while
// the next page loads.
import type { Pages } from '../hooks.js';

export function MoreButton({ pages, label, loadingLabel }: { pages: Pages<unknown>; label: string; loadingLabel: string }) {
  if (pages.items.length === 0 || !pages.more || pages.error !== undefined) return null;
  return (
    <p className="tickets-more">
      <button type="button" className="btn btn--ghost btn--small" disabled={pages.loading} onClick={pages.loadMore}>
        {pages.loading ? loadingLabel : label}
      </button>
    </p>
  );
}
