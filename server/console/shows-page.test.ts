// The console's Shows page in headless Chromium against real processes (a
// booking server and a verification server): venue staff create a show through
// the form, two tickets are sold to a customer, and cancelling the show through
// the confirmation dialog — which says how many tickets will be refunded — ends
// with the refunded count on the page. Screenshots, en and zh-CN, go to
// artifacts/console/.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ManagedShow } from '../../protocol/provider-api.js';
import { consolePage } from '../../build/assets.js';
import { REPO_ROOT, startGatepost } from '../../testing/processes.js';
import { multiplexShows } from '../provider/testing/multiplex.js';
import { browserApp } from '../ui-kit/testing/browser-app.js';
import { chromiumMissing } from '../ui-kit/testing/chromium.js';
import { startConsoleStack } from './testing/console-stack.js';

const DESKTOP = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 };
const POLL = { timeout: 15_000, interval: 100 };
const missing = chromiumMissing();
if (missing) console.warn(`skipping the Shows page tests: ${missing}`);

describe.skipIf(missing !== null)('the console’s Shows page in Chromium', { timeout: 90_000 }, () => {
  const app = browserApp({ bundle: consolePage(), artifacts: 'console', start: () => startConsoleStack({ demoPayments: true }), pageTimeout: 15_000 });
  let providerId = '';

  async function open(locale: string): Promise<Page> {
    const page = await app.open({ ...DESKTOP, locale, timezoneId: 'America/New_York' }, { sessionStorage: { 'gatepost.console.token': app.stack.adminToken } });
    await page.goto(`${app.stack.url}/console/shows?provider=${providerId}`);
    return page;
  }
  const shot = app.shot;

  beforeAll(async () => {
    const registered = await app.stack.admin<{ providerId: string }>('POST', '/api/v1/admin/providers', { name: 'Riverside Cinema', verifyUrl: app.stack.provider.url, secret: app.stack.providerSecret, timeZone: 'Asia/Shanghai' });
    expect(registered.status).toBe(201);
    providerId = registered.body.providerId;
  }, 180_000);

  it('creates a show through the form and cancels it through the dialog, refunding its tickets', async () => {
    const page = await open('en');
    const table = page.getByTestId('shows');
    await expect.poll(() => table.locator('tr[data-show="demo-1"]').count(), POLL).toBe(1);
    // Times on the venue's clock, its zone named, though the browser is in New York.
    await expect.poll(() => table.locator('tr[data-show="demo-1"]').innerText(), POLL).toContain('Asia/Shanghai');

    await page.getByRole('button', { name: 'New show' }).click();
    const form = page.getByTestId('show-form');
    await expect.poll(() => form.innerText(), POLL).toContain('Times are the venue’s: Asia/Shanghai (GMT+8).');
    await form.locator('input[name="title"]').fill('Harbour Lights Gala');
    await form.locator('input[name="hall"]').fill('Hall 2');
    await form.locator('input[name="startsAt"]').fill('2030-05-01T19:30');
    await form.locator('input[name="endsAt"]').fill('2030-05-01T21:30');
    await form.locator('input[name="price"]').fill('60');
    await form.locator('input[name="rows"]').fill('2');
    await form.locator('input[name="seatsPerRow"]').fill('5');
    await shot(page, 'shows-new-en');
    await form.getByRole('button', { name: 'Create show' }).click();
    await expect.poll(() => page.locator('.notice').innerText(), POLL).toContain('“Harbour Lights Gala” is on sale.');

    const shows = (await app.stack.admin<{ shows: ManagedShow[] }>('GET', `/api/v1/admin/providers/${providerId}/shows`)).body.shows;
    const gala = shows.find((s) => s.title === 'Harbour Lights Gala')!;
    // 19:30 in Shanghai (UTC+8) is 11:30 UTC.
    expect(gala).toMatchObject({ hall: 'Hall 2', startsAt: Date.UTC(2030, 4, 1, 11, 30) / 1000, priceCents: 6000, currency: 'CNY', rows: 2, seatsPerRow: 5 });
    const row = table.locator(`tr[data-show="${gala.showId}"]`);
    await expect.poll(() => row.innerText(), POLL).toMatch(/May 1, 2030, 19:30 GMT\+8[\s\S]*Asia\/Shanghai[\s\S]*CN¥60\.00[\s\S]*10 \/ 0/);

    // A customer buys two tickets.
    const user = await fetch(`${app.stack.url}/api/v1/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'guest@example.com', password: 'password123' }) });
    expect(user.status, await user.clone().text()).toBe(201);
    const { token } = (await user.json()) as { token: string };
    const ordered = await fetch(`${app.stack.url}/api/v1/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ providerId, showId: gala.showId, seats: ['A1', 'A2'], payment: { method: 'demo' } }),
    });
    expect(ordered.status, await ordered.clone().text()).toBe(201);
    await page.reload();
    await expect.poll(() => row.getByTestId('seats').innerText(), POLL).toBe('8 / 2');
    await shot(page, 'shows-en');

    await row.getByRole('button', { name: 'Cancel show' }).click();
    const dialog = page.getByTestId('confirm');
    await expect.poll(() => dialog.innerText(), POLL).toContain('2 tickets will be revoked and refunded');
    await shot(page, 'shows-cancel-dialog-en');
    await dialog.getByRole('button', { name: 'Cancel show and refund' }).click();
    await expect.poll(() => page.locator('.notice').innerText(), POLL).toContain('“Harbour Lights Gala” is cancelled: 2 tickets refunded.');
    await expect.poll(() => row.innerText(), POLL).toContain('Cancelled');
    expect(await row.getByRole('button', { name: 'Cancel show' }).count()).toBe(0);
    await shot(page, 'shows-cancelled-en');

    // The customer's tickets are revoked and refunded.
    const mine = await fetch(`${app.stack.url}/api/v1/orders`, { headers: { authorization: `Bearer ${token}` } });
    const tickets = ((await mine.json()) as { orders: { tickets: { revokedAt: number | null; refund: { state: string } | null }[] }[] }).orders.flatMap((o) => o.tickets);
    expect(tickets).toHaveLength(2);
    for (const t of tickets) expect(t).toMatchObject({ revokedAt: expect.any(Number), refund: { state: 'refunded' } });
    expect(app.pageErrors).toEqual([]);
  });

  it('lists the last week and what is to come, and older shows on request', async () => {
    const now = Math.floor(Date.now() / 1000);
    const past = (showId: string, daysAgo: number) =>
      app.stack.admin('POST', `/api/v1/admin/providers/${providerId}/shows`, {
        showId,
        title: `Matinee ${daysAgo} days ago`,
        hall: 'Hall 1',
        startsAt: now - daysAgo * 86_400,
        endsAt: now - daysAgo * 86_400 + 7200,
        priceCents: 1000,
        currency: 'CNY',
        rows: 1,
        seatsPerRow: 4,
      });
    expect((await past('long-ago', 40)).status).toBe(201);
    expect((await past('last-week', 3)).status).toBe(201);
    const page = await open('en');
    const table = page.getByTestId('shows');
    await expect.poll(() => table.locator('tr[data-show="last-week"]').count(), POLL).toBe(1);
    expect(await table.locator('tr[data-show="long-ago"]').count()).toBe(0);
    expect(await table.locator('tr[data-show="demo-1"]').count()).toBe(1);
    await expect.poll(() => page.locator('.shows__range').innerText(), POLL).toContain('Shows that ended more than a week ago are not listed.');
    await page.getByTestId('shows-range').click();
    await expect.poll(() => table.locator('tr[data-show="long-ago"]').count(), POLL).toBe(1);
    // The oldest first, as every show is listed by its start.
    expect(await table.locator('tbody tr').first().getAttribute('data-show')).toBe('long-ago');
    // An ended show says so and offers no cancellation; the booking server passes the venue's refusal on by name.
    const ended = table.locator('tr[data-show="last-week"]');
    expect(await ended.innerText()).toContain('Ended');
    expect(await ended.getByRole('button', { name: 'Cancel show' }).count()).toBe(0);
    expect(await table.locator('tr[data-show="demo-1"]').getByRole('button', { name: 'Cancel show' }).count()).toBe(1);
    expect(await app.stack.admin('POST', `/api/v1/admin/providers/${providerId}/shows/last-week/cancel`)).toMatchObject({ status: 409, body: { error: 'show_ended' } });
    await shot(page, 'shows-older-en');
    // Editing it: moved to end later, its unused tickets would admit again, and the form says so first.
    await ended.getByRole('button', { name: 'Edit' }).click();
    const form = page.getByTestId('show-form');
    await form.locator('input[name="title"]').waitFor();
    expect(await form.getByTestId('show-revives').count()).toBe(0);
    await form.locator('input[name="endsAt"]').fill('2099-01-01T22:00');
    await expect.poll(() => form.getByTestId('show-revives').innerText(), POLL).toBe('This show has ended. Moved to end later, its tickets not used at a gate become valid again.');
    await shot(page, 'shows-edit-ended-en');
    await form.getByRole('button', { name: 'Cancel' }).click();
    await page.getByTestId('shows-range').click();
    await expect.poll(() => table.locator('tr[data-show="long-ago"]').count(), POLL).toBe(0);
    expect(app.pageErrors).toEqual([]);
  });

  it('reads in Chinese', async () => {
    const page = await open('zh-CN');
    const table = page.getByTestId('shows');
    await expect.poll(() => table.innerText(), POLL).toContain('已取消');
    expect(await page.locator('h1').innerText()).toBe('场次');
    await shot(page, 'shows-zh-CN');
    await page.getByRole('button', { name: '新建场次' }).click();
    await expect.poll(() => page.getByTestId('show-form').innerText(), POLL).toContain('时间为场馆当地时间：Asia/Shanghai (GMT+8)。');
    await shot(page, 'shows-new-zh-CN');
    await table.locator('tr[data-show="demo-2"]').getByRole('button', { name: '取消场次' }).click();
    await expect.poll(() => page.getByTestId('confirm').innerText(), POLL).toContain('0 张票将被作废并退款');
    await shot(page, 'shows-cancel-dialog-zh-CN');
    await page.getByTestId('confirm').getByRole('button', { name: '取消' , exact: true }).click();
    expect(app.pageErrors).toEqual([]);
  });

  it('draws a multiplex’s two months a few hundred rows at a time, from a day staff pick', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gp-console-multiplex-'));
    const now = Math.floor(Date.now() / 1000);
    const programme = multiplexShows({ now, halls: 10, days: 60, perDay: 6 });
    writeFileSync(join(dir, 'programme.json'), JSON.stringify({ venue: 'Mega Multiplex', shows: programme }));
    const secret = randomBytes(24).toString('hex');
    const multiplex = await startGatepost(['provider', '--port', '0', '--data', join(dir, 'data'), '--booking-secret', secret, '--programme', join(dir, 'programme.json')], { DATABASE_URL: '' }, 120_000);
    try {
      const zone = 'Europe/Berlin';
      const registered = await app.stack.admin<{ providerId: string }>('POST', '/api/v1/admin/providers', { name: 'Mega Multiplex', verifyUrl: multiplex.url, secret, timeZone: zone });
      const page = await app.open({ ...DESKTOP, locale: 'en', timezoneId: 'America/New_York' }, { sessionStorage: { 'gatepost.console.token': app.stack.adminToken } });
      await page.goto(`${app.stack.url}/console/shows?provider=${registered.body.providerId}`);
      const rows = page.getByTestId('shows').locator('tbody tr');
      await expect.poll(() => rows.count(), POLL).toBe(200);
      const more = page.getByTestId('shows-more');
      expect(await more.innerText()).toContain(`The first 200 of ${programme.length} shows are listed.`);
      await more.getByRole('button', { name: 'Show 200 more' }).click();
      await expect.poll(() => rows.count(), POLL).toBe(400);

      // From a day three weeks on (the venue's calendar): that day's first show at the top.
      const day = (epochS: number) => new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(epochS * 1000);
      const picked = day(now + 21 * 86_400);
      const fromThen = [...programme].sort((a, b) => a.startsAt - b.startsAt || (a.showId < b.showId ? -1 : 1)).filter((s) => day(s.startsAt) >= picked);
      await page.getByTestId('shows-from').fill(picked);
      await expect.poll(() => rows.first().getAttribute('data-show'), POLL).toBe(fromThen[0]!.showId);
      expect(await rows.count()).toBe(200);
      expect(await more.innerText()).toContain(`The first 200 of ${fromThen.length} shows are listed.`);
      // What the screen shows: the whole table is far longer than a full-page shot should be.
      await page.screenshot({ path: join(REPO_ROOT, 'artifacts', 'console', 'shows-multiplex-from-en.png') });
      // A day after the last show: said in words, not an empty table.
      await page.getByTestId('shows-from').fill(day(now + 90 * 86_400));
      await page.getByText('No show from that day on.').waitFor();
      await page.getByRole('button', { name: 'From the first show' }).click();
      await expect.poll(() => rows.count(), POLL).toBe(200);
      expect(app.pageErrors).toEqual([]);
    } finally {
      await multiplex.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
