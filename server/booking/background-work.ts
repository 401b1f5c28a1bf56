// What every booking process does on a timer, beside answering requests. Each task
// is safe to run in several processes at once (claims, conditional writes, deletes).
import type { Kysely } from 'kysely';
import { settledWithin } from '../common/deadline.js';
import { pruneRateLimits } from '../common/shared-rate-limit.js';
import type { BookingContext } from './context.js';
import { reissueRetired } from './keys/key-retirement.js';
import type { TicketCancellations } from './ordering/cancellation.js';
import type { OrderService } from './ordering/orders.js';
import type { ShowCancellations } from './shows/show-cancellation.js';
import { pruneScanOutcomes } from './scanning/scan-outcomes.js';
import { pruneStationEvents } from './scanning/station-events.js';

/**
 * How often every process re-reads the signing keys: a key retired through
 * another process stops passing here within this time (plus one refresh's
 * duration). The read is of a handful of rows; the re-signing it may start
 * finds nothing through an index once a retirement is done.
 */
export const KEY_REFRESH_MS = 5_000;
/** How long closing waits for the tasks under way (ms). */
const STOP_WAIT_MS = 5_000;

export interface BackgroundWork {
  ctx: BookingContext;
  orders: OrderService;
  cancellations: TicketCancellations;
  shows: ShowCancellations;
  retryIntervalMs: number;
  pruneIntervalMs: number;
  keyRefreshMs: number;
  /** PostgreSQL: the database the rate limits are counted in */
  shared: Kysely<unknown> | undefined;
}

/**
 * The background issuer (paid orders a provider has not issued yet, cancellations to
 * finish), the key refresher (rotations and retirements by other processes) and the
 * pruners, on unref'd timers. `stop` clears them and waits for the tasks under way,
 * so the database is closed after them, not under them.
 */
export function startBackgroundWork(w: BackgroundWork): { stop(): Promise<void> } {
  const { ctx } = w;
  const timers: NodeJS.Timeout[] = [];
  const underWay = new Set<Promise<unknown>>();
  /** Runs `task` every `ms`, never two at once; a failure is logged and the next tick tries again. */
  const every = (ms: number, what: string, task: () => Promise<unknown>, soon = false): void => {
    if (ms <= 0) return;
    let running = false;
    const tick = (): void => {
      if (running) return;
      running = true;
      const run = task()
        .catch((err: unknown) => ctx.log.warn({ err: (err as Error).message }, `${what} failed`))
        .finally(() => {
          running = false;
          underWay.delete(run);
        });
      underWay.add(run);
    };
    timers.push(setInterval(tick, ms));
    // A server that was down catches up soon after start, not a whole interval later.
    if (soon) timers.push(setTimeout(tick, 1000));
  };

  // Paid orders still to issue; tickets stored for a show cancelled meanwhile (a process that
  // stopped before it looked); then cancellations still to finish (a venue or gateway that was down).
  every(w.retryIntervalMs, 'background issuer', async () => {
    await w.orders.retryDue();
    await w.shows.takeBackLatecomers();
    await w.cancellations.resume();
  });
  // Tickets a retired key signed are signed again by whichever process gets there (key-retirement.ts).
  every(w.keyRefreshMs, 'signing key refresh', async () => {
    await ctx.keys.reload();
    if (ctx.keys.retiredKeyIds().length > 0) await reissueRetired(ctx, { ifIdle: true });
  });
  // Offline-bundle events and scan outcomes of tickets long expired. Two processes may both do it; a delete is harmless twice.
  every(
    w.pruneIntervalMs,
    'pruning offline-bundle events',
    async () => {
      const [removed] = await Promise.all([pruneStationEvents(ctx, ctx.now()), pruneScanOutcomes(ctx.writes, ctx.now())]);
      if (removed > 0) ctx.log.info({ removed }, 'offline-bundle events of expired tickets removed');
    },
    true,
  );
  // PostgreSQL: the rate limit counts and waits no limiter needs any more, on the same schedule.
  const shared = w.shared;
  if (shared) {
    every(
      w.pruneIntervalMs,
      'pruning rate limit counts',
      async () => {
        const removed = await pruneRateLimits(shared, ctx.now());
        if (removed > 0) ctx.log.info({ removed }, 'expired rate limit counts removed');
      },
      true,
    );
  }
  timers.forEach((t) => t.unref());
  return {
    async stop() {
      timers.forEach(clearInterval);
      // Bounded: a task stuck on a provider that does not answer must not hold the shutdown.
      await settledWithin(Promise.allSettled([...underWay]), STOP_WAIT_MS);
    },
  };
}
