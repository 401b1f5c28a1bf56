// Dates, times, durations and prices in the customer's locale and time zone,
// all through Intl. Times from the API are epoch seconds.

const cache = new Map<string, Intl.DateTimeFormat>();
function dtf(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = locale + JSON.stringify(options);
  let f = cache.get(key);
  if (!f) cache.set(key, (f = new Intl.DateTimeFormat(locale, options)));
  return f;
}

const toDate = (epochS: number) => new Date(epochS * 1000);
/** Chinese timetables write 09:30, English ones 9:30 AM. */
const hour = (locale: string) => (locale.startsWith('zh') ? '2-digit' : 'numeric');

export function money(locale: string, cents: number, currency: string): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency, currencyDisplay: 'narrowSymbol' }).format(cents / 100);
}

/** "7:30 PM" / "09:30" */
export function time(locale: string, epochS: number): string {
  return dtf(locale, { hour: hour(locale), minute: '2-digit' }).format(toDate(epochS));
}

/** "Wed, Nov 26, 7:30 PM" / "11月26日周三 19:30" */
export function dateTime(locale: string, epochS: number): string {
  return dtf(locale, { weekday: 'short', month: 'short', day: 'numeric', hour: hour(locale), minute: '2-digit' }).format(toDate(epochS));
}

/** "Wednesday, November 26" / "11月26日星期三" */
export function longDate(locale: string, epochS: number): string {
  return dtf(locale, { weekday: 'long', month: 'long', day: 'numeric' }).format(toDate(epochS));
}

/** Calendar day in the browser's time zone, as a sortable key. */
export function dayKey(epochS: number): string {
  const d = toDate(epochS);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Days from today (0 today, 1 tomorrow) in the browser's time zone. */
export function daysFromToday(epochS: number, nowMs = Date.now()): number {
  const a = new Date(nowMs);
  const b = toDate(epochS);
  const startA = new Date(a.getFullYear(), a.getMonth(), a.getDate()).getTime();
  const startB = new Date(b.getFullYear(), b.getMonth(), b.getDate()).getTime();
  return Math.round((startB - startA) / 86_400_000);
}

/** "Today" / "Tomorrow" / "Friday, November 28", capitalised: a heading for a day of showtimes. */
export function dayHeading(locale: string, epochS: number, nowMs = Date.now()): string {
  const days = daysFromToday(epochS, nowMs);
  if (days === 0 || days === 1) {
    const word = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(days, 'day');
    return word.charAt(0).toLocaleUpperCase(locale) + word.slice(1);
  }
  return longDate(locale, epochS);
}

/** The two ends of a validity period; the end without its date when both fall on one day. */
export function validityEnds(locale: string, fromS: number, untilS: number): { from: string; until: string } {
  const from = dateTime(locale, fromS);
  const until = dayKey(fromS) === dayKey(untilS) ? time(locale, untilS) : dateTime(locale, untilS);
  return { from, until };
}

/** "2 hours" / "30 minutes" / "1 day" — a reminder lead time. */
export function duration(locale: string, minutes: number): string {
  const [value, unit]: [number, 'day' | 'hour' | 'minute'] =
    minutes % 1440 === 0 ? [minutes / 1440, 'day'] : minutes % 60 === 0 ? [minutes / 60, 'hour'] : [minutes, 'minute'];
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' }).format(value);
}

export const isoString = (epochS: number) => toDate(epochS).toISOString();
