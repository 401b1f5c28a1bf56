// The venue's time zone: every time a customer or staff member reads (ticket
// image, reminders, e-mails, the customer page) is in the zone of the venue
// the ticket or show belongs to, with the zone named — a booking server in UTC
// must not tell a Shanghai customer that their 20:00 film starts at 12:00.
// A provider without a zone (stored null) is read in the booking server's own.
import type { Kysely } from 'kysely';
import type { BookingDB } from '../schema.js';

let ownZone: string | undefined;
/** The booking server's own zone: what a venue without one is read in. Read once: a format made per show listed was a visible cost. */
export const serverZone = (): string => (ownZone ??= Intl.DateTimeFormat().resolvedOptions().timeZone);

/** The zone a provider's times are read in: its own, or the server's. */
export const venueZone = (stored: string | null | undefined): string => stored ?? serverZone();

/**
 * The canonical IANA name of a zone (`asia/shanghai` → `Asia/Shanghai`), or
 * undefined when this runtime does not know it. (Intl.supportedValuesOf leaves
 * out `UTC` and the old aliases, which Intl.DateTimeFormat accepts.)
 */
export function canonicalZone(name: string): string | undefined {
  if (name.length === 0 || name.length > 64) return undefined;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** Each provider's zone, the server's for one without (or no longer registered). */
export async function venueZones(db: Kysely<BookingDB>, providerIds: readonly string[]): Promise<Map<string, string>> {
  const ids = [...new Set(providerIds)];
  const rows = ids.length ? await db.selectFrom('providers').select(['provider_id', 'time_zone']).where('provider_id', 'in', ids).execute() : [];
  const stored = new Map(rows.map((r) => [r.provider_id, r.time_zone]));
  return new Map(ids.map((id) => [id, venueZone(stored.get(id))]));
}

/** `medium`: "Dec 5, 2026, 8:00 PM GMT+8"; `full` adds the weekday. */
export type ZoneTimeStyle = 'medium' | 'full';

const formats = new Map<string, Intl.DateTimeFormat>();
/** Formats are few (languages × venues' zones × styles): each is made once. */
const FORMATS_MAX = 256;

/** A date and time in `timeZone`, the zone named after it (dateStyle cannot name the zone, so the fields are spelled out). */
export function zonedTime(language: string, timeZone: string, style: ZoneTimeStyle, epochS: number): string {
  const key = `${language}|${timeZone}|${style}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(language, {
      timeZone,
      timeZoneName: 'short',
      year: 'numeric',
      month: style === 'full' ? 'long' : 'short',
      day: 'numeric',
      ...(style === 'full' ? { weekday: 'long' as const } : {}),
      hour: 'numeric',
      minute: '2-digit',
    });
    if (formats.size >= FORMATS_MAX) formats.clear();
    formats.set(key, f);
  }
  return f.format(epochS * 1000);
}
