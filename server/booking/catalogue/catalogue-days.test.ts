// The catalogue's answers kept up as venues' lists change one at a time (as
// the cache refreshes them), held against the answers built from scratch: the
// same shows, days, order and unavailable venues after every change, whether
// a day's answer was kept or built again.
import { describe, expect, it } from 'vitest';
import type { CatalogueShow } from '../../../protocol/catalogue-api.js';
import type { Show } from '../../../protocol/provider-api.js';
import { venueDay } from '../../../protocol/venue-day.js';
import { CatalogueAnswers, type CataloguePart } from './catalogue-days.js';

const ZONES = ['Europe/Berlin', 'America/New_York', 'Pacific/Auckland', 'UTC'];
const DAY_S = 86_400;
const T0 = Date.UTC(2026, 11, 6, 8) / 1000;

/** mulberry32: the same sequence of changes on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What the catalogue answers, built from scratch the plain way: every show, sorted, grouped by its venue's day. */
function fromScratch(parts: CataloguePart[]) {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const all: CatalogueShow[] = parts.flatMap((p) => (p.shows ?? []).map((s) => ({ ...s, providerId: p.providerId, timeZone: p.timeZone })));
  all.sort((a, b) => a.startsAt - b.startsAt || cmp(a.providerId, b.providerId) || cmp(a.showId, b.showId));
  const byDay = new Map<string, CatalogueShow[]>();
  for (const s of all) {
    const day = venueDay(s.startsAt, s.timeZone);
    byDay.set(day, [...(byDay.get(day) ?? []), s]);
  }
  const days = [...byDay].sort(([a], [b]) => cmp(a, b)).map(([d, list]) => ({ day: d, shows: list.length, startsAt: list[0]!.startsAt, timeZone: list[0]!.timeZone }));
  const unavailable = parts.filter((p) => p.shows === null).map((p) => p.providerId);
  return {
    days,
    answer(day: string | undefined) {
      const asked = day === 'first' ? (days[0]?.day ?? null) : (day ?? null);
      const shows = day === undefined ? all : asked === null ? [] : (byDay.get(asked) ?? []);
      return { shows, unavailable, days, day: asked };
    },
  };
}

const serialize = (body: unknown) => JSON.stringify(body);
const parsed = (answer: { json: string | Buffer }) => JSON.parse(answer.json.toString()) as { shows: CatalogueShow[] };

describe('the catalogue kept up venue by venue', () => {
  it('answers every day, the first day and the whole list as a fresh build would, through 400 changes at 12 venues', async () => {
    const next = random(20261205);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
    let serial = 0;
    const show = (): Show => {
      const startsAt = T0 + Math.floor(next() * 20) * DAY_S + Math.floor(next() * 48) * 1800;
      return { showId: `sh-${serial++}`, title: 'Film', venue: 'Cinema', hall: `Hall ${Math.floor(next() * 4)}`, startsAt, endsAt: startsAt + 7200, priceCents: 1000, currency: 'EUR', seatsFree: 100, seatsTotal: 100 };
    };
    const parts: CataloguePart[] = Array.from({ length: 12 }, (_, i) => ({
      providerId: `pv_${String.fromCharCode(97 + ((i * 7) % 12))}`,
      timeZone: ZONES[i % ZONES.length]!,
      shows: Array.from({ length: 40 }, show),
    }));
    const answers = new CatalogueAnswers();
    const check = async (step: string) => {
      await answers.update(parts.map((p) => ({ ...p })));
      const scratch = fromScratch(parts);
      for (const day of [undefined, 'first', ...scratch.days.map((d) => d.day), '2030-01-01']) {
        expect(JSON.parse(answers.answer(day, serialize).json.toString()), `${step}, day ${day}`).toEqual(scratch.answer(day));
      }
    };
    await check('at first');
    for (let step = 0; step < 400; step++) {
      const part = pick(parts);
      const shows = part.shows ? [...part.shows] : [];
      const what = next();
      if (part.shows === null) part.shows = Array.from({ length: 30 }, show); // answers again
      else if (what < 0.45) {
        // Seats sold: one show's count, in a new list as a refresh brings it.
        const i = Math.floor(next() * shows.length);
        if (shows[i]) shows[i] = { ...shows[i]!, seatsFree: shows[i]!.seatsFree - 1 };
        part.shows = shows;
      } else if (what < 0.6) part.shows = [...shows, show()];
      else if (what < 0.72) part.shows = shows.filter((_, i) => i !== Math.floor(next() * shows.length));
      else if (what < 0.8) part.shows = shows.map((s) => ({ ...s })); // the same shows, fetched again
      else if (what < 0.87) part.shows = null; // did not answer
      else if (what < 0.93) part.timeZone = pick(ZONES);
      else part.shows = shows.map((s) => (next() < 0.1 ? { ...s, startsAt: s.startsAt + DAY_S } : s)); // shows moved a day
      await check(`step ${step}`);
    }
  });

  it('keeps a day’s answer while other venues’ lists change, and builds it again when one of its showtimes changes', async () => {
    const day0: Show = { showId: 'a', title: 'Film', venue: 'V', hall: 'H', startsAt: T0, endsAt: T0 + 7200, priceCents: 900, currency: 'EUR', seatsFree: 10, seatsTotal: 10 };
    const day1: Show = { ...day0, showId: 'b', startsAt: T0 + DAY_S, endsAt: T0 + DAY_S + 7200 };
    const parts = (one: Show[], two: Show[]): CataloguePart[] => [
      { providerId: 'pv_one', timeZone: 'UTC', shows: one },
      { providerId: 'pv_two', timeZone: 'UTC', shows: two },
    ];
    const answers = new CatalogueAnswers();
    await answers.update(parts([day0], [day1]));
    const first = answers.answer('first', serialize);
    // Venue two sold a seat of the next day: the first day's answer is the one already made.
    await answers.update(parts([day0], [{ ...day1, seatsFree: 9 }]));
    expect(answers.answer('first', serialize)).toBe(first);
    expect(parsed(answers.answer(venueDay(T0 + DAY_S), serialize)).shows[0]!.seatsFree).toBe(9);
    // Venue one sold one of the first day's: built again.
    await answers.update(parts([{ ...day0, seatsFree: 9 }], [{ ...day1, seatsFree: 9 }]));
    const again = answers.answer('first', serialize);
    expect(again).not.toBe(first);
    expect(parsed(again).shows[0]!.seatsFree).toBe(9);
  });
});
