// Dates, times, durations and prices in the customer's locale, all through
// Intl. Times from the API are epoch seconds. A show's or ticket's times are
// in its venue's time zone (`timeZone`, from the API), with the zone named, so
// the page says what the ticket, the e-mail and the reminder say; without one,
// the browser's zone.

import { venueDay } from '../../../protocol/venue-day.js';

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

/** A time of day in `timeZone` names the zone ("GMT+8"); a date alone does not. */
const inZone = (timeZone: string | undefined, named: boolean): Intl.DateTimeFormatOptions =>
  timeZone ? { timeZone, ...(named ? { timeZoneName: 'short' as const } : {}) } : {};

/** "7:30 PM GMT+8" / "GMT+8 09:30" */
export function time(locale: string, epochS: number, timeZone?: string): string {
  return dtf(locale, { hour: hour(locale), minute: '2-digit', ...inZone(timeZone, true) }).format(toDate(epochS));
}

/** "Wed, Nov 26, 7:30 PM GMT+8" / "11月26日周三 GMT+8 19:30" */
export function dateTime(locale: string, epochS: number, timeZone?: string): string {
  return dtf(locale, { weekday: 'short', month: 'short', day: 'numeric', hour: hour(locale), minute: '2-digit', ...inZone(timeZone, true) }).format(toDate(epochS));
}

/** "Wednesday, November 26" / "11月26日星期三" */
export function longDate(locale: string, epochS: number, timeZone?: string): string {
  return dtf(locale, { weekday: 'long', month: 'long', day: 'numeric', ...inZone(timeZone, false) }).format(toDate(epochS));
}

/** Calendar day in `timeZone` (default the browser's), as a sortable key. */
export const dayKey = venueDay;

/** Days from today (0 today, 1 tomorrow) in `timeZone` (default the browser's). */
export function daysFromToday(epochS: number, nowMs = Date.now(), timeZone?: string): number {
  const midnight = (key: string) => Date.UTC(Number(key.slice(0, 4)), Number(key.slice(5, 7)) - 1, Number(key.slice(8, 10)));
  return Math.round((midnight(dayKey(epochS, timeZone)) - midnight(dayKey(nowMs / 1000, timeZone))) / 86_400_000);
}

/** "Today" / "Tomorrow" / "Friday, November 28", capitalised: a heading for a day of showtimes. */
export function dayHeading(locale: string, epochS: number, nowMs = Date.now(), timeZone?: string): string {
  return todayOrTomorrow(locale, daysFromToday(epochS, nowMs, timeZone)) ?? longDate(locale, epochS, timeZone);
}

/** "Today" / "Tomorrow" (capitalised, in `locale`) for 0 and 1 days from today; undefined for any other day. */
function todayOrTomorrow(locale: string, days: number): string | undefined {
  if (days !== 0 && days !== 1) return undefined;
  const word = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(days, 'day');
  return word.charAt(0).toLocaleUpperCase(locale) + word.slice(1);
}

/** A day chip's two lines: "Today" / "Tomorrow" / "Mon", and "Dec 7" / "12月7日". */
export function dayChip(locale: string, epochS: number, nowMs = Date.now(), timeZone?: string): { name: string; date: string } {
  const name = todayOrTomorrow(locale, daysFromToday(epochS, nowMs, timeZone)) ?? dtf(locale, { weekday: 'short', ...inZone(timeZone, false) }).format(toDate(epochS));
  return { name, date: dtf(locale, { month: 'short', day: 'numeric', ...inZone(timeZone, false) }).format(toDate(epochS)) };
}

/** The two ends of a validity period; the end without its date when both fall on one day. */
export function validityEnds(locale: string, fromS: number, untilS: number, timeZone?: string): { from: string; until: string } {
  const from = dateTime(locale, fromS, timeZone);
  const until = dayKey(fromS, timeZone) === dayKey(untilS, timeZone) ? time(locale, untilS, timeZone) : dateTime(locale, untilS, timeZone);
  return { from, until };
}

/** "2 hours" / "30 minutes" / "1 day" — a reminder lead time. */
export function duration(locale: string, minutes: number): string {
  const [value, unit]: [number, 'day' | 'hour' | 'minute'] =
    minutes % 1440 === 0 ? [minutes / 1440, 'day'] : minutes % 60 === 0 ? [minutes / 60, 'hour'] : [minutes, 'minute'];
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' }).format(value);
}

export const isoString = (epochS: number) => toDate(epochS).toISOString();
