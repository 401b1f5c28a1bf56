// What the operator sees of a gate station: the row, whether it is online
// (a heartbeat or a scan within STATION_ONLINE_S) and what its last
// heartbeat said. Also the throttled "last seen" mark every station call
// leaves, so that a gate that scans is online even between heartbeats.
import type { Selectable } from 'kysely';
import { heartbeatRequest, STATION_ONLINE_S, type StationDetails } from '../../../protocol/booking-api.js';
import type { BookingContext } from '../context.js';
import type { StationsTable } from '../schema.js';

/** One mark per station per this many seconds (and process) at most: a busy gate scans many times a second. */
export const SEEN_WRITE_S = 10;

export function stationDetails(row: Selectable<StationsTable>, now: number): StationDetails {
  const lastSeenAt = row.last_seen_at === null ? null : Number(row.last_seen_at);
  const status = row.status === null ? undefined : parseStatus(row.status);
  return {
    stationId: row.station_id,
    providerId: row.provider_id,
    gate: row.gate,
    enrolled: row.enrolled_at !== null,
    revoked: row.revoked_at !== null,
    createdAt: Number(row.created_at),
    online: row.revoked_at === null && lastSeenAt !== null && now - lastSeenAt <= STATION_ONLINE_S,
    lastSeenAt,
    version: status?.version ?? null,
    sources: status?.sources ?? [],
    relay: status?.relay ?? null,
    offlinePolicy: status?.offlinePolicy ?? null,
    bundleAgeS: status?.bundleAgeS ?? null,
    journalBacklog: status?.journalBacklog ?? null,
    clockSkewS: status?.clockSkewS ?? null,
  };
}

/** The stored heartbeat, checked again: a row written by another version must not break the list. */
function parseStatus(text: string) {
  try {
    const parsed = heartbeatRequest.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Marks stations seen as they call. The write commits without waiting for
 * the disk (relaxedTransaction): a mark lost to a power cut is replaced by the
 * next call, and a scan must not wait on it.
 */
export class LastSeen {
  private readonly markedAt = new Map<string, number>();

  constructor(private readonly ctx: Pick<BookingContext, 'relaxedTransaction' | 'now' | 'log'>) {}

  seen(stationId: string): void {
    const now = this.ctx.now();
    const last = this.markedAt.get(stationId);
    if (last !== undefined && now - last < SEEN_WRITE_S && now >= last) return;
    if (this.markedAt.size > 10_000) this.markedAt.clear();
    this.markedAt.set(stationId, now);
    this.ctx
      .relaxedTransaction((trx) =>
        trx
          .updateTable('stations')
          .set({ last_seen_at: now })
          .where('station_id', '=', stationId)
          .where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<', now)]))
          .execute(),
      )
      .catch((err: unknown) => this.ctx.log.warn({ err: (err as Error).message, stationId }, 'could not mark the station seen'));
  }
}
