// Dates and durations in the console's language.
export function dateTime(locale: string, epochS: number): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(epochS * 1000);
}

/** A countdown: m:ss. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** A short duration: "45 s", "12 min", "3 h", "2 d" in the console's language. */
export function duration(locale: string, seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const [value, unit] =
    s < 90 ? [s, 'second'] : s < 90 * 60 ? [Math.round(s / 60), 'minute'] : s < 36 * 3600 ? [Math.round(s / 3600), 'hour'] : [Math.round(s / 86400), 'day'];
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short' }).format(value);
}

/** Whether this browser knows the IANA zone name. */
export function knownZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** This browser's zone, read once: every table row's time would otherwise make a format just to learn it. */
let browserZone: string | undefined;

/**
 * The zone a time is shown in, given the provider's timeZoneInUse: the API
 * answers that per provider (the venue's own zone, or the booking server's when
 * it has none), so the console never works the server's zone out itself. Only
 * where no provider is known — its list still loading, or a record of no
 * provider (a staff account's audit entry) — is there no venue to read the time
 * at, and this browser's zone stands in, named wherever it is shown.
 */
export function shownZone(timeZoneInUse: string | undefined): string {
  return timeZoneInUse ?? (browserZone ??= Intl.DateTimeFormat().resolvedOptions().timeZone);
}

/**
 * A time as the venue's clock shows it: in the venue's IANA zone (a provider's
 * timeZoneInUse), 24-hour, with the zone's offset named ("20:03 GMT+8"), so
 * staff signed in from elsewhere read the time the gate read; `date` puts the
 * day before it ("Dec 4, 2026, 20:03:09 GMT+8", for records read later). Zone
 * undefined: see shownZone.
 */
export function venueTime(locale: string, epochS: number, zone: string | undefined, { date = false, seconds = false } = {}): string {
  return new Intl.DateTimeFormat(locale, {
    ...(date ? { year: 'numeric', month: 'short', day: 'numeric' } : {}),
    hour: '2-digit',
    minute: '2-digit',
    ...(seconds ? { second: '2-digit' } : {}),
    hourCycle: 'h23',
    timeZone: shownZone(zone),
    timeZoneName: 'shortOffset',
  }).format(epochS * 1000);
}

/** A zone as staff read it: its IANA name and its offset now, "Asia/Shanghai (GMT+8)". Zone undefined: see shownZone. */
export function zoneName(locale: string, zone: string | undefined): string {
  const name = shownZone(zone);
  const offset = new Intl.DateTimeFormat(locale, { timeZone: name, timeZoneName: 'shortOffset' }).formatToParts(new Date()).find((p) => p.type === 'timeZoneName')?.value;
  return offset ? `${name} (${offset})` : name;
}

/** The venue's calendar day of a moment ("Dec 4, 2026"), for a time shown under it with venueTime. */
export function venueDate(locale: string, epochS: number, zone: string | undefined): string {
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', timeZone: shownZone(zone) }).format(epochS * 1000);
}

/** How far `zone`'s wall clock is ahead of UTC at `epochMs`, in ms (whole seconds). */
function zoneOffsetMs(epochMs: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(epochMs);
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - Math.floor(epochMs / 1000) * 1000;
}

/** epoch seconds → a datetime-local input's value ("2030-05-01T19:30") on `zone`'s wall clock. */
export function wallClock(epochS: number, zone: string): string {
  return new Date(epochS * 1000 + zoneOffsetMs(epochS * 1000, zone)).toISOString().slice(0, 16);
}

/**
 * A datetime-local input's value read on `zone`'s wall clock → epoch seconds. The
 * offset is looked up twice, so a time just after a daylight-saving change lands right;
 * a time the clocks skip is taken as if they had not.
 */
export function epochOfWallClock(value: string, zone: string): number {
  const [date = '', time = ''] = value.split('T');
  const [y, m, d] = date.split('-').map(Number);
  const [h, mi] = time.split(':').map(Number);
  const asUtc = Date.UTC(y!, m! - 1, d!, h!, mi!);
  const first = asUtc - zoneOffsetMs(asUtc, zone);
  return Math.floor((asUtc - zoneOffsetMs(first, zone)) / 1000);
}
