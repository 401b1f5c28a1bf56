// The Live page's stream: one watcher per provider and show, however many
// pages hold it. A watcher reads the summary from the database every 2 s (what
// other booking processes recorded), and soon after this process commits
// outcomes of that provider — but never more often than once a second — and
// sends it only when it changed.
import type { LiveSummary } from './live.js';

const POLL_MS = 2000;
const MIN_GAP_MS = 1000;

type Send = (json: string) => void;

interface Watcher {
  providerId: string;
  clients: Set<Send>;
  last?: string;
  lastAt: number;
  soon?: NodeJS.Timeout;
  poll: NodeJS.Timeout;
  running: boolean;
}

export class LiveStreams {
  private readonly watchers = new Map<string, Watcher>();

  constructor(
    private readonly summary: (providerId: string, showId: string) => Promise<LiveSummary>,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Sends the summary now and on every change after; the returned function stops it. */
  subscribe(providerId: string, showId: string, send: Send): () => void {
    const key = JSON.stringify([providerId, showId]);
    let w = this.watchers.get(key);
    if (!w) {
      const created: Watcher = { providerId, clients: new Set(), lastAt: 0, running: false, poll: setInterval(() => void this.refresh(created, showId), POLL_MS) };
      created.poll.unref();
      this.watchers.set(key, (w = created));
    }
    w.clients.add(send);
    if (w.last !== undefined) send(w.last);
    void this.refresh(w, showId, send);
    const watcher = w;
    return () => {
      watcher.clients.delete(send);
      if (watcher.clients.size === 0) {
        clearInterval(watcher.poll);
        clearTimeout(watcher.soon);
        this.watchers.delete(key);
      }
    };
  }

  /** Outcomes of these providers were just committed here: their watchers look again within a second. */
  changed(providerIds: Set<string>): void {
    for (const [key, w] of this.watchers) {
      if (!providerIds.has(w.providerId) || w.soon) continue;
      const showId = (JSON.parse(key) as [string, string])[1];
      w.soon = setTimeout(() => {
        w.soon = undefined;
        void this.refresh(w, showId);
      }, Math.max(0, w.lastAt + MIN_GAP_MS - Date.now()));
    }
  }

  close(): void {
    for (const w of this.watchers.values()) {
      clearInterval(w.poll);
      clearTimeout(w.soon);
    }
    this.watchers.clear();
  }

  private async refresh(w: Watcher, showId: string, first?: Send): Promise<void> {
    if (w.running) return;
    w.running = true;
    w.lastAt = Date.now();
    try {
      const json = JSON.stringify(await this.summary(w.providerId, showId));
      if (json !== w.last) {
        w.last = json;
        for (const send of w.clients) send(json);
      } else if (first) first(json);
    } catch (err) {
      this.onError(err);
    } finally {
      w.running = false;
    }
  }
}
