// What's on beside a multiplex selling a month ahead, in headless Chromium
// against real processes: the demo provider and a second verification server
// with 10 halls × 6 shows a day × 30 days (1,800 showtimes). The page draws one
// day at a time from a strip of days; a day is in the address, so a deep link
// and the back button keep it. The catalogue travels gzipped. Screenshots go
// to artifacts/web/.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogueShow } from '../../protocol/catalogue-api.js';
import { customerPage } from '../../build/assets.js';
import { REPO_ROOT, startGatepost, type RunningCommand } from '../../testing/processes.js';
import { multiplexShows } from '../provider/testing/multiplex.js';
import { browserApp } from '../ui-kit/testing/browser-app.js';
import { chromiumMissing } from '../ui-kit/testing/chromium.js';
import { startStack } from './testing/stack.js';

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const MULTIPLEX_ZONE = 'Europe/Berlin';
const HALLS = 10;
const PER_DAY = 6;
const DAYS = 30;

/** What the phone's screen shows: a day of a multiplex is far longer than a full-page shot should be. */
const screen = (page: Page, name: string) => page.screenshot({ path: join(REPO_ROOT, 'artifacts', 'web', `${name}.png`) });

const missing = chromiumMissing();
if (missing) console.warn(`skipping the What's on tests: ${missing}`);

/** Calendar day of a show in its venue's zone, as the page keys it. */
const dayOf = (s: CatalogueShow) => new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: s.timeZone }).format(s.startsAt * 1000);

describe.skipIf(missing !== null)("What's on with a multiplex's month, in Chromium", () => {
  const app = browserApp({ bundle: customerPage(), artifacts: 'web', start: startStack });
  const dir = mkdtempSync(join(tmpdir(), 'gp-whats-on-'));
  let multiplex: RunningCommand | undefined;
  let shows: CatalogueShow[] = [];
  /** day → its showtimes, days in order */
  let days: [string, CatalogueShow[]][] = [];

  beforeAll(async () => {
    const now = Math.floor(Date.now() / 1000);
    const programme = { venue: 'Mega Multiplex', shows: multiplexShows({ now, halls: HALLS, days: DAYS, perDay: PER_DAY }) };
    writeFileSync(join(dir, 'programme.json'), JSON.stringify(programme));
    const secret = randomBytes(24).toString('hex');
    multiplex = await startGatepost(['provider', '--port', '0', '--data', join(dir, 'data'), '--booking-secret', secret, '--programme', join(dir, 'programme.json')], { DATABASE_URL: '' }, 120_000);
    await app.stack.registerProvider('Mega Multiplex', multiplex.url, secret, MULTIPLEX_ZONE);
    shows = ((await (await fetch(`${app.stack.url}/api/v1/shows`)).json()) as { shows: CatalogueShow[] }).shows;
    const byDay = new Map<string, CatalogueShow[]>();
    for (const s of shows) byDay.set(dayOf(s), [...(byDay.get(dayOf(s)) ?? []), s]);
    days = [...byDay].sort(([a], [b]) => a.localeCompare(b));
  }, 180_000);
  afterAll(async () => {
    await multiplex?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('draws one day at a time from a strip of every day, and keeps the day in the address', async () => {
    expect(shows.length).toBeGreaterThanOrEqual(DAYS * HALLS * PER_DAY);
    const page = await app.open({ ...PHONE, locale: 'en-US', timezoneId: MULTIPLEX_ZONE });
    // What the page asks the catalogue for, and how much JSON comes back each time.
    const asked: { query: string; bytes: Promise<number> }[] = [];
    page.on('response', (res) => {
      const url = new URL(res.url());
      if (url.pathname === '/api/v1/shows') asked.push({ query: url.search, bytes: res.body().then((b) => b.length, () => 0) });
    });
    await page.goto(`${app.stack.url}/`);
    await page.locator('.show-card').first().waitFor();
    const chips = page.locator('.day-strip .day-chip');
    expect(await chips.count()).toBe(days.length);
    // Only the first day's showtimes are drawn, not the month's.
    expect(await page.locator('.show-card').count()).toBe(days[0]![1].length);
    expect(await page.locator('.day-chip[aria-current="date"]').getAttribute('href')).toBe(`/?day=${days[0]![0]}`);
    await screen(page, 'phone-whats-on-multiplex');

    // A day further on, picked from the strip.
    const [later, laterShows] = days[12]!;
    await page.locator(`.day-chip[href="/?day=${later}"]`).click();
    await expect.poll(() => page.evaluate(() => location.search)).toBe(`?day=${later}`);
    await expect.poll(() => page.locator('.show-card').count()).toBe(laterShows.length);
    const titles = await page.locator('.show-card__title').allTextContents();
    expect(new Set(titles)).toEqual(new Set(laterShows.map((s) => s.title)));
    expect(await page.locator('.day__heading').textContent()).toBe(
      new Intl.DateTimeFormat('en-US', { weekday: 'long', month: 'long', day: 'numeric', timeZone: laterShows[0]!.timeZone }).format(laterShows[0]!.startsAt * 1000),
    );
    // Back: the first day again.
    await page.goBack();
    await expect.poll(() => page.locator('.show-card').count()).toBe(days[0]![1].length);

    // A link to the last day opens it, its chip scrolled into the strip's view.
    const [last, lastShows] = days[days.length - 1]!;
    await page.goto(`${app.stack.url}/?day=${last}`);
    await expect.poll(() => page.locator('.show-card').count()).toBe(lastShows.length);
    const strip = (await page.locator('.day-strip ul').boundingBox())!;
    const chip = (await page.locator('.day-chip[aria-current="date"]').boundingBox())!;
    expect(chip.x).toBeGreaterThanOrEqual(strip.x - 1);
    expect(chip.x + chip.width).toBeLessThanOrEqual(strip.x + strip.width + 1);
    await screen(page, 'phone-whats-on-last-day');

    // A day that is not on sale, or not a day at all: the first day, no error.
    for (const day of ['1999-01-01', '%3Cscript%3E', '']) {
      await page.goto(`${app.stack.url}/?day=${day}`);
      await expect.poll(() => page.locator('.show-card').count()).toBe(days[0]![1].length);
    }
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(app.pageErrors).toEqual([]);

    // The page asked for one day at a time, never the season: a day's answer is a small part of the whole list.
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.filter((a) => !/^\?day=(first|\d{4}-\d{2}-\d{2})$/.test(a.query)).map((a) => a.query)).toEqual([]);
    const whole = (await (await fetch(`${app.stack.url}/api/v1/shows`, { headers: { 'accept-encoding': 'identity' } })).text()).length;
    for (const a of asked) expect(await a.bytes).toBeLessThan(whole / 10);
  }, 90_000);

  it('sends the catalogue gzipped to a client that takes it, the same list as plain', async () => {
    const gz = await fetch(`${app.stack.url}/api/v1/shows`, { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gz.headers.get('vary')).toMatch(/accept-encoding/i);
    const plain = await fetch(`${app.stack.url}/api/v1/shows`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    const plainText = await plain.text();
    expect(Number(plain.headers.get('content-length') ?? plainText.length)).toBeGreaterThan(100_000);
    expect(await gz.json()).toEqual(JSON.parse(plainText));
  });
});
