// The calendar day a show falls on, as its venue sees it: the customer page's
// day strip and the catalogue's `?day=` both group showtimes by it, so a film
// at 00:30 in Shanghai is on the Shanghai date whatever zone the reader is in.

const formats = new Map<string, Intl.DateTimeFormat>();

/** `epochS`'s date in `timeZone` (default the runtime's) as YYYY-MM-DD, which sorts as the days do. */
export function venueDay(epochS: number, timeZone?: string): string {
  const key = timeZone ?? '';
  let f = formats.get(key);
  // en-CA writes dates as YYYY-MM-DD.
  if (!f) formats.set(key, (f = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', ...(timeZone ? { timeZone } : {}) })));
  return f.format(new Date(epochS * 1000));
}

/** A `?day=` value: a calendar day, or `first`, the first day with showtimes on sale. */
export const DAY_PATTERN = /^(first|\d{4}-\d{2}-\d{2})$/;
