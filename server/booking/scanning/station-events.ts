// What offline stations learn from the booking server: the codes redeemed,
// annulled or revoked, in order (the table station_events), served in pages behind a
// cursor (the offline bundle), and forgotten once they cannot matter.
//
// An event matters while its ticket could still be shown at a gate: a station
// turns an expired ticket away on its own, so once the validity has ended
// (plus a day, for station clocks that run slow) the event only costs every
// new station's first sync and the disk. Events are kept with the ticket's
// validUntil and pruned by it; without this a season's admissions made a new
// station page through every code ever redeemed.
import type { Kysely, Transaction } from 'kysely';
import type { OfflineBundle } from '../../../protocol/booking-api.js';
import type { BookingContext } from '../context.js';
import type { BookingDB } from '../schema.js';

/** Events younger than this may still have a lower-numbered neighbour committing (PostgreSQL): the cursor stops before them. */
export const CURSOR_HORIZON_S = 5;
/** How long after its ticket's validity ended an event is still sent and kept. */
export const STALE_AFTER_S = 24 * 3600;
/**
 * Events recorded before validities were kept with them, and not matched to a
 * ticket of this server, go after as long as a station keeps a redemption
 * (server-client/offline-cache.ts).
 */
export const LEGACY_KEEP_S = 45 * 24 * 3600;
const BUNDLE_PAGE = 5000;
const PRUNE_BATCH = 2000;

type BundleEvents = Pick<OfflineBundle, 'revoked' | 'redeemed' | 'annulled' | 'cursor' | 'more'>;

/** One page of a provider's events after `since`, without those of tickets long expired. */
export async function bundlePage(db: Kysely<BookingDB>, providerId: string, since: number, now: number): Promise<BundleEvents> {
  const rows = await db
    .selectFrom('station_events')
    .select(['seq', 'kind', 'code', 'at', 'gate', 'recorded_at'])
    .where('provider_id', '=', providerId)
    .where('seq', '>', since)
    .where((eb) => eb.or([eb('valid_until', 'is', null), eb('valid_until', '>=', now - STALE_AFTER_S)]))
    .orderBy('seq')
    .limit(BUNDLE_PAGE)
    .execute();
  // The cursor moves over settled events only; newer ones are sent now and again next time.
  const horizon = now - CURSOR_HORIZON_S;
  let cursor = since;
  for (const r of rows) {
    if (Number(r.recorded_at) > horizon) break;
    cursor = Number(r.seq);
  }
  // A code redeemed, annulled and redeemed again: only its latest of the two counts (an
  // annulment deletes the redemption it undid, so a later redemption is a new one).
  const latest = new Map<string, number>();
  rows.forEach((r, i) => r.kind !== 'revoked' && latest.set(r.code, i));
  const current = (r: (typeof rows)[number], i: number) => latest.get(r.code) === i;
  return {
    revoked: rows.filter((r) => r.kind === 'revoked').map((r) => r.code),
    redeemed: rows.filter((r, i) => r.kind === 'redeemed' && current(r, i)).map((r) => ({ code: r.code, at: Number(r.at), gate: r.gate ?? '' })),
    annulled: rows.filter((r, i) => r.kind === 'annulled' && current(r, i)).map((r) => ({ code: r.code, at: Number(r.at) })),
    cursor: String(cursor),
    more: rows.length === BUNDLE_PAGE && cursor > since,
  };
}

/**
 * An admission undone: its redemption leaves the events (a new redemption of the
 * code is then recorded afresh, under a new sequence number) and an `annulled`
 * event tells the stations that synced it. Inside the caller's transaction.
 */
export async function recordAnnulled(
  trx: Transaction<BookingDB>,
  a: { providerId: string; code: string; stationId: string; scanId: string; at: number; gate: string; validUntil: number | null; recordedAt: number },
): Promise<void> {
  await trx
    .deleteFrom('station_events')
    .where('provider_id', '=', a.providerId)
    .where('kind', '=', 'redeemed')
    .where('code', '=', a.code)
    .where('scan_id', '=', a.scanId)
    .where('station_id', '=', a.stationId)
    .execute();
  // One annulled event per code, the latest: a new sequence number, so every station's cursor reaches it.
  await trx.deleteFrom('station_events').where('provider_id', '=', a.providerId).where('kind', '=', 'annulled').where('code', '=', a.code).execute();
  await trx
    .insertInto('station_events')
    .values({ provider_id: a.providerId, kind: 'annulled', code: a.code, at: a.at, gate: a.gate, recorded_at: a.recordedAt, valid_until: a.validUntil, scan_id: a.scanId, station_id: a.stationId })
    .execute();
}

/**
 * Deletes the events that can no longer matter, a batch per transaction (so
 * that scans keep being answered between them), and says how many went.
 */
export async function pruneStationEvents(ctx: Pick<BookingContext, 'writes'>, now: number): Promise<number> {
  let total = 0;
  for (const stale of [
    (db: Kysely<BookingDB>) =>
      db.selectFrom('station_events').select('seq').where('valid_until', '<', now - STALE_AFTER_S).limit(PRUNE_BATCH),
    (db: Kysely<BookingDB>) =>
      db.selectFrom('station_events').select('seq').where('valid_until', 'is', null).where('at', '<', now - LEGACY_KEEP_S).limit(PRUNE_BATCH),
  ]) {
    for (;;) {
      const deleted = await ctx.writes.run(async (trx) => {
        const res = await trx.deleteFrom('station_events').where('seq', 'in', stale(trx)).executeTakeFirst();
        return Number(res.numDeletedRows);
      });
      total += deleted;
      if (deleted < PRUNE_BATCH) break;
    }
  }
  return total;
}
